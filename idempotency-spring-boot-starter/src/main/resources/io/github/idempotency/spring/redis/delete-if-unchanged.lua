-- Deletes KEYS[1] only when the record in force is still the one an operator read: the same ongoing owner, or the
-- same finished state with the same end of retention.
-- ARGV: state code ('O' ongoing, 'K' finished ok, 'E' finished error), owner token (ongoing; else empty),
-- expiry in epoch milliseconds (finished; else 0).
-- Returns 1 when deleted, 0 when fenced (absent, expired or another record), -1 when the record cannot be parsed.
local time = redis.call('TIME')
local now = tonumber(time[1]) * 1000 + math.floor(tonumber(time[2]) / 1000)
local current = redis.call('GET', KEYS[1])
if not current then
	return 0
end
if string.sub(current, 1, 1) ~= '1' or string.sub(current, 18, 18) ~= '|' then
	return -1
end
local state = string.sub(current, 2, 2)
local deadline = tonumber(string.sub(current, 3, 17))
local fingerprintEnd = string.find(current, '|', 19, true)
if deadline == nil or fingerprintEnd == nil then
	return -1
end
if deadline <= now or state ~= ARGV[1] then
	return 0
end
if state == 'O' then
	local ownerEnd = string.find(current, '|', fingerprintEnd + 1, true)
	if ownerEnd == nil then
		return -1
	end
	if string.sub(current, fingerprintEnd + 1, ownerEnd - 1) ~= ARGV[2] then
		return 0
	end
elseif deadline ~= tonumber(ARGV[3]) then
	return 0
end
redis.call('DEL', KEYS[1])
return 1
