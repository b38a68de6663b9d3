-- An end kept as rows only, on top of current.sql (the tables as they are): the event is not
-- updated when it ends done; a row of `webhook_inbox_done` says it is (the claims would read
-- it). For benches/durable/pg_layouts.sh: a layout to measure, not a migration.
CREATE TABLE webhook_inbox_done (event_id bigint PRIMARY KEY, finished_at bigint NOT NULL);
