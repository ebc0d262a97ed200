-- Deletes KEYS[1] (or KEYS[2], the key of an earlier version of the store, when given) when ARGV[1] owns it and its
-- lease is alive.
-- ARGV: owner token.
-- Returns 1 when deleted, 0 when fenced, -1 when the record cannot be parsed.
-- (runs after record-prelude.lua and fenced-prelude.lua: the owner is checked; key is set)
redis.call('DEL', key)
return 1
