-- Prepended to the fenced scripts (complete, release, renew), after record-prelude.lua: returns 0 (fenced) unless
-- ARGV[1] owns an ongoing record whose lease is alive, or -1 when the record cannot be parsed. Leaves 'key' (the key
-- that holds it), its parsed 'fingerprint' and 'owner' for the write that follows.
local current, key = get()
if not current then
	return 0
end
local state, deadline, fingerprint, owner = parse(current)
if state == nil then
	return -1
end
if state ~= 'O' or owner ~= ARGV[1] or deadline <= clock() then
	return 0
end
