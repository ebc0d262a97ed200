-- The sample app's /bench/ideal (PostgresIdealPath), INSERT ... ON CONFLICT DO NOTHING, then UPDATE.
-- pgbench replaces every colon-name, in string literals too, with a parameter; no colon in the literals.
\set k random(1, 1000000000000)
INSERT INTO pgb_ideal (idempotency_key) VALUES (md5(CAST(CAST(:k AS bigint) AS text)) || md5(CAST(CAST(:k AS bigint) AS text))) ON CONFLICT DO NOTHING;
UPDATE pgb_ideal SET response = '\x7b226964'::bytea || convert_to(repeat('x', 85), 'UTF8') WHERE idempotency_key = md5(CAST(CAST(:k AS bigint) AS text)) || md5(CAST(CAST(:k AS bigint) AS text));
