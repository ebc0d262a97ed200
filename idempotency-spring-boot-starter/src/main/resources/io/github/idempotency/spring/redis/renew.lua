-- Extends the lease of KEYS[1] when ARGV[1] owns it and its lease is still alive.
-- ARGV: owner token, lease (ms), how long the ongoing record is kept (ms, at least the lease).
-- Returns 1 when extended, 0 when fenced, -1 when the record cannot be parsed.
-- (runs after fenced-prelude.lua: now, current and fingerprintEnd are set, the owner is checked)
local leaseDeadline = now + tonumber(ARGV[2])
redis.call('SET', KEYS[1], '1O' .. string.format('%015.0f', leaseDeadline) .. string.sub(current, 18), 'PX', ARGV[3])
return 1
