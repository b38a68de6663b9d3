#!/usr/bin/env python3
"""What a commit of the embedded store writes: WAL frames a commit, and CPU an event, for the
store's schema as it is and with one of its indexes or its end UPDATE taken away.

A model of the writer thread's transactions (Python's sqlite3, the store's own statements and
schema, WAL, synchronous=FULL): each transaction inserts 13 events with unique random
idempotency keys (as `unique_id.lua` sends them) and ends the previous transaction's 13 (the
fenced UPDATE and a history row). Checkpoints are off, so the WAL's size at the end says how many
frames (pages) the commits wrote. A variant that removes an index says what that index costs a
commit; it is not a proposal to remove it (each serves a query of the store or of the page).

    benches/durable/wal_frames.py STORE [TRANSACTIONS, default 2000] [VARIANT]

VARIANT (0 for the store as it is, 1 without the end's UPDATE, ...) runs that one alone: under
`valgrind --tool=callgrind`, two runs of different lengths give a variant's instructions an
event (their difference divided by the events between them).

STORE is a store the current build created (its schema is read from it, so the model follows
the migrations): `cd "$(mktemp -d)" && WEBHOOK_ADDR=127.0.0.1:39411 timeout 3 <durable_hook>`
leaves `webhook-inbox.sqlite3` there. Only files in a temporary directory are written.
"""

import os
import random
import re
import sqlite3
import sys
import tempfile
import time

BATCH = 13

INSERT = (
    "INSERT INTO webhook_inbox (route, method, uri, headers, body, received_at, idempotency_key,"
    " state, attempts, run_at, lease_owner, lease_until)"
    " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?12, ?10, ?12 + ?11)"
)
ON_CONFLICT = " ON CONFLICT (route, idempotency_key) DO NOTHING"
END = (
    "UPDATE webhook_inbox SET"
    " state = CASE ?4 WHEN 'done' THEN 'done' WHEN 'dead' THEN 'dead' ELSE 'queued' END,"
    " run_at = CASE ?4 WHEN 'retry' THEN ?7 + ?6 WHEN 'released' THEN ?7 ELSE run_at END,"
    " attempts = CASE ?4 WHEN 'released' THEN attempts - 1 ELSE attempts END,"
    " finished_at = CASE WHEN ?4 IN ('done', 'dead') THEN ?7 ELSE finished_at END,"
    " last_error = CASE WHEN ?4 IN ('retry', 'dead') THEN ?5 ELSE last_error END,"
    " lease_owner = NULL, lease_until = NULL"
    " WHERE id = ?1 AND lease_owner = ?2 AND attempts = ?3 AND state = 'running'"
)
HISTORY = (
    "INSERT INTO webhook_inbox_attempts (event_id, attempt, worker, started_at, finished_at,"
    " outcome, error) VALUES (?1, ?2, ?3, ?4, ?7, ?5, ?6)"
)


def schema_of(store):
    """The store's tables and indexes, as its migrations left them."""
    with sqlite3.connect(f"file:{store}?mode=ro", uri=True) as db:
        rows = db.execute(
            "SELECT sql FROM sqlite_master WHERE sql IS NOT NULL"
            " AND name LIKE 'webhook_inbox%' ORDER BY type DESC, name"
        ).fetchall()
    if not rows:
        sys.exit(f"wal_frames.py: no webhook_inbox table in {store}")
    return ";\n".join(sql for (sql,) in rows) + ";\n"


def run(schema, transactions, end_update=True, unique=True):
    """WAL frames a commit and CPU µs an event for `transactions` transactions."""
    with tempfile.TemporaryDirectory() as directory:
        db = sqlite3.connect(os.path.join(directory, "model.sqlite3"), isolation_level=None)
        for pragma in ("journal_mode=WAL", "synchronous=FULL", "temp_store=MEMORY",
                       "wal_autocheckpoint=0"):
            db.execute("PRAGMA " + pragma)
        db.executescript(schema)
        insert = INSERT + (ON_CONFLICT if unique else "")
        headers = os.urandom(100)
        rng = random.Random(7)
        pending = []
        started = time.process_time()
        for transaction in range(transactions):
            now = 1_700_000_000_000 + transaction
            db.execute("BEGIN IMMEDIATE")
            for event_id in pending:
                if end_update:
                    db.execute(END, (event_id, "w1", 1, "done", None, 0, now))
                db.execute(HISTORY, (event_id, 1, "w1", now - 1, "done", None, now))
            pending = []
            for _ in range(BATCH):
                key = "%032x" % rng.getrandbits(128)
                body = b'{"key":"%s"}' % key.encode()
                row = (
                    "/events", "POST", "/events", headers, body, now, key, "running", 1, "w1",
                    30_000, now,
                )
                pending.append(db.execute(insert, row).lastrowid)
            db.execute("COMMIT")
        cpu = time.process_time() - started
        page_size = db.execute("PRAGMA page_size").fetchone()[0]
        wal = os.path.getsize(os.path.join(directory, "model.sqlite3-wal"))
        db.close()
    # A WAL frame is a 24-byte header and a page; the file has a 32-byte header.
    frames = (wal - 32) / (page_size + 24)
    return frames / transactions, cpu / (transactions * BATCH) * 1e6


def main():
    if len(sys.argv) not in (2, 3, 4):
        sys.exit(__doc__)
    schema = schema_of(sys.argv[1])
    transactions = int(sys.argv[2]) if len(sys.argv) >= 3 else 2000
    if not 10 <= transactions <= 100_000:
        sys.exit("wal_frames.py: TRANSACTIONS is between 10 and 100000")
    without_index = lambda name: re.sub(rf"CREATE INDEX {name} [^;]*;\n", "", schema)
    variants = [
        ("the store as it is", schema, {}),
        ("no end UPDATE (history row only)", schema, {"end_update": False}),
        ("no UNIQUE (route, idempotency_key)",
         schema.replace(",\n    UNIQUE (route, idempotency_key)", ""), {"unique": False}),
        ("no (received_at) index", without_index("webhook_inbox_received"), {}),
        ("no (state, route) index", without_index("webhook_inbox_state_route"), {}),
        ("no history indexes", without_index(r"webhook_inbox_attempts_\w+"), {}),
    ]
    if len(sys.argv) == 4:
        chosen = int(sys.argv[3])
        if not 0 <= chosen < len(variants):
            sys.exit(f"wal_frames.py: VARIANT is between 0 and {len(variants) - 1}")
        variants = [variants[chosen]]
    print(f"{transactions} transactions of {BATCH} events and {BATCH} ends "
          f"({transactions * BATCH} events):")
    for name, variant, options in variants:
        if variant == schema and options == {} and name != "the store as it is":
            sys.exit(f"wal_frames.py: the variant '{name}' changed nothing (schema changed?)")
        frames, cpu = run(variant, transactions, **options)
        print(f"  {name:<36} {frames:5.1f} WAL frames a commit, {cpu:5.1f} us of CPU an event")


if __name__ == "__main__":
    main()
