use sqlx::Row as _;
use tokio::sync::oneshot;

use super::*;
use crate::inbox::AttemptEnd;

/// A directory of its own for a test.
fn scratch(name: &str) -> std::path::PathBuf {
    let dir = std::env::temp_dir().join(format!(
        "webhook-{name}-{}-{}",
        std::process::id(),
        super::super::record::now_ms()
    ));
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// The steps of SQLite's plan (`detail`) that `explain`, an `EXPLAIN QUERY PLAN` with its
/// parameters bound, reads.
async fn plan_of<'q>(
    store: &SqliteStore,
    explain: sqlx::query::Query<'q, Sqlite, sqlx::sqlite::SqliteArguments<'q>>,
) -> Vec<String> {
    explain
        .fetch_all(&store.reads)
        .await
        .unwrap()
        .iter()
        .map(|row| row.try_get::<String, _>("detail").unwrap())
        .collect()
}

/// Two processes opening one new file at once both migrate it: neither fails.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_stores_opening_one_new_file_at_once_both_open() {
    let dir = scratch("migrate-race");
    for round in 0..20 {
        let file = dir.join(format!("inbox-{round}.sqlite3"));
        let (a, b) = tokio::join!(
            tokio::spawn({
                let file = file.clone();
                async move { SqliteStore::open(&file).await }
            }),
            tokio::spawn({
                let file = file.clone();
                async move { SqliteStore::open(&file).await }
            }),
        );
        a.unwrap().unwrap();
        b.unwrap().unwrap();
    }
    std::fs::remove_dir_all(&dir).unwrap();
}

/// The claim reads the due events in the order of the queued events' index and stops at
/// its limit: no sort of every queued event (a temporary B-tree), which made each claim
/// cost as much as the backlog.
#[tokio::test]
async fn a_claim_reads_an_index_in_order_without_sorting_the_backlog() {
    let dir = scratch("claim-plan");
    let store = SqliteStore::open(&dir.join("inbox.sqlite3")).await.unwrap();
    let explain = format!("EXPLAIN QUERY PLAN {}", STATEMENTS.claim);
    let plan = plan_of(
        &store,
        sqlx::query(&explain).bind("worker").bind(0_i64).bind(8_i64),
    )
    .await;
    assert!(
        plan.iter().all(|step| !step.contains("TEMP B-TREE")),
        "the claim sorts: {plan:#?}"
    );
    assert!(
        plan.iter()
            .any(|step| step.contains("INDEX webhook_inbox_queued (state=? AND run_at<?)")),
        "the claim does not read the queued events' index: {plan:#?}"
    );
    std::fs::remove_dir_all(&dir).unwrap();
}

/// The purge finds the finished events through the partial index that holds only them.
#[tokio::test]
async fn the_purge_reads_the_finished_events_index() {
    let dir = scratch("purge-plan");
    let store = SqliteStore::open(&dir.join("inbox.sqlite3")).await.unwrap();
    for statement in [sql::PURGE, sql::PURGE_HISTORY] {
        let explain = format!("EXPLAIN QUERY PLAN {statement}");
        let plan = plan_of(&store, sqlx::query(&explain).bind("done").bind(0_i64)).await;
        assert!(
            plan.iter()
                .any(|step| step
                    .contains("INDEX webhook_inbox_finished_at (state=? AND finished_at<?)")),
            "{statement}: {plan:#?}"
        );
    }
    std::fs::remove_dir_all(&dir).unwrap();
}

/// A write that panics fails with an error for its caller (none waits forever), its
/// transaction rolled back, and the writer goes on with the next writes; a failed statement is
/// an error too.
#[tokio::test]
async fn a_panic_in_the_writer_thread_becomes_an_error_for_its_caller() {
    let dir = scratch("writer-panic");
    let store = SqliteStore::open(&dir.join("inbox.sqlite3")).await.unwrap();
    let panicked = tokio::time::timeout(
        Duration::from_secs(5),
        store.writer.run(|connection| -> Result<(), StoreError> {
            connection.execute(
                "UPDATE webhook_inbox SET state = 'dead' WHERE state = 'queued'",
                &[],
            )?;
            panic!("a write that panics (expected)")
        }),
    )
    .await
    .expect("the panicked write's caller waits forever");
    assert!(
        matches!(panicked, Err(StoreError::Writer(_))),
        "{panicked:?}"
    );
    let failed = store
        .writer
        .run(|connection| connection.execute("UPDATE no_such_table SET x = 1", &[]))
        .await;
    assert!(matches!(failed, Err(StoreError::Sqlite(_))), "{failed:?}");
    // The writer goes on.
    let event = NewEvent::sample(Some("after"));
    let inserted = tokio::time::timeout(
        Duration::from_secs(5),
        store.insert_batch(std::slice::from_ref(&event), None),
    )
    .await
    .expect("a later write waits forever")
    .unwrap();
    assert!(matches!(inserted[..], [Inserted::New(_)]), "{inserted:?}");
    assert_eq!(
        store.insert_batch(&[event], None).await.unwrap(),
        [Inserted::Duplicate(inserted[0].id())]
    );
    store.ping().await.unwrap();
    drop(store);
    std::fs::remove_dir_all(&dir).unwrap();
}

/// Dropping the store's last clone stops its writer thread and joins it: once the drop
/// returns, the thread is gone (its closure dropped), and the writes handed over before it
/// were committed.
#[tokio::test]
async fn dropping_the_store_joins_its_writer_thread() {
    let dir = scratch("writer-join");
    let file = dir.join("inbox.sqlite3");
    let store = SqliteStore::open(&file).await.unwrap();
    let alive = std::sync::Arc::downgrade(&store.writer.alive);
    assert!(alive.upgrade().is_some());
    let clone = store.clone();
    drop(store);
    assert!(alive.upgrade().is_some(), "a clone still holds the writer");
    clone.replay_dead().await.unwrap();
    drop(clone);
    assert!(
        alive.upgrade().is_none(),
        "the writer thread outlived the store"
    );
    // The file is free: another store opens it and writes.
    let again = SqliteStore::open(&file).await.unwrap();
    assert_eq!(again.replay_dead().await.unwrap(), 0);
    drop(again);
    std::fs::remove_dir_all(&dir).unwrap();
}

/// A file migrated before the sixth migration keeps its attempts, their ids and their order;
/// its history table loses `AUTOINCREMENT`, and new rows' ids go on growing.
#[tokio::test]
async fn the_sixth_migration_rebuilds_the_history_without_autoincrement() {
    let dir = scratch("migrate-v6");
    let file = dir.join("inbox.sqlite3");
    let options = SqliteConnectOptions::from_str("sqlite:")
        .unwrap()
        .filename(&file)
        .create_if_missing(true);
    let old = SqlitePoolOptions::new()
        .max_connections(1)
        .connect_with(options.clone())
        .await
        .unwrap();
    super::super::sql::migrator(SCHEMA_V1, ATTEMPTS_V3, &[])
        .run(&old)
        .await
        .unwrap();
    for (id, attempt, outcome) in [(7, 1, "retry"), (9, 2, "done")] {
        sqlx::query(
            "INSERT INTO webhook_inbox_attempts \
             (id, event_id, attempt, worker, started_at, finished_at, outcome, error) \
             VALUES ($1, 1, $2, 'w', 10, 20, $3, NULL)",
        )
        .bind(id)
        .bind(attempt)
        .bind(outcome)
        .execute(&old)
        .await
        .unwrap();
    }
    old.close().await;

    let store = SqliteStore::open(&file).await.unwrap();
    let table: String = sqlx::query_scalar(
        "SELECT sql FROM sqlite_master WHERE type = 'table' AND name = 'webhook_inbox_attempts'",
    )
    .fetch_one(&store.reads)
    .await
    .unwrap();
    assert!(!table.contains("AUTOINCREMENT"), "{table}");
    let sequences: i64 = sqlx::query_scalar(
        "SELECT count(*) FROM sqlite_sequence WHERE name = 'webhook_inbox_attempts'",
    )
    .fetch_one(&store.reads)
    .await
    .unwrap();
    assert_eq!(sequences, 0);
    let mut indexes: Vec<String> = sqlx::query_scalar(
        "SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = 'webhook_inbox_attempts'",
    )
    .fetch_all(&store.reads)
    .await
    .unwrap();
    indexes.sort();
    assert_eq!(
        indexes,
        [
            "webhook_inbox_attempts_event",
            "webhook_inbox_attempts_finished"
        ]
    );
    let history = store.history(1).await.unwrap();
    let kept: Vec<(u32, AttemptEnd)> = history.iter().map(|a| (a.attempt, a.end)).collect();
    assert_eq!(kept, [(1, AttemptEnd::Retry), (2, AttemptEnd::Done)]);
    drop(store);
    let pool = SqlitePoolOptions::new()
        .max_connections(1)
        .connect_with(options)
        .await
        .unwrap();
    let next: i64 = sqlx::query_scalar(
        "INSERT INTO webhook_inbox_attempts \
         (event_id, attempt, worker, started_at, finished_at, outcome) \
         VALUES (1, 3, 'w', 30, 40, 'done') RETURNING id",
    )
    .fetch_one(&pool)
    .await
    .unwrap();
    pool.close().await;
    assert_eq!(next, 10, "one more than the largest id");
    let _ = std::fs::remove_dir_all(dir);
}

/// Hands `batches` to the writer thread while it is held in a write of its own, each in the
/// thread's queue before the next, then lets it go on: what each batch's insert answered.
async fn insert_while_the_writer_is_busy(
    store: &SqliteStore,
    batches: Vec<Vec<NewEvent>>,
) -> Vec<Result<Vec<Inserted>, StoreError>> {
    let (release, released) = std::sync::mpsc::channel::<()>();
    let (holding, held) = oneshot::channel();
    let writer = store.clone();
    tokio::spawn(async move {
        writer
            .writer
            .run(move |_| {
                let _ = holding.send(());
                let _ = released.recv();
                Ok(())
            })
            .await
            .unwrap();
    });
    held.await.unwrap();
    let mut answers = Vec::new();
    for batch in batches {
        let store = store.clone();
        answers.push(tokio::spawn(async move {
            store.insert_batch(&batch, None).await
        }));
        // The spawned insert runs to its hand-over (synchronous) before the next one.
        tokio::task::yield_now().await;
    }
    tokio::time::sleep(Duration::from_millis(50)).await;
    release.send(()).unwrap();
    let mut results = Vec::new();
    for answer in answers {
        results.push(answer.await.unwrap());
    }
    results
}

/// The transactions of events and ends the writer thread has committed.
async fn transactions(store: &SqliteStore) -> u64 {
    store
        .writer
        .run(|connection| Ok(connection.transactions()))
        .await
        .unwrap()
}

/// Batches handed to the writer thread while it is busy are stored by one transaction, each
/// answered with its own events; a duplicate of an event of an earlier batch in that
/// transaction is told as such.
#[tokio::test]
async fn batches_waiting_for_the_writer_share_one_transaction() {
    let dir = scratch("writer-merge");
    let store = SqliteStore::open(&dir.join("inbox.sqlite3")).await.unwrap();
    let before = transactions(&store).await;
    let batches = vec![
        vec![NewEvent::sample(Some("a")), NewEvent::sample(Some("b"))],
        vec![NewEvent::sample(Some("c"))],
        vec![NewEvent::sample(Some("a")), NewEvent::sample(None)],
    ];
    let inserted: Vec<Vec<Inserted>> = insert_while_the_writer_is_busy(&store, batches)
        .await
        .into_iter()
        .map(Result::unwrap)
        .collect();
    assert!(
        matches!(inserted[0][..], [Inserted::New(_), Inserted::New(_)]),
        "{inserted:?}"
    );
    assert!(
        matches!(inserted[1][..], [Inserted::New(_)]),
        "{inserted:?}"
    );
    assert_eq!(inserted[2][0], Inserted::Duplicate(inserted[0][0].id()));
    assert!(matches!(inserted[2][1], Inserted::New(_)), "{inserted:?}");
    assert_eq!(
        transactions(&store).await - before,
        1,
        "three batches waiting, one commit"
    );
    drop(store);
    std::fs::remove_dir_all(&dir).unwrap();
}

/// When the transaction of the batches waiting fails, each batch is written alone: only the
/// failing one gets the error.
#[tokio::test]
async fn a_failing_batch_does_not_fail_the_batches_sharing_its_transaction() {
    let dir = scratch("writer-merge-failure");
    let store = SqliteStore::open(&dir.join("inbox.sqlite3")).await.unwrap();
    store
        .writer
        .run(|connection| {
            connection.execute(
                "CREATE TRIGGER poison BEFORE INSERT ON webhook_inbox WHEN NEW.route = 'poison' \
                 BEGIN SELECT RAISE(ABORT, 'a poisoned event (expected)'); END",
                &[],
            )
        })
        .await
        .unwrap();
    let before = transactions(&store).await;
    let mut poisoned = NewEvent::sample(Some("p"));
    poisoned.route = "poison".to_owned();
    let batches = vec![
        vec![NewEvent::sample(Some("x"))],
        vec![poisoned],
        vec![NewEvent::sample(Some("y"))],
    ];
    let results = insert_while_the_writer_is_busy(&store, batches).await;
    assert!(
        matches!(results[0].as_deref(), Ok([Inserted::New(_)])),
        "{results:?}"
    );
    assert!(
        matches!(&results[1], Err(StoreError::Sqlite(_))),
        "{results:?}"
    );
    assert!(
        matches!(results[2].as_deref(), Ok([Inserted::New(_)])),
        "{results:?}"
    );
    // The shared transaction rolled back, then one each that succeeded.
    assert_eq!(transactions(&store).await - before, 2);
    drop(store);
    std::fs::remove_dir_all(&dir).unwrap();
}
