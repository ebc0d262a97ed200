-- Prepended to the fenced scripts (complete, release, renew) when they are loaded: reads Redis's clock and
-- KEYS[1], and returns 0 (fenced) unless ARGV[1] owns an ongoing record whose lease is alive, or -1 when the record
-- cannot be parsed. Leaves 'now' (ms), 'current' (the encoded record) and 'fingerprintEnd' for the script that follows.
local time = redis.call('TIME')
local now = tonumber(time[1]) * 1000 + math.floor(tonumber(time[2]) / 1000)
local current = redis.call('GET', KEYS[1])
if not current then
	return 0
end
if string.sub(current, 1, 1) ~= '1' or string.sub(current, 18, 18) ~= '|' then
	return -1
end
local deadline = tonumber(string.sub(current, 3, 17))
local fingerprintEnd = string.find(current, '|', 19, true)
if deadline == nil or fingerprintEnd == nil then
	return -1
end
local ownerEnd = string.find(current, '|', fingerprintEnd + 1, true)
if ownerEnd == nil then
	return -1
end
if string.sub(current, 2, 2) ~= 'O' or deadline <= now
		or string.sub(current, fingerprintEnd + 1, ownerEnd - 1) ~= ARGV[1] then
	return 0
end
