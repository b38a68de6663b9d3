//! The graceful drain: what is in flight, and what a shutdown past its timeout cut.

use std::fmt;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, PoisonError};
use std::time::{Duration, Instant};

use http::{Method, Uri};

use super::request_id::RequestId;

/// The default [`shutdown_timeout`](crate::Webhook::shutdown_timeout): 25 seconds, under
/// Kubernetes' default grace period (30 s) so that the program reports what it cut before it is
/// killed.
pub const DEFAULT_SHUTDOWN_TIMEOUT: Duration = Duration::from_secs(25);

/// A request being answered.
#[derive(Debug, Clone)]
struct Entry {
    method: Method,
    uri: Uri,
    id: RequestId,
    since: Instant,
}

#[derive(Debug, Default)]
struct Slots {
    entries: Vec<Option<Entry>>,
    free: Vec<usize>,
}

/// How many shards the registry has: each thread uses one (round robin), so that the worker
/// threads do not take the same lock.
const SHARDS: usize = 8;

/// The requests in flight: each holds a slot (a lock of its thread's shard, a push or a pop, no
/// allocation once warm) until it is answered or dropped.
#[derive(Debug, Clone, Default)]
pub(crate) struct InFlight(Arc<[Mutex<Slots>; SHARDS]>);

/// A request's slot, freed when dropped (answered, or cancelled by its client).
pub(crate) struct InFlightGuard {
    registry: InFlight,
    shard: usize,
    slot: usize,
}

impl Drop for InFlightGuard {
    fn drop(&mut self) {
        let mut slots = self.registry.0[self.shard]
            .lock()
            .unwrap_or_else(PoisonError::into_inner);
        slots.entries[self.slot] = None;
        slots.free.push(self.slot);
    }
}

/// This thread's shard.
fn shard() -> usize {
    static NEXT: AtomicUsize = AtomicUsize::new(0);
    thread_local! {
        static SHARD: usize = NEXT.fetch_add(1, Ordering::Relaxed) % SHARDS;
    }
    SHARD.with(|shard| *shard)
}

impl InFlight {
    pub(crate) fn enter(&self, method: &Method, uri: &Uri, id: &RequestId) -> InFlightGuard {
        let entry = Entry {
            method: method.clone(),
            uri: uri.clone(),
            id: id.clone(),
            since: Instant::now(),
        };
        let shard = shard();
        let mut slots = self.0[shard].lock().unwrap_or_else(PoisonError::into_inner);
        let slot = match slots.free.pop() {
            Some(slot) => {
                slots.entries[slot] = Some(entry);
                slot
            }
            None => {
                slots.entries.push(Some(entry));
                slots.entries.len() - 1
            }
        };
        InFlightGuard {
            registry: self.clone(),
            shard,
            slot,
        }
    }

    /// How many requests are in flight.
    pub(crate) fn count(&self) -> usize {
        self.0
            .iter()
            .map(|shard| {
                let slots = shard.lock().unwrap_or_else(PoisonError::into_inner);
                slots.entries.len() - slots.free.len()
            })
            .sum()
    }

    /// The requests in flight now, oldest first.
    pub(crate) fn snapshot(&self) -> Vec<CutRequest> {
        let now = Instant::now();
        let mut requests = Vec::new();
        for shard in self.0.iter() {
            let slots = shard.lock().unwrap_or_else(PoisonError::into_inner);
            requests.extend(slots.entries.iter().flatten().map(|entry| CutRequest {
                method: entry.method.to_string(),
                path: entry.uri.path().to_owned(),
                request_id: entry.id.to_string(),
                running_for: now.saturating_duration_since(entry.since),
            }));
        }
        requests.sort_by_key(|request| std::cmp::Reverse(request.running_for));
        requests
    }
}

/// A request still running when the shutdown timeout passed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CutRequest {
    /// Its method.
    pub method: String,
    /// Its path (without the query).
    pub path: String,
    /// Its id (`X-Request-Id`).
    pub request_id: String,
    /// How long it had been running.
    pub running_for: Duration,
}

impl fmt::Display for CutRequest {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{} {} (request id {}, running for {:.1} s)",
            self.method,
            self.path,
            self.request_id,
            self.running_for.as_secs_f64()
        )
    }
}

/// The shutdown timeout passed before every request was answered: what was cut.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error(
    "the shutdown timeout ({} s) passed with {} connection(s) open and {} request(s) in flight, cut: {}",
    .timeout.as_secs_f64(),
    .connections,
    .requests.len(),
    describe(.requests)
)]
pub struct ShutdownTimedOut {
    /// The shutdown timeout.
    pub timeout: Duration,
    /// The connections still open.
    pub connections: usize,
    /// The requests still running, oldest first.
    pub requests: Vec<CutRequest>,
}

fn describe(requests: &[CutRequest]) -> String {
    if requests.is_empty() {
        return "no request (idle or unfinished connections only)".to_owned();
    }
    requests
        .iter()
        .map(ToString::to_string)
        .collect::<Vec<_>>()
        .join("; ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slots_are_reused_and_snapshots_name_the_requests() {
        let registry = InFlight::default();
        let id = RequestId::parse(b"req-1").unwrap();
        let uri: Uri = "/slow?sleep_ms=10".parse().unwrap();
        let first = registry.enter(&Method::POST, &uri, &id);
        let second = registry.enter(&Method::GET, &"/".parse().unwrap(), &id);
        assert_eq!(registry.snapshot().len(), 2);
        assert_eq!(registry.count(), 2);
        drop(first);
        assert_eq!(registry.count(), 1);
        let third = registry.enter(&Method::PUT, &"/x".parse().unwrap(), &id);
        assert_eq!(third.slot, 0);
        drop(second);
        let snapshot = registry.snapshot();
        assert_eq!(snapshot.len(), 1);
        assert_eq!(snapshot[0].path, "/x");
        drop(third);
        assert!(registry.snapshot().is_empty());

        let cut = ShutdownTimedOut {
            timeout: Duration::from_secs(2),
            connections: 1,
            requests: vec![CutRequest {
                method: "POST".into(),
                path: "/slow".into(),
                request_id: "req-1".into(),
                running_for: Duration::from_millis(2500),
            }],
        };
        assert_eq!(
            cut.to_string(),
            "the shutdown timeout (2 s) passed with 1 connection(s) open and 1 request(s) in \
             flight, cut: POST /slow (request id req-1, running for 2.5 s)"
        );
    }
}
