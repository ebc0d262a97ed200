-- Reads the record in force for KEYS[1]: an ongoing record whose lease ran out counts as absent.
-- Returns the record, or nil. A record that cannot be parsed is returned as is, never hidden.
local time = redis.call('TIME')
local now = tonumber(time[1]) * 1000 + math.floor(tonumber(time[2]) / 1000)
local current = redis.call('GET', KEYS[1])
if not current then
	return nil
end
if string.sub(current, 1, 1) == '1' and string.sub(current, 18, 18) == '|' then
	local deadline = tonumber(string.sub(current, 3, 17))
	if deadline ~= nil and deadline <= now then
		return nil
	end
end
return current
