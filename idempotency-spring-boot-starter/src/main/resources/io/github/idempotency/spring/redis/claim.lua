-- Claims KEYS[1] unless a record in force holds it, in one atomic step.
-- ARGV: fingerprint, new owner token, lease (ms), how long the ongoing record is kept (ms, at least the lease).
-- Returns {1, tookOver, leaseDeadlineMillis} when claimed, {0, record} when a record in force (or one that
-- cannot be parsed, which is never overwritten) holds the key.
local time = redis.call('TIME')
local now = tonumber(time[1]) * 1000 + math.floor(tonumber(time[2]) / 1000)
local current = redis.call('GET', KEYS[1])
local tookOver = 0
if current then
	local state, deadline = nil, nil
	if string.sub(current, 1, 1) == '1' and string.sub(current, 18, 18) == '|' then
		state = string.sub(current, 2, 2)
		deadline = tonumber(string.sub(current, 3, 17))
	end
	if state ~= 'O' or deadline == nil or deadline > now then
		return {0, current}
	end
	tookOver = 1
end
local leaseDeadline = now + tonumber(ARGV[3])
redis.call('SET', KEYS[1], '1O' .. string.format('%015.0f', leaseDeadline) .. '|' .. ARGV[1] .. '|' .. ARGV[2] .. '|',
	'PX', ARGV[4])
return {1, tookOver, leaseDeadline}
