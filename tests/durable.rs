//! Durable routes over real HTTP, with `examples/durable_hook.rs` as the program (its contract:
//! `POST /events` durable, deduplicated on `Webhook-Id`; the body `{"key", "fail", "sleep_ms"}`;
//! each processing appends `KEY ATTEMPT` to `PROCESSED_LOG`).
//!
//! Every test runs on the embedded store and on PostgreSQL: the server of
//! `WEBHOOK_TEST_POSTGRES_URL` (`scripts/postgres.sh`), a database of its own a test. Without it
//! the PostgreSQL half is skipped, with a message, unless `CI` is set: then it fails.

mod common;

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

use common::programs::{example, free_addr, http1_with_body, output_file, Running};

/// A store for one test: the environment that points the program at it, and the directory it
/// runs in (where the embedded store's file is).
struct Store {
    kind: &'static str,
    env: Vec<(String, String)>,
    dir: PathBuf,
}

/// The stores of the test `name`: the embedded one, and PostgreSQL when a server is given.
fn stores(name: &str) -> Vec<Store> {
    let dir = |kind: &str| {
        let dir = output_file(&format!("durable-{name}-{kind}"));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        dir
    };
    let mut stores = vec![Store {
        kind: "sqlite",
        env: Vec::new(),
        dir: dir("sqlite"),
    }];
    if let Some(url) = clustaar_webhook::testing::postgres::server(name) {
        stores.push(Store {
            kind: "postgres",
            env: vec![("WEBHOOK_STORE".to_owned(), fresh_database(&url, name))],
            dir: dir("postgres"),
        });
    }
    stores
}

/// A new, empty database on the server of `url`, for the test `name`; its URL.
fn fresh_database(url: &str, name: &str) -> String {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap()
        .block_on(clustaar_webhook::testing::postgres::fresh_database(
            url, "durable", name,
        ))
}

/// A running `durable_hook` on `store`, writing its processed events to `log`.
struct Replica {
    addr: String,
    running: Running,
}

fn replica(store: &Store, log: &Path, label: &str, env: &[(&str, &str)]) -> Replica {
    let addr = free_addr();
    let mut program = Command::new(example("durable_hook"));
    program
        .current_dir(&store.dir)
        .env("WEBHOOK_ADDR", &addr)
        .env("PROCESSED_LOG", log)
        .env("WEBHOOK_RETRY_BACKOFF", "50ms")
        .env("RUST_LOG", "info")
        .envs(store.env.iter().map(|(name, value)| (name, value)))
        .envs(env.iter().copied());
    let stderr = store.dir.join(format!("{label}.stderr"));
    let running = Running::serving_logged(program, &addr, &store.dir.join("stdout"), &stderr);
    Replica { addr, running }
}

/// Posts an event to `/events` with `Webhook-Id: id`: the status and the event's id.
fn post(addr: &str, id: &str, body: &str) -> (u16, i64) {
    let (status, _, answer) = http1_with_body(
        addr,
        "POST",
        "/events",
        &[("Content-Type", "application/json"), ("Webhook-Id", id)],
        body.as_bytes(),
    );
    let json: serde_json::Value = serde_json::from_str(&answer)
        .unwrap_or_else(|_| panic!("a JSON answer, not {status} {answer:?}"));
    (status, json["id"].as_i64().unwrap_or(-1))
}

/// The processed log: how many times each key was processed, and at which attempts.
fn processed(log: &Path) -> HashMap<String, Vec<u32>> {
    let text = std::fs::read_to_string(log).unwrap_or_default();
    let mut keys: HashMap<String, Vec<u32>> = HashMap::new();
    for line in text.lines() {
        let (key, attempt) = line.rsplit_once(' ').expect("KEY ATTEMPT");
        keys.entry(key.to_owned())
            .or_default()
            .push(attempt.parse().unwrap());
    }
    keys
}

/// Waits (at most `within`) until `done` holds of the processed log; the log then.
fn wait_for(
    log: &Path,
    within: Duration,
    done: impl Fn(&HashMap<String, Vec<u32>>) -> bool,
) -> HashMap<String, Vec<u32>> {
    let deadline = Instant::now() + within;
    loop {
        let keys = processed(log);
        if done(&keys) || Instant::now() > deadline {
            return keys;
        }
        std::thread::sleep(Duration::from_millis(50));
    }
}

/// Runs `durable_hook inbox ARGS` on `store`: its standard output.
fn inbox(store: &Store, args: &[&str]) -> String {
    let output = Command::new(example("durable_hook"))
        .current_dir(&store.dir)
        .envs(store.env.iter().map(|(name, value)| (name, value)))
        .arg("inbox")
        .args(args)
        .output()
        .unwrap();
    assert!(
        output.status.success(),
        "inbox {args:?}: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8(output.stdout).unwrap()
}

/// Waits (at most 20 s) for a dead letter on `store`: `inbox dead`'s output then.
fn wait_for_dead(store: &Store) -> String {
    let deadline = Instant::now() + Duration::from_secs(20);
    loop {
        let dead = inbox(store, &["dead"]);
        if !dead.trim().is_empty() {
            return dead;
        }
        assert!(
            Instant::now() < deadline,
            "{}: no event is ever dead",
            store.kind
        );
        std::thread::sleep(Duration::from_millis(100));
    }
}

#[test]
fn each_event_is_processed_once() {
    for store in stores("once") {
        let log = store.dir.join("processed.log");
        let server = replica(&store, &log, "a", &[]);
        let mut ids = Vec::new();
        for n in 0..40 {
            let (status, id) = post(
                &server.addr,
                &format!("id-{n}"),
                &format!(r#"{{"key":"k{n}"}}"#),
            );
            assert_eq!(status, 202, "{}", store.kind);
            ids.push(id);
        }
        ids.sort_unstable();
        ids.dedup();
        assert_eq!(ids.len(), 40, "{}: one id an event", store.kind);
        let keys = wait_for(&log, Duration::from_secs(20), |keys| keys.len() == 40);
        assert_eq!(keys.len(), 40, "{}: {keys:?}", store.kind);
        for (key, attempts) in &keys {
            assert_eq!(
                attempts,
                &[1],
                "{}: {key} processed once, at its first attempt",
                store.kind
            );
        }
        // The inline route runs the same handler in the request.
        let (status, _, _) = http1_with_body(
            &server.addr,
            "POST",
            "/fast",
            &[("Content-Type", "application/json")],
            br#"{"key":"inline"}"#,
        );
        assert_eq!(status, 200);
        assert_eq!(processed(&log)["inline"], [1]);
    }
}

#[test]
fn retries_come_at_the_expected_attempts() {
    for store in stores("retries") {
        let log = store.dir.join("processed.log");
        let server = replica(&store, &log, "a", &[("WEBHOOK_MAX_ATTEMPTS", "5")]);
        assert_eq!(post(&server.addr, "r0", r#"{"key":"r0","fail":0}"#).0, 202);
        assert_eq!(post(&server.addr, "r1", r#"{"key":"r1","fail":1}"#).0, 202);
        assert_eq!(post(&server.addr, "r3", r#"{"key":"r3","fail":3}"#).0, 202);
        // Backoff 50 ms, doubling: attempt 4 comes about 50 + 100 + 200 ms after the first.
        let keys = wait_for(&log, Duration::from_secs(20), |keys| keys.len() == 3);
        assert_eq!(
            keys.get("r0").map(Vec::as_slice),
            Some(&[1][..]),
            "{}: {keys:?}",
            store.kind
        );
        assert_eq!(
            keys.get("r1").map(Vec::as_slice),
            Some(&[2][..]),
            "{}: {keys:?}",
            store.kind
        );
        assert_eq!(
            keys.get("r3").map(Vec::as_slice),
            Some(&[4][..]),
            "{}: {keys:?}",
            store.kind
        );
        let listed = inbox(&store, &["list", "--state", "done"]);
        assert_eq!(listed.lines().count(), 3, "{}: {listed}", store.kind);
        let r3 = listed
            .lines()
            .map(|line| serde_json::from_str::<serde_json::Value>(line).unwrap())
            .find(|event| event["idempotency_key"] == "r3")
            .unwrap();
        assert_eq!(r3["attempts"], 4);
        assert!(r3["last_error"]
            .as_str()
            .unwrap()
            .contains("fails its attempt 3"));
    }
}

#[test]
fn a_retry_runs_when_it_is_due_not_at_the_next_poll() {
    for store in stores("retry_due") {
        let log = store.dir.join("processed.log");
        // The poll would find the retry a minute later: the worker wakes when it is due.
        let server = replica(
            &store,
            &log,
            "a",
            &[
                ("WEBHOOK_INBOX_POLL_INTERVAL", "60s"),
                ("WEBHOOK_RETRY_BACKOFF", "300ms"),
            ],
        );
        let posted = Instant::now();
        assert_eq!(
            post(&server.addr, "due", r#"{"key":"due","fail":1}"#).0,
            202
        );
        let keys = wait_for(&log, Duration::from_secs(10), |keys| {
            keys.contains_key("due")
        });
        let took = posted.elapsed();
        assert_eq!(
            keys.get("due").map(Vec::as_slice),
            Some(&[2][..]),
            "{}: {keys:?}",
            store.kind
        );
        // The delay: 300 ms less a jitter of up to half.
        assert!(
            took >= Duration::from_millis(150) && took < Duration::from_secs(5),
            "{}: the retry ran {took:?} after the post (due 150-300 ms after the first attempt)",
            store.kind
        );
    }
}

/// The PostgreSQL stores of `stores(name)`; a message when there is none.
fn postgres_only(name: &str) -> Vec<Store> {
    let stores: Vec<Store> = stores(name)
        .into_iter()
        .filter(|store| store.kind == "postgres")
        .collect();
    if stores.is_empty() {
        eprintln!("{name}: no PostgreSQL server given; skipped");
    }
    stores
}

#[test]
fn a_replay_from_another_process_wakes_the_replicas_at_once() {
    // PostgreSQL only: the embedded store has one writing process, and no notices.
    for store in postgres_only("replay_wakes") {
        let log = store.dir.join("processed.log");
        let server = replica(
            &store,
            &log,
            "a",
            &[
                ("WEBHOOK_INBOX_POLL_INTERVAL", "60s"),
                ("WEBHOOK_MAX_ATTEMPTS", "1"),
            ],
        );
        let (status, id) = post(&server.addr, "w1", r#"{"key":"w1","fail":1}"#);
        assert_eq!(status, 202);
        wait_for_dead(&store);
        // `inbox replay` is another process: its notice wakes the replica's idle workers.
        let replayed_at = Instant::now();
        assert!(inbox(&store, &["replay", &id.to_string()]).contains("queued"));
        let keys = wait_for(&log, Duration::from_secs(10), |keys| {
            keys.contains_key("w1")
        });
        assert_eq!(
            keys.get("w1").map(Vec::as_slice),
            Some(&[2][..]),
            "{keys:?}"
        );
        assert!(
            replayed_at.elapsed() < Duration::from_secs(5),
            "run {:?} after the replay (the poll: 60 s)",
            replayed_at.elapsed()
        );
    }
}

#[test]
fn a_busy_replica_s_events_wake_another_replica_at_once() {
    for store in postgres_only("overflow_wakes") {
        let log = store.dir.join("processed.log");
        let poll = ("WEBHOOK_INBOX_POLL_INTERVAL", "60s");
        // One worker, and room in memory for one event more: the rest is stored queued.
        let a = replica(
            &store,
            &log,
            "a",
            &[
                poll,
                ("WEBHOOK_INBOX_WORKERS", "1"),
                ("WEBHOOK_INBOX_BATCH_SIZE", "1"),
            ],
        );
        let _b = replica(&store, &log, "b", &[poll]);
        // B's listener connects once its workers start.
        std::thread::sleep(Duration::from_millis(500));
        let posted = Instant::now();
        for n in 0..5 {
            let body = format!(r#"{{"key":"o{n}","sleep_ms":1500}}"#);
            assert_eq!(post(&a.addr, &format!("o{n}"), &body).0, 202);
        }
        // A alone runs them one after the other (7.5 s); B, woken by A's notice, takes the
        // three A had no room for at once.
        let keys = wait_for(&log, Duration::from_secs(20), |keys| keys.len() == 5);
        let took = posted.elapsed();
        assert_eq!(keys.len(), 5, "{keys:?}");
        assert!(keys.values().all(|attempts| attempts == &[1]), "{keys:?}");
        assert!(
            took < Duration::from_millis(5500),
            "five events of 1.5 s took {took:?}: the other replica did not help at once"
        );
    }
}

#[test]
fn dead_letters_are_listed_and_replayed() {
    for store in stores("dead") {
        let log = store.dir.join("processed.log");
        let server = replica(&store, &log, "a", &[("WEBHOOK_MAX_ATTEMPTS", "2")]);
        let (status, id) = post(&server.addr, "d1", r#"{"key":"d1","fail":2}"#);
        assert_eq!(status, 202);
        // Two failed attempts: dead.
        let dead = wait_for_dead(&store);
        let lines: Vec<serde_json::Value> = dead
            .lines()
            .map(|line| serde_json::from_str(line).unwrap())
            .collect();
        assert_eq!(lines.len(), 1, "{}: {dead}", store.kind);
        let letter = &lines[0];
        assert_eq!(letter["id"], id);
        assert_eq!(letter["route"], "events");
        assert_eq!(letter["idempotency_key"], "d1");
        assert_eq!(letter["attempts"], 2);
        assert!(
            letter["last_error"]
                .as_str()
                .unwrap()
                .contains("fails its attempt 2"),
            "{letter}"
        );
        assert_eq!(letter["body"], r#"{"key":"d1","fail":2}"#);
        assert!(letter["received_at"].as_str().unwrap().ends_with('Z'));
        assert!(
            processed(&log).is_empty(),
            "{}: a dead letter was not processed",
            store.kind
        );
        // Replayed, it gets two attempts more: its third attempt succeeds.
        let replayed = inbox(&store, &["replay", &id.to_string()]);
        assert!(replayed.contains("queued"), "{replayed}");
        let keys = wait_for(&log, Duration::from_secs(20), |keys| {
            keys.contains_key("d1")
        });
        assert_eq!(
            keys.get("d1").map(Vec::as_slice),
            Some(&[3][..]),
            "{}: {keys:?}",
            store.kind
        );
        assert!(inbox(&store, &["dead"]).trim().is_empty());
        // Its history: failed twice (a retry, then a dead letter), then done, each attempt with
        // its error, worker and times.
        let deadline = Instant::now() + Duration::from_secs(20);
        let shown = loop {
            let shown: serde_json::Value =
                serde_json::from_str(&inbox(&store, &["show", &id.to_string()])).unwrap();
            if shown["state"] == "done" || Instant::now() > deadline {
                break shown;
            }
            std::thread::sleep(Duration::from_millis(50));
        };
        let history = shown["history"].as_array().expect("a history");
        let ends: Vec<(i64, &str)> = history
            .iter()
            .map(|a| (a["attempt"].as_i64().unwrap(), a["end"].as_str().unwrap()))
            .collect();
        assert_eq!(
            ends,
            [(1, "retry"), (2, "dead"), (3, "done")],
            "{}: {shown}",
            store.kind
        );
        for (attempt, error) in history
            .iter()
            .zip(["fails its attempt 1", "fails its attempt 2"])
        {
            assert!(
                attempt["error"].as_str().unwrap().contains(error),
                "{}: {attempt}",
                store.kind
            );
        }
        assert!(history[2]["error"].is_null());
        assert!(history
            .iter()
            .all(|a| a["worker"].as_str().is_some_and(|w| !w.is_empty())
                && a["duration_ms"].as_i64().is_some_and(|ms| ms >= 0)
                && a["started_at"].as_str().is_some_and(|t| t.ends_with('Z'))));
        // `replay --dead` re-queues every dead letter.
        assert_eq!(post(&server.addr, "d2", r#"{"key":"d2","fail":9}"#).0, 202);
        wait_for_dead(&store);
        assert!(inbox(&store, &["replay", "--dead"]).contains("queued 1 dead events"));
        drop(server);
        let purged = inbox(&store, &["purge", "--done", "--older-than", "0s"]);
        assert!(
            purged.contains("purged 1 done events"),
            "{}: {purged}",
            store.kind
        );
    }
}

#[test]
fn duplicates_are_processed_once_even_on_another_replica() {
    for store in stores("duplicates") {
        let log = store.dir.join("processed.log");
        let a = replica(&store, &log, "a", &[]);
        let b = replica(&store, &log, "b", &[]);
        for n in 0..20 {
            let body = format!(r#"{{"key":"u{n}","sleep_ms":100}}"#);
            let id = format!("dup-{n}");
            let (first, event) = post(&a.addr, &id, &body);
            assert_eq!(first, 202, "{}", store.kind);
            // While it runs, and on the other replica: the same event.
            for addr in [&b.addr, &a.addr] {
                let (status, same) = post(addr, &id, &body);
                assert_eq!((status, same), (200, event), "{}: a duplicate", store.kind);
            }
        }
        let keys = wait_for(&log, Duration::from_secs(20), |keys| keys.len() == 20);
        // Later copies, once processed, are still duplicates.
        assert_eq!(post(&b.addr, "dup-0", r#"{"key":"u0"}"#).0, 200);
        std::thread::sleep(Duration::from_millis(300));
        let keys_after = processed(&log);
        assert_eq!(keys.len(), 20, "{}: {keys:?}", store.kind);
        for (key, attempts) in keys_after {
            assert_eq!(attempts, [1], "{}: {key} processed once", store.kind);
        }
    }
}

#[test]
fn a_killed_replica_loses_no_acknowledged_event() {
    for store in stores("killed") {
        let log = store.dir.join("processed.log");
        // Short lease: the survivor takes the events over soon.
        let settings = [
            ("WEBHOOK_INBOX_LEASE", "4s"),
            ("WEBHOOK_INBOX_TIMEOUT", "3s"),
            ("WEBHOOK_INBOX_WORKERS", "4"),
        ];
        let mut a = replica(&store, &log, "a", &settings);
        for n in 0..12 {
            let body = format!(r#"{{"key":"s{n}","sleep_ms":1500}}"#);
            assert_eq!(
                post(&a.addr, &format!("kill-{n}"), &body).0,
                202,
                "{}",
                store.kind
            );
        }
        // Four are running (sleeping), eight wait in memory for a worker (each was leased to
        // this replica in its insert): SIGKILL.
        std::thread::sleep(Duration::from_millis(300));
        a.running.kill();
        assert!(
            processed(&log).is_empty(),
            "{}: killed before any finished",
            store.kind
        );
        let _b = replica(&store, &log, "b", &settings);
        let keys = wait_for(&log, Duration::from_secs(40), |keys| keys.len() == 12);
        assert_eq!(
            keys.len(),
            12,
            "{}: every acknowledged event is processed: {keys:?}",
            store.kind
        );
        let taken_over = keys.values().filter(|attempts| attempts == &&[2]).count();
        for (key, attempts) in &keys {
            assert_eq!(
                attempts.len(),
                1,
                "{}: {key} processed once: {attempts:?}",
                store.kind
            );
        }
        // Every one was the killed replica's (running, or waiting for a worker): each counts
        // the attempt it lost.
        assert_eq!(taken_over, 12, "{}: {keys:?}", store.kind);
    }
}

/// Posts `count` events (keys `{prefix}{n}`, each sleeping `sleep_ms`) alternately to the
/// replicas `a` and `b`, each acknowledged `202`.
fn post_alternately(
    store: &Store,
    a: &Replica,
    b: &Replica,
    prefix: &str,
    count: usize,
    sleep_ms: u64,
) {
    for n in 0..count {
        let addr = if n % 2 == 0 { &a.addr } else { &b.addr };
        let body = format!(r#"{{"key":"{prefix}{n}","sleep_ms":{sleep_ms}}}"#);
        assert_eq!(
            post(addr, &format!("{prefix}-{n}"), &body).0,
            202,
            "{}",
            store.kind
        );
    }
}

/// Waits until `count` keys are processed, then `settle` more (for a second run to show), and
/// checks that each ran once, at its first attempt.
fn assert_each_ran_once(store: &Store, log: &Path, count: usize, settle: Duration) {
    let keys = wait_for(log, Duration::from_secs(30), |keys| keys.len() == count);
    std::thread::sleep(settle);
    let keys_after = processed(log);
    assert_eq!(keys.len(), count, "{}: {keys:?}", store.kind);
    for (key, attempts) in keys_after {
        assert_eq!(
            attempts,
            [1],
            "{}: {key} run once, at its first attempt",
            store.kind
        );
    }
}

#[test]
fn two_replicas_never_run_one_event_at_once() {
    for store in stores("concurrent") {
        let log = store.dir.join("processed.log");
        let a = replica(&store, &log, "a", &[]);
        let b = replica(&store, &log, "b", &[]);
        // Both replicas claim from one store, each with 8 workers; every event takes 30 ms.
        // An event run twice would be in the log twice.
        post_alternately(&store, &a, &b, "c", 60, 30);
        assert_each_ran_once(&store, &log, 60, Duration::from_millis(300));
    }
}

#[test]
fn a_handler_longer_than_its_lease_runs_once() {
    for store in stores("renewed") {
        let log = store.dir.join("processed.log");
        // A 1 s lease, renewed every third of a second, for handlers of 2.5 s: without the
        // renewals, the other replica would take each event over after a second and run it
        // again.
        let settings = [
            ("WEBHOOK_INBOX_LEASE", "1s"),
            ("WEBHOOK_INBOX_TIMEOUT", "10s"),
            ("WEBHOOK_INBOX_WORKERS", "4"),
        ];
        let a = replica(&store, &log, "a", &settings);
        let b = replica(&store, &log, "b", &settings);
        post_alternately(&store, &a, &b, "l", 6, 2500);
        assert_each_ran_once(&store, &log, 6, Duration::from_secs(3));
    }
}

#[test]
fn a_graceful_shutdown_finishes_or_releases_running_attempts() {
    for store in stores("shutdown") {
        let log = store.dir.join("processed.log");
        // SIGTERM while an attempt runs: it finishes, then the program exits 0.
        let mut a = replica(&store, &log, "a", &[]);
        let body = r#"{"key":"g1","sleep_ms":700}"#;
        assert_eq!(post(&a.addr, "g1", body).0, 202, "{}", store.kind);
        std::thread::sleep(Duration::from_millis(200));
        a.running.terminate();
        assert!(
            a.running.exit_status(Duration::from_secs(10)).success(),
            "{}",
            store.kind
        );
        assert_eq!(
            processed(&log).get("g1").map(Vec::as_slice),
            Some(&[1][..]),
            "{}",
            store.kind
        );
        // An attempt longer than the shutdown timeout is cut and its event released: the next
        // replica runs it, as its first attempt still.
        let mut b = replica(&store, &log, "b", &[("WEBHOOK_SHUTDOWN_TIMEOUT", "1")]);
        let body = r#"{"key":"g2","sleep_ms":2500}"#;
        assert_eq!(post(&b.addr, "g2", body).0, 202, "{}", store.kind);
        std::thread::sleep(Duration::from_millis(300));
        b.running.terminate();
        b.running.exit_status(Duration::from_secs(10));
        assert!(
            !processed(&log).contains_key("g2"),
            "{}: cut before it finished",
            store.kind
        );
        let queued = inbox(&store, &["list", "--state", "queued"]);
        assert!(
            queued.contains("\"g2\""),
            "{}: released: {queued}",
            store.kind
        );
        let _c = replica(&store, &log, "c", &[]);
        let keys = wait_for(&log, Duration::from_secs(20), |keys| {
            keys.contains_key("g2")
        });
        assert_eq!(
            keys.get("g2").map(Vec::as_slice),
            Some(&[1][..]),
            "{}: {keys:?}",
            store.kind
        );
    }
}

/// Runs `statements` on the PostgreSQL server of `WEBHOOK_TEST_POSTGRES_URL`.
fn on_postgres_server(statements: &[String]) {
    use sqlx::Connection as _;
    let url = std::env::var("WEBHOOK_TEST_POSTGRES_URL").unwrap();
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    runtime.block_on(async {
        let mut admin = sqlx::PgConnection::connect(&url).await.unwrap();
        for statement in statements {
            sqlx::query(statement).execute(&mut admin).await.unwrap();
        }
    });
}

#[test]
fn a_store_out_of_reach_is_a_503_and_an_unready_replica() {
    // PostgreSQL only: an embedded store is a file of the process, never out of reach.
    let Some(store) = stores("unreachable")
        .into_iter()
        .find(|store| store.kind == "postgres")
    else {
        return;
    };
    let log = store.dir.join("processed.log");
    let server = replica(&store, &log, "a", &[]);
    let ready = |addr: &str| http1_with_body(addr, "GET", "/readyz", &[], b"");
    assert_eq!(ready(&server.addr).0, 200);
    let url = &store.env[0].1;
    let database = url.rsplit('/').next().unwrap().to_owned();
    // The database refuses connections, and the open ones are cut.
    on_postgres_server(&[
        format!("ALTER DATABASE {database} ALLOW_CONNECTIONS false"),
        format!(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = '{database}'"
        ),
    ]);
    let (status, headers, body) = http1_with_body(
        &server.addr,
        "POST",
        "/events",
        &[("Content-Type", "application/json"), ("Webhook-Id", "lost")],
        br#"{"key":"lost"}"#,
    );
    assert_eq!(status, 503, "not acknowledged: the sender retries ({body})");
    assert!(headers
        .iter()
        .any(|(name, value)| name == "content-type" && value == "application/json"));
    let error: serde_json::Value = serde_json::from_str(&body).unwrap();
    assert_eq!(error["title"], "503 Service Unavailable");
    assert!(error["description"]
        .as_str()
        .unwrap()
        .contains("could not be stored"));
    let (status, _, body) = ready(&server.addr);
    assert_eq!(status, 503, "{body}");
    assert!(body.contains("store"), "{body}");
    // Back: the same request is accepted, and processed once.
    on_postgres_server(&[format!("ALTER DATABASE {database} ALLOW_CONNECTIONS true")]);
    let deadline = Instant::now() + Duration::from_secs(20);
    loop {
        let (status, _) = post(&server.addr, "lost", r#"{"key":"lost"}"#);
        if status == 202 {
            break;
        }
        assert!(
            Instant::now() < deadline,
            "the store never came back ({status})"
        );
        std::thread::sleep(Duration::from_millis(200));
    }
    let keys = wait_for(&log, Duration::from_secs(20), |keys| {
        keys.contains_key("lost")
    });
    assert_eq!(
        keys.get("lost").map(Vec::as_slice),
        Some(&[1][..]),
        "{keys:?}"
    );
}
