//! [`DueRetries`]: when this replica's retries come due, so that its idle workers claim them
//! then, not at their next poll.

use std::collections::BTreeSet;
use std::sync::Mutex;

use tokio::time::Instant;

/// The most due times kept. Beyond it, a retry later than all of them is not kept: a wake-up
/// at an earlier one claims every event due by then (the claims go on while they come back
/// full), and the poll finds the rest.
const MOST: usize = 4096;

/// The times at which retries this replica recorded come due, earliest first; bounded
/// ([`MOST`]), so that an outage failing every event keeps a few kilobytes, not a timer an
/// event.
#[derive(Debug, Default)]
pub(crate) struct DueRetries {
    times: Mutex<BTreeSet<Instant>>,
}

impl DueRetries {
    /// Keeps `at`; whether it is now the earliest (the workers, asleep until a later time,
    /// should look again).
    pub(crate) fn add(&self, at: Instant) -> bool {
        let Ok(mut times) = self.times.lock() else {
            return false;
        };
        if times.len() >= MOST {
            match times.last() {
                Some(&last) if at < last => {
                    times.remove(&last);
                }
                _ => return false,
            }
        }
        times.insert(at);
        times.first() == Some(&at)
    }

    /// Forgets the times up to `now` (a claim made now takes their events) and returns the
    /// next one.
    pub(crate) fn next_after(&self, now: Instant) -> Option<Instant> {
        let mut times = self.times.lock().ok()?;
        while times.first().is_some_and(|&first| first <= now) {
            times.pop_first();
        }
        times.first().copied()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    #[test]
    fn the_next_time_is_the_earliest_not_past() {
        let due = DueRetries::default();
        let now = Instant::now();
        let at = |ms: u64| now + Duration::from_millis(ms);
        assert!(due.add(at(300)), "the first is the earliest");
        assert!(!due.add(at(500)));
        assert!(due.add(at(100)), "an earlier one is");
        assert_eq!(due.next_after(now), Some(at(100)));
        assert_eq!(due.next_after(at(100)), Some(at(300)), "past times go");
        assert_eq!(due.next_after(at(600)), None);
    }

    #[test]
    fn it_keeps_the_earliest_times_within_its_bound() {
        let due = DueRetries::default();
        let now = Instant::now();
        let at = |ms: u64| now + Duration::from_millis(ms);
        for ms in 1..=MOST as u64 {
            due.add(at(1000 + ms));
        }
        assert!(
            !due.add(at(1_000_000)),
            "later than all, when full: not kept"
        );
        assert!(
            due.add(at(10)),
            "earlier than all: kept, the latest dropped"
        );
        assert_eq!(due.times.lock().unwrap().len(), MOST);
        assert_eq!(
            due.times.lock().unwrap().last(),
            Some(&at(1000 + MOST as u64 - 1))
        );
        assert_eq!(due.next_after(now), Some(at(10)));
    }
}
