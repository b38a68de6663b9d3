-- One cycle of the group commit (pgbench script): 18 events inserted leased to a worker (keys
-- random), then the 18 of this client's previous cycle ended done with their history rows.
-- :plo and :phi are the previous cycle's ids (-D plo=0 -D phi=-1 before the first).
WITH ins AS (INSERT INTO webhook_inbox (route, state, attempts, run_at, lease_owner, lease_until)
  SELECT 'events', 'running', 1, 1000, 'worker-1', 61000 FROM generate_series(1, 18) RETURNING id),
 pay AS (INSERT INTO webhook_inbox_payloads (id, route, method, uri, headers, body, received_at, idempotency_key)
  SELECT id, 'events', 'POST', '/events', convert_to(repeat('h', 106), 'UTF8'), convert_to(repeat('b', 27), 'UTF8'), 1000, md5(random()::text) FROM ins ORDER BY 1
  ON CONFLICT (route, idempotency_key) DO NOTHING RETURNING id)
SELECT min(id) AS lo, max(id) AS hi FROM pay \gset
BEGIN;
UPDATE webhook_inbox w SET state = 'done', finished_at = 2000, lease_owner = NULL, lease_until = NULL
  WHERE w.id BETWEEN :plo AND :phi AND w.lease_owner = 'worker-1' AND w.attempts = 1 AND w.state = 'running';
INSERT INTO webhook_inbox_attempts (event_id, attempt, worker, started_at, finished_at, outcome)
  SELECT g, 1, 'worker-1', 1500, 2000, 'done' FROM generate_series(:plo, :phi) g;
COMMIT;
\set plo :lo
\set phi :hi
