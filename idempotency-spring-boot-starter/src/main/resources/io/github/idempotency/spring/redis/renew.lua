-- Extends the lease of KEYS[1] when ARGV[1] owns it and its lease is still alive.
-- ARGV: owner token, lease (ms), how long the ongoing record is kept (ms, at least the lease).
-- Returns 1 when extended, 0 when fenced, -1 when the record cannot be parsed.
-- (runs after record-prelude.lua and fenced-prelude.lua: the owner is checked; key, fingerprint and owner are set)
local leaseDeadline = clock() + tonumber(ARGV[2])
redis.call('SET', key, '2O' .. millis(leaseDeadline) .. fingerprint .. string.char(#owner) .. owner,
	'PX', ARGV[3])
return 1
