-- Claims KEYS[1] unless a record in force holds it (under KEYS[1], or under KEYS[2], the key of an earlier version
-- of the store, when given), in one atomic step.
-- ARGV: fingerprint (as stored), new owner token, lease (ms), how long the ongoing record is kept (ms, at least the
-- lease).
-- Returns {1, tookOver, leaseDeadlineMillis} when claimed, {0, record} when a record in force (or one that
-- cannot be parsed, which is never overwritten) holds the key.
-- (runs after record-prelude.lua)
local current = get()
local tookOver = 0
if current then
	local state, deadline = parse(current)
	if state ~= 'O' or deadline > clock() then
		return {0, current}
	end
	tookOver = 1
end
local leaseDeadline = clock() + tonumber(ARGV[3])
redis.call('SET', KEYS[1], '2O' .. millis(leaseDeadline) .. ARGV[1] .. string.char(#ARGV[2]) .. ARGV[2],
	'PX', ARGV[4])
return {1, tookOver, leaseDeadline}
