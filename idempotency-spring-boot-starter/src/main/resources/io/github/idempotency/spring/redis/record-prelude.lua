-- Prepended to every script when it is loaded: Redis's clock, and the one reader and writer of the stored format
-- (RedisRecordCodec). Leaves:
--   clock()        Redis's time, epoch ms, read by the first call only (TIME costs a command: a claim that finds a
--                  finished record, a replay, never needs it)
--   get()          the stored value of KEYS[1], else of KEYS[2] when given (the key an earlier version of the store
--                  wrote the record under), and the key it came from; false when neither holds one
--   parse(value)   the record's state ('O' ongoing, 'K' finished ok, 'E' finished error), deadline (epoch ms),
--                  fingerprint (as version 2 stores it) and owner token (empty once finished), or nil when the value
--                  is not a record this version can read (such a value is never overwritten or taken as absent)
--   millis(ms)     a deadline as version 2 stores it: 6 bytes, big-endian
local now
local function clock()
	if now == nil then
		local time = redis.call('TIME')
		now = tonumber(time[1]) * 1000 + math.floor(tonumber(time[2]) / 1000)
	end
	return now
end
local function get()
	local value = redis.call('GET', KEYS[1])
	if value or KEYS[2] == nil then
		return value, KEYS[1]
	end
	return redis.call('GET', KEYS[2]), KEYS[2]
end
local function millis(ms)
	local high = math.floor(ms / 4294967296)
	local low = ms - high * 4294967296
	return string.char(math.floor(high / 256) % 256, high % 256, math.floor(low / 16777216) % 256,
		math.floor(low / 65536) % 256, math.floor(low / 256) % 256, low % 256)
end
local function parse(value)
	local version = string.sub(value, 1, 1)
	if version == '2' then
		-- '2', state, 6 bytes of deadline, fingerprint (1 + 32 bytes, or 0, length, text), owner length, owner
		local b1, b2, b3, b4, b5, b6, f, n = string.byte(value, 3, 10)
		if n == nil then
			return nil
		end
		local fingerprintEnd = 41
		if f == 0 then
			fingerprintEnd = 10 + n
		end
		local ownerLength = string.byte(value, fingerprintEnd + 1)
		if ownerLength == nil or #value < fingerprintEnd + 1 + ownerLength then
			return nil
		end
		local deadline = ((((b1 * 256 + b2) * 256 + b3) * 256 + b4) * 256 + b5) * 256 + b6
		return string.sub(value, 2, 2), deadline, string.sub(value, 9, fingerprintEnd),
			string.sub(value, fingerprintEnd + 2, fingerprintEnd + 1 + ownerLength)
	end
	-- version 1: '1', state, 15 decimal digits of deadline, '|' fingerprint '|' owner '|' response
	if version ~= '1' or string.sub(value, 18, 18) ~= '|' then
		return nil
	end
	local deadline = tonumber(string.sub(value, 3, 17))
	local fingerprintEnd = string.find(value, '|', 19, true)
	if deadline == nil or fingerprintEnd == nil or fingerprintEnd - 19 > 255 then
		return nil
	end
	local ownerEnd = string.find(value, '|', fingerprintEnd + 1, true)
	if ownerEnd == nil then
		return nil
	end
	return string.sub(value, 2, 2), deadline, string.char(0, fingerprintEnd - 19) .. string.sub(value, 19,
		fingerprintEnd - 1), string.sub(value, fingerprintEnd + 1, ownerEnd - 1)
end
