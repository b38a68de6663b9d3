-- The current tables, and an end kept as rows only: the event is not updated when it ends
-- done; a row of `webhook_inbox_done` says it is (the claims would read it). For
-- benches/durable/pg_layouts.sh: a layout to measure, not a migration.
DROP TABLE IF EXISTS webhook_inbox, webhook_inbox_attempts, webhook_inbox_payloads, webhook_inbox_done CASCADE;
CREATE TABLE webhook_inbox (
 id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY, route text NOT NULL, method text NOT NULL, uri text NOT NULL,
 headers bytea NOT NULL, body bytea NOT NULL, received_at bigint NOT NULL, idempotency_key text, state text NOT NULL,
 attempts bigint NOT NULL DEFAULT 0, attempts_before_replay bigint NOT NULL DEFAULT 0, run_at bigint NOT NULL,
 lease_owner text, lease_until bigint, last_error text, finished_at bigint, UNIQUE (route, idempotency_key));
CREATE INDEX webhook_inbox_finished_at ON webhook_inbox (state, finished_at) WHERE finished_at IS NOT NULL;
CREATE INDEX webhook_inbox_queued ON webhook_inbox (state, run_at) WHERE state = 'queued';
CREATE INDEX webhook_inbox_received ON webhook_inbox (received_at);
CREATE INDEX webhook_inbox_state_route ON webhook_inbox (state, route);
CREATE TABLE webhook_inbox_attempts (id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY, event_id bigint NOT NULL, attempt bigint NOT NULL,
 worker text NOT NULL, started_at bigint NOT NULL, finished_at bigint NOT NULL, outcome text NOT NULL, error text);
CREATE INDEX webhook_inbox_attempts_event ON webhook_inbox_attempts (event_id);
CREATE INDEX webhook_inbox_attempts_finished ON webhook_inbox_attempts (finished_at, outcome);
CREATE TABLE webhook_inbox_done (event_id bigint PRIMARY KEY, finished_at bigint NOT NULL);
