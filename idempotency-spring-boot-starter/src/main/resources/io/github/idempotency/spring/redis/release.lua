-- Deletes KEYS[1] when ARGV[1] owns it and its lease is alive.
-- ARGV: owner token.
-- Returns 1 when deleted, 0 when fenced, -1 when the record cannot be parsed.
-- (runs after fenced-prelude.lua: now, current and fingerprintEnd are set, the owner is checked)
redis.call('DEL', KEYS[1])
return 1
