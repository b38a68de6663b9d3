-- One cycle of the group commit (pgbench script): 18 events inserted leased to a worker (keys
-- random), then the 18 of this client's previous cycle ended done with their history rows.
-- :plo and :phi are the previous cycle's ids (-D plo=0 -D phi=-1 before the first).
WITH ins AS (INSERT INTO webhook_inbox (route, method, uri, headers, body, received_at, idempotency_key, state, attempts, run_at, lease_owner, lease_until)
  SELECT 'events', 'POST', '/events', convert_to(repeat('h', 106), 'UTF8'), convert_to(repeat('b', 27), 'UTF8'), 1000, md5(random()::text), 'running', 1, 1000, 'worker-1', 61000
  FROM generate_series(1, 18) ORDER BY 1 ON CONFLICT (route, idempotency_key) DO NOTHING RETURNING id)
SELECT min(id) AS lo, max(id) AS hi FROM ins \gset
BEGIN;
INSERT INTO webhook_inbox_done (event_id, finished_at) SELECT g, 2000 FROM generate_series(:plo, :phi) g;
INSERT INTO webhook_inbox_attempts (event_id, attempt, worker, started_at, finished_at, outcome)
  SELECT g, 1, 'worker-1', 1500, 2000, 'done' FROM generate_series(:plo, :phi) g;
COMMIT;
\set plo :lo
\set phi :hi
