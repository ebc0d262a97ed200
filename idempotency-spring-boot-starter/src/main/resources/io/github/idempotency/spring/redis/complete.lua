-- Finishes KEYS[1] when ARGV[1] owns it and its lease is alive, keeping the response for the retention.
-- ARGV: owner token, state ('K' finished ok, 'E' finished error), retention (ms), encoded response.
-- Returns 1 when written, 0 when fenced, -1 when the record cannot be parsed.
-- (runs after record-prelude.lua and fenced-prelude.lua: the owner is checked; key and fingerprint are set)
local expiresAt = clock() + tonumber(ARGV[3])
redis.call('SET', key, '2' .. ARGV[2] .. millis(expiresAt) .. fingerprint .. string.char(0) .. ARGV[4],
	'PX', ARGV[3])
return 1
