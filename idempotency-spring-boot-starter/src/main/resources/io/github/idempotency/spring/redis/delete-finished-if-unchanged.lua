-- Deletes the record of KEYS[1] (or of KEYS[2], the key of an earlier version of the store, when given) only when
-- the record in force is still the finished one an operator read: the same state and the same end of retention,
-- which no later completion repeats. (An ongoing record is deleted by release.lua, fenced by its owner token.)
-- ARGV: state code ('K' finished ok, 'E' finished error), expiry in epoch milliseconds.
-- Returns 1 when deleted, 0 when fenced (absent, expired or another record), -1 when the record cannot be parsed.
-- (runs after record-prelude.lua)
local current, key = get()
if not current then
	return 0
end
local state, deadline = parse(current)
if state == nil then
	return -1
end
if state ~= ARGV[1] or deadline ~= tonumber(ARGV[2]) or deadline <= clock() then
	return 0
end
redis.call('DEL', key)
return 1
