-- Finishes KEYS[1] when ARGV[1] owns it and its lease is alive, keeping the response for the retention.
-- ARGV: owner token, state ('K' finished ok, 'E' finished error), retention (ms), encoded response.
-- Returns 1 when written, 0 when fenced, -1 when the record cannot be parsed.
-- (runs after fenced-prelude.lua: now, current and fingerprintEnd are set, the owner is checked)
local expiresAt = now + tonumber(ARGV[3])
redis.call('SET', KEYS[1], '1' .. ARGV[2] .. string.format('%015.0f', expiresAt) .. '|'
	.. string.sub(current, 19, fingerprintEnd - 1) .. '||' .. ARGV[4], 'PX', ARGV[3])
return 1
