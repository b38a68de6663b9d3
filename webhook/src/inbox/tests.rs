//! The [`Store`] contract, run on the embedded store and, when `WEBHOOK_TEST_POSTGRES_URL` is
//! set, on PostgreSQL (each test in a database of its own).

use std::sync::Arc;
use std::time::Duration;

use bytes::Bytes;
use http::HeaderMap;

use super::record::now_ms;
use super::*;

fn event(key: Option<&str>) -> NewEvent {
    let mut headers = HeaderMap::new();
    headers.insert("content-type", "application/json".parse().unwrap());
    NewEvent {
        route: "events".to_owned(),
        method: "POST".to_owned(),
        uri: "/events?x=1".to_owned(),
        headers,
        body: Bytes::from_static(br#"{"key":"a"}"#),
        received_at: now_ms(),
        idempotency_key: key.map(str::to_owned),
    }
}

async fn sqlite(name: &str) -> Arc<dyn Store> {
    let dir = std::env::temp_dir().join(format!("webhook-inbox-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    open_store(&StoreLocation::Embedded(Some(dir)), 4)
        .await
        .expect("the embedded store opens")
}

/// A fresh PostgreSQL database, or `None` when no server is given (outside CI).
async fn postgres(name: &str) -> Option<Arc<dyn Store>> {
    let server = crate::testing::postgres::server(name)?;
    let url = crate::testing::postgres::fresh_database(&server, "unit", name).await;
    Some(
        open_store(&StoreLocation::Postgres(url), 8)
            .await
            .expect("the PostgreSQL store opens"),
    )
}

/// Ends the attempt `claimed` as `worker` with `resolution` (one [`Store::finish`]): whether
/// the attempt still held its lease.
async fn end(
    store: &Arc<dyn Store>,
    claimed: &EventRecord,
    worker: &str,
    resolution: Resolution,
) -> bool {
    let ended = store
        .finish(&[Finished::of(claimed, worker, now_ms(), resolution)])
        .await
        .unwrap();
    ended[0]
}

async fn both(name: &str) -> Vec<(&'static str, Arc<dyn Store>)> {
    let mut stores = vec![("sqlite", sqlite(name).await)];
    if let Some(store) = postgres(name).await {
        stores.push(("postgres", store));
    }
    stores
}

#[tokio::test]
async fn duplicates_are_found_in_a_batch_and_across_batches() {
    for (kind, store) in both("dedup").await {
        let inserted = store
            .insert_batch(
                &[
                    event(Some("k1")),
                    event(Some("k1")),
                    event(None),
                    event(None),
                ],
                None,
            )
            .await
            .unwrap();
        let first = inserted[0].id();
        assert!(matches!(inserted[0], Inserted::New(_)), "{kind}");
        assert_eq!(inserted[1], Inserted::Duplicate(first), "{kind}");
        assert!(matches!(inserted[2], Inserted::New(_)), "{kind}");
        assert!(matches!(inserted[3], Inserted::New(_)), "{kind}");
        let again = store
            .insert_batch(&[event(Some("k1"))], None)
            .await
            .unwrap();
        assert_eq!(again, [Inserted::Duplicate(first)], "{kind}");
        // Duplicates of several keys in one batch, each told its own twin: stored before, or
        // by the same batch.
        let mixed = store
            .insert_batch(
                &[
                    event(Some("k2")),
                    event(Some("k1")),
                    event(Some("k2")),
                    event(Some("k3")),
                    event(Some("k3")),
                ],
                None,
            )
            .await
            .unwrap();
        let (k2, k3) = (mixed[0].id(), mixed[3].id());
        assert!(matches!(mixed[0], Inserted::New(_)), "{kind}");
        assert!(matches!(mixed[3], Inserted::New(_)), "{kind}");
        assert_ne!(k2, k3, "{kind}");
        assert_eq!(
            mixed[1..],
            [
                Inserted::Duplicate(first),
                Inserted::Duplicate(k2),
                Inserted::New(k3),
                Inserted::Duplicate(k3),
            ][..],
            "{kind}"
        );
        let stored = store.show(first).await.unwrap().unwrap();
        assert_eq!(stored.event.uri, "/events?x=1");
        assert_eq!(stored.event.headers["content-type"], "application/json");
        assert_eq!(stored.event.body.as_ref(), br#"{"key":"a"}"#);
        assert_eq!(stored.state, EventState::Queued);
    }
}

#[tokio::test]
async fn claims_leases_retries_and_dead_letters() {
    for (kind, store) in both("claims").await {
        let ids: Vec<i64> = store
            .insert_batch(&[event(Some("a")), event(Some("b"))], None)
            .await
            .unwrap()
            .into_iter()
            .map(Inserted::id)
            .collect();
        let lease = Duration::from_secs(60);
        let first = store.claim("w1", lease, 1).await.unwrap();
        assert_eq!(first.len(), 1, "{kind}");
        assert_eq!(first[0].attempts, 1);
        let second = store.claim("w2", lease, 10).await.unwrap();
        assert_eq!(
            second.len(),
            1,
            "{kind}: the claimed one is not claimed twice"
        );
        assert_ne!(first[0].id, second[0].id);
        assert!(
            store.claim("w3", lease, 10).await.unwrap().is_empty(),
            "{kind}"
        );
        // Only the holder moves an event.
        assert!(
            !end(&store, &first[0], "w2", Resolution::Done).await,
            "{kind}"
        );
        assert!(
            end(&store, &first[0], "w1", Resolution::Done).await,
            "{kind}"
        );
        let retry = Failure::Retry {
            after: Duration::ZERO,
            error: "boom".to_owned(),
        };
        assert!(end(&store, &second[0], "w2", Resolution::Failed(retry)).await);
        let again = store.claim("w3", lease, 10).await.unwrap();
        assert_eq!(again.len(), 1, "{kind}: a due retry is claimed");
        assert_eq!(again[0].attempts, 2);
        assert_eq!(again[0].last_error.as_deref(), Some("boom"));
        // A released attempt does not count.
        assert!(end(&store, &again[0], "w3", Resolution::Released).await);
        let again = store.claim("w4", lease, 10).await.unwrap();
        assert_eq!(again[0].attempts, 2, "{kind}");
        let dead = Failure::Dead {
            error: "gave up".to_owned(),
        };
        assert!(end(&store, &again[0], "w4", Resolution::Failed(dead)).await);
        let dead = store.list(Some(EventState::Dead), 10).await.unwrap();
        assert_eq!(dead.len(), 1, "{kind}");
        assert_eq!(dead[0].last_error.as_deref(), Some("gave up"));
        assert!(store.replay(dead[0].id).await.unwrap(), "{kind}");
        assert!(
            !store.replay(dead[0].id).await.unwrap(),
            "{kind}: queued already"
        );
        let replayed = store.claim("w5", lease, 10).await.unwrap();
        assert_eq!(
            replayed[0].attempts, 3,
            "{kind}: the attempt number goes on"
        );
        assert_eq!(
            replayed[0].attempts_before_replay, 2,
            "{kind}: the policy counts from here"
        );
        assert!(end(&store, &replayed[0], "w5", Resolution::Done).await);
        let depth = store.depth().await.unwrap();
        assert_eq!(depth, [], "{kind}: done events are not counted");
        assert_eq!(
            store.purge(EventState::Done, now_ms() + 1).await.unwrap(),
            2
        );
        assert!(store.show(ids[0]).await.unwrap().is_none(), "{kind}");
        // Its key is forgotten with it.
        let inserted = store.insert_batch(&[event(Some("a"))], None).await.unwrap();
        assert!(matches!(inserted[0], Inserted::New(_)), "{kind}");
        let depth = store.depth().await.unwrap();
        assert_eq!(depth, [(EventState::Queued, 1)], "{kind}");
        store.ping().await.unwrap();
    }
}

#[tokio::test]
async fn an_expired_lease_is_claimable_again() {
    for (kind, store) in both("lease").await {
        store.insert_batch(&[event(None)], None).await.unwrap();
        let taken = store.claim("dead-worker", Duration::ZERO, 1).await.unwrap();
        assert_eq!(taken.len(), 1, "{kind}");
        tokio::time::sleep(Duration::from_millis(5)).await;
        let retaken = store.claim("w2", Duration::from_secs(60), 1).await.unwrap();
        assert_eq!(retaken.len(), 1, "{kind}: the expired lease is taken over");
        assert_eq!(retaken[0].attempts, 2);
        assert!(
            !end(&store, &taken[0], "dead-worker", Resolution::Done).await,
            "{kind}"
        );
        assert!(
            !end(&store, &taken[0], "w2", Resolution::Done).await,
            "{kind}: the first attempt's number is not the holder's"
        );
        assert!(
            end(&store, &retaken[0], "w2", Resolution::Done).await,
            "{kind}"
        );
    }
}

#[tokio::test]
async fn a_held_lease_is_renewed_and_an_expired_or_taken_one_is_not() {
    for (kind, store) in both("renew").await {
        store
            .insert_batch(&[event(None), event(None)], None)
            .await
            .unwrap();
        let held = store
            .claim("w1", Duration::from_millis(400), 1)
            .await
            .unwrap();
        let expired = store.claim("w1", Duration::ZERO, 1).await.unwrap();
        tokio::time::sleep(Duration::from_millis(5)).await;
        let ids = [(held[0].id, 1), (expired[0].id, 1)];
        assert_eq!(
            store
                .renew("w1", &ids, Duration::from_secs(60))
                .await
                .unwrap(),
            [true, false],
            "{kind}: the held lease is renewed, the expired one is not"
        );
        assert_eq!(
            store
                .renew("w2", &ids[..1], Duration::from_secs(60))
                .await
                .unwrap(),
            [false],
            "{kind}: another worker's lease is not renewed"
        );
        // Renewed for a minute: past its first 400 ms nobody takes it; the expired one is taken.
        tokio::time::sleep(Duration::from_millis(450)).await;
        let taken = store.claim("w2", Duration::from_secs(60), 2).await.unwrap();
        assert_eq!(
            taken.iter().map(|event| event.id).collect::<Vec<_>>(),
            [expired[0].id],
            "{kind}"
        );
        assert!(
            end(&store, &held[0], "w1", Resolution::Done).await,
            "{kind}"
        );
    }
}

#[tokio::test]
async fn ends_of_attempts_are_recorded_in_one_batch() {
    for (kind, store) in both("finish").await {
        store
            .insert_batch(
                &[event(Some("x")), event(Some("y")), event(Some("z"))],
                None,
            )
            .await
            .unwrap();
        let claimed = store.claim("w", Duration::from_secs(60), 3).await.unwrap();
        assert_eq!(claimed.len(), 3, "{kind}");
        let ends = [
            Finished::of(&claimed[0], "w", now_ms(), Resolution::Done),
            Finished::of(
                &claimed[1],
                "w",
                now_ms(),
                Resolution::Failed(Failure::Dead {
                    error: "no".to_owned(),
                }),
            ),
            Finished::of(&claimed[2], "w", now_ms(), Resolution::Released),
            // Not the holder: nothing changes.
            Finished::of(&claimed[0], "other", now_ms(), Resolution::Released),
        ];
        assert_eq!(
            store.finish(&ends).await.unwrap(),
            [true, true, true, false],
            "{kind}"
        );
        let state = |id| {
            let store = Arc::clone(&store);
            async move { store.show(id).await.unwrap().unwrap() }
        };
        assert_eq!(state(claimed[0].id).await.state, EventState::Done, "{kind}");
        assert_eq!(state(claimed[1].id).await.state, EventState::Dead, "{kind}");
        let released = state(claimed[2].id).await;
        assert_eq!(released.state, EventState::Queued, "{kind}");
        assert_eq!(
            released.attempts, 0,
            "{kind}: a released attempt is not counted"
        );
    }
}

#[tokio::test]
async fn a_stale_attempt_of_the_same_worker_changes_nothing() {
    // One process claims back its own expired event while the first attempt still runs: the
    // two attempts share the worker id, and only the newer one may move the event.
    for (kind, store) in both("fence").await {
        store.insert_batch(&[event(None)], None).await.unwrap();
        let first = store.claim("w1", Duration::ZERO, 1).await.unwrap();
        tokio::time::sleep(Duration::from_millis(5)).await;
        let second = store.claim("w1", Duration::from_secs(60), 1).await.unwrap();
        assert_eq!(
            second.len(),
            1,
            "{kind}: the expired lease is claimed again"
        );
        assert_eq!((first[0].attempts, second[0].attempts), (1, 2), "{kind}");
        let id = first[0].id;
        assert_eq!(
            store
                .renew("w1", &[(id, 1), (id, 2)], Duration::from_secs(60))
                .await
                .unwrap(),
            [false, true],
            "{kind}: only the newer attempt's lease is renewed"
        );
        assert!(
            !end(&store, &first[0], "w1", Resolution::Done).await,
            "{kind}: the stale attempt's outcome is not recorded"
        );
        let event = store.show(id).await.unwrap().unwrap();
        assert_eq!(event.state, EventState::Running, "{kind}");
        assert_eq!(event.attempts, 2, "{kind}");
        let retry = Failure::Retry {
            after: Duration::from_secs(60),
            error: "boom".to_owned(),
        };
        assert!(
            end(&store, &second[0], "w1", Resolution::Failed(retry)).await,
            "{kind}: the newer attempt's outcome is"
        );
        let event = store.show(id).await.unwrap().unwrap();
        assert_eq!(event.state, EventState::Queued, "{kind}");
        assert!(
            event.run_at >= now_ms() + 50_000,
            "{kind}: due in a minute, by the database's clock"
        );
        let history = store.history(id).await.unwrap();
        let ends: Vec<(u32, AttemptEnd)> = history.iter().map(|a| (a.attempt, a.end)).collect();
        assert_eq!(
            ends,
            [(1, AttemptEnd::Lost), (2, AttemptEnd::Retry)],
            "{kind}"
        );
        assert!(
            history[0]
                .error
                .as_deref()
                .is_some_and(|error| error.contains("(done)")),
            "{kind}: {history:?}"
        );
    }
}

#[tokio::test]
async fn every_attempt_is_kept_with_its_error_and_purged_with_its_event() {
    for (kind, store) in both("history").await {
        let id = store.insert_batch(&[event(Some("h"))], None).await.unwrap()[0].id();
        for error in ["first failure", "second failure"] {
            let claimed = store.claim("w1", Duration::from_secs(60), 1).await.unwrap();
            let retry = Failure::Retry {
                after: Duration::ZERO,
                error: error.to_owned(),
            };
            assert!(end(&store, &claimed[0], "w1", Resolution::Failed(retry)).await);
        }
        let claimed = store.claim("w2", Duration::from_secs(60), 1).await.unwrap();
        let started = now_ms();
        assert!(end(&store, &claimed[0], "w2", Resolution::Done).await);
        let history = store.history(id).await.unwrap();
        assert_eq!(history.len(), 3, "{kind}: {history:?}");
        let seen: Vec<(u32, &str, AttemptEnd, Option<&str>)> = history
            .iter()
            .map(|a| (a.attempt, a.worker.as_str(), a.end, a.error.as_deref()))
            .collect();
        assert_eq!(
            seen,
            [
                (1, "w1", AttemptEnd::Retry, Some("first failure")),
                (2, "w1", AttemptEnd::Retry, Some("second failure")),
                (3, "w2", AttemptEnd::Done, None),
            ],
            "{kind}"
        );
        assert!(history.iter().all(|a| a.event_id == id));
        assert!(history[2].started_at <= started + 1 && history[2].finished_at >= started - 1_000);
        assert!(store.history(id + 1_000).await.unwrap().is_empty());
        store
            .purge(EventState::Done, now_ms() + 1_000)
            .await
            .unwrap();
        assert!(
            store.history(id).await.unwrap().is_empty(),
            "{kind}: the history goes with its event"
        );
    }
}

#[tokio::test]
async fn an_insert_leases_its_first_events_to_the_replica_that_stores_them() {
    for (kind, store) in both("leased").await {
        let lease = InsertLease {
            worker: "w1",
            lease: Duration::from_secs(60),
            count: 2,
        };
        let events = [event(Some("l1")), event(Some("l1")), event(Some("l2"))];
        let inserted = store.insert_batch(&events, Some(lease)).await.unwrap();
        assert!(matches!(inserted[0], Inserted::New(_)), "{kind}");
        assert_eq!(inserted[1], Inserted::Duplicate(inserted[0].id()), "{kind}");
        let leased = store.show(inserted[0].id()).await.unwrap().unwrap();
        assert_eq!(leased.state, EventState::Running, "{kind}");
        assert_eq!(leased.attempts, 1, "{kind}: its first attempt begun");
        assert_eq!(leased.lease_owner.as_deref(), Some("w1"), "{kind}");
        assert!(
            leased.lease_until.unwrap() >= now_ms() + 50_000,
            "{kind}: {leased:?}"
        );
        let third = store.show(inserted[2].id()).await.unwrap().unwrap();
        assert_eq!(
            third.state,
            EventState::Queued,
            "{kind}: past the lease's count"
        );
        let claimed = store
            .claim("w2", Duration::from_secs(60), 10)
            .await
            .unwrap();
        assert_eq!(
            claimed.iter().map(|event| event.id).collect::<Vec<_>>(),
            [inserted[2].id()],
            "{kind}: the leased event is not claimed"
        );
        let handed = EventRecord::leased(events[0].clone(), inserted[0].id(), "w1");
        assert!(end(&store, &handed, "w1", Resolution::Done).await, "{kind}");
        let history = store.history(inserted[0].id()).await.unwrap();
        assert_eq!(history.len(), 1, "{kind}");
        assert_eq!((history[0].attempt, history[0].end), (1, AttemptEnd::Done));
    }
}

#[tokio::test]
async fn the_events_list_filters_and_pages_newest_first() {
    for (kind, store) in both("browse").await {
        let mut batch = Vec::new();
        for n in 0..7 {
            let mut event = event(Some(&format!("key-{n}")));
            if n % 2 == 1 {
                event.route = "other".to_owned();
            }
            event.received_at = 1_000_000 + n * 1000;
            batch.push(event);
        }
        let ids: Vec<i64> = store
            .insert_batch(&batch, None)
            .await
            .unwrap()
            .into_iter()
            .map(Inserted::id)
            .collect();
        let all = EventFilter::default();
        let first = store.events(&all, None, 3).await.unwrap();
        let page: Vec<i64> = first.iter().map(|event| event.id).collect();
        assert_eq!(page, [ids[6], ids[5], ids[4]], "{kind}: newest first");
        assert_eq!(first[0].body_len, 11, "{kind}");
        assert_eq!(first[0].state, EventState::Queued, "{kind}");
        let second = store.events(&all, Some(ids[4]), 3).await.unwrap();
        let page: Vec<i64> = second.iter().map(|event| event.id).collect();
        assert_eq!(page, [ids[3], ids[2], ids[1]], "{kind}: the next page");

        let other = EventFilter {
            route: Some("other".to_owned()),
            ..EventFilter::default()
        };
        let page: Vec<i64> = store
            .events(&other, None, 10)
            .await
            .unwrap()
            .iter()
            .map(|event| event.id)
            .collect();
        assert_eq!(page, [ids[5], ids[3], ids[1]], "{kind}: by route");

        let by_key = EventFilter {
            idempotency_key: Some("key-2".to_owned()),
            ..EventFilter::default()
        };
        let found = store.events(&by_key, None, 10).await.unwrap();
        assert_eq!(found.len(), 1, "{kind}");
        assert_eq!(found[0].id, ids[2], "{kind}: by key");

        let window = EventFilter {
            received_from: Some(1_002_000),
            received_until: Some(1_004_000),
            ..EventFilter::default()
        };
        let page: Vec<i64> = store
            .events(&window, None, 10)
            .await
            .unwrap()
            .iter()
            .map(|event| event.id)
            .collect();
        assert_eq!(page, [ids[3], ids[2]], "{kind}: by time, the end excluded");

        assert!(
            store.dead_letter(ids[0], "stop it").await.unwrap(),
            "{kind}"
        );
        assert!(
            !store.dead_letter(ids[0], "again").await.unwrap(),
            "{kind}: a dead event is not dead-lettered again"
        );
        let dead = EventFilter {
            state: Some(EventState::Dead),
            route: Some("events".to_owned()),
            ..EventFilter::default()
        };
        let found = store.events(&dead, None, 10).await.unwrap();
        assert_eq!(found.len(), 1, "{kind}");
        assert_eq!(found[0].last_error.as_deref(), Some("stop it"), "{kind}");
        assert!(found[0].finished_at.is_some(), "{kind}");
    }
}

#[tokio::test]
async fn dead_lettering_a_running_event_takes_its_lease() {
    for (kind, store) in both("kill_running").await {
        store.insert_batch(&[event(Some("r"))], None).await.unwrap();
        let claimed = store.claim("w1", Duration::from_secs(30), 1).await.unwrap();
        assert!(
            store.dead_letter(claimed[0].id, "by hand").await.unwrap(),
            "{kind}"
        );
        assert_eq!(
            store
                .renew("w1", &[(claimed[0].id, 1)], Duration::from_secs(30))
                .await
                .unwrap(),
            [false],
            "{kind}: the attempt lost its lease"
        );
        assert!(
            !end(&store, &claimed[0], "w1", Resolution::Done).await,
            "{kind}: its end changes nothing"
        );
        let stored = store.show(claimed[0].id).await.unwrap().unwrap();
        assert_eq!(stored.state, EventState::Dead, "{kind}");
        let history = store.history(claimed[0].id).await.unwrap();
        assert_eq!(history[0].end, AttemptEnd::Lost, "{kind}");
    }
}

#[tokio::test]
async fn deleting_events_takes_their_history_and_keys_but_not_running_ones() {
    for (kind, store) in both("delete").await {
        let ids: Vec<i64> = store
            .insert_batch(
                &[event(Some("a")), event(Some("b")), event(Some("c"))],
                None,
            )
            .await
            .unwrap()
            .into_iter()
            .map(Inserted::id)
            .collect();
        let claimed = store.claim("w1", Duration::from_secs(30), 3).await.unwrap();
        for record in &claimed[..2] {
            let failed = Resolution::Failed(Failure::Dead {
                error: "no".to_owned(),
            });
            assert!(end(&store, record, "w1", failed).await, "{kind}");
        }
        let running = claimed[2].id;
        let deleted = store.delete(&ids).await.unwrap();
        assert_eq!(deleted, 2, "{kind}: the running event stays");
        for record in &claimed[..2] {
            assert!(store.show(record.id).await.unwrap().is_none(), "{kind}");
            assert!(store.history(record.id).await.unwrap().is_empty(), "{kind}");
        }
        assert!(store.show(running).await.unwrap().is_some(), "{kind}");
        let again = store
            .insert_batch(
                &[event(Some(
                    claimed[0].event.idempotency_key.as_deref().unwrap(),
                ))],
                None,
            )
            .await
            .unwrap();
        assert!(
            matches!(again[0], Inserted::New(_)),
            "{kind}: the key is free again"
        );
        assert_eq!(store.delete(&[]).await.unwrap(), 0, "{kind}");
    }
}

#[tokio::test]
async fn the_overview_counts_by_route_and_state_and_charts_the_last_minutes() {
    for (kind, store) in both("overview").await {
        let now = now_ms();
        let minute = 60_000;
        let mut old = event(Some("old"));
        old.received_at = now - 5 * minute;
        let mut other = event(Some("other"));
        other.route = "other".to_owned();
        store
            .insert_batch(&[old, event(Some("new")), other], None)
            .await
            .unwrap();
        let claimed = store.claim("w1", Duration::from_secs(30), 3).await.unwrap();
        let (first, second) = (&claimed[0], &claimed[1]);
        assert!(end(&store, first, "w1", Resolution::Done).await, "{kind}");
        let retry = Resolution::Failed(Failure::Retry {
            after: Duration::from_secs(600),
            error: "later".to_owned(),
        });
        assert!(end(&store, second, "w1", retry).await, "{kind}");

        let overview = store.overview(now, 60).await.unwrap();
        assert_eq!(overview.minutes.len(), 60, "{kind}");
        let last = overview.minutes.last().unwrap();
        assert_eq!(
            last.start,
            now - now % minute,
            "{kind}: the current minute last"
        );
        let accepted: u64 = overview.minutes.iter().map(|m| m.accepted).sum();
        let done: u64 = overview.minutes.iter().map(|m| m.done).sum();
        let failed: u64 = overview.minutes.iter().map(|m| m.failed).sum();
        assert_eq!((accepted, done, failed), (3, 1, 1), "{kind}");
        assert_eq!(overview.minutes[54].accepted, 1, "{kind}: five minutes ago");
        assert_eq!(overview.total(EventState::Done), 1, "{kind}");
        assert_eq!(overview.total(EventState::Queued), 1, "{kind}");
        assert_eq!(overview.total(EventState::Running), 1, "{kind}");
        let routes: Vec<&str> = overview.counts.iter().map(|c| c.route.as_str()).collect();
        assert!(routes.contains(&"other"), "{kind}: {routes:?}");
        assert!(overview.oldest_queued.is_some(), "{kind}");
    }
}
