//! The in-memory handoff: the events a replica stores are leased to it in their insert and
//! handed to its own workers from memory, so that they run without a claim query and without
//! waiting for a poll. A bounded number wait in memory for a worker (their leases renewed
//! while they wait); claims remain for retries, for the events of a replica that died, and for
//! the events stored while that queue was full.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::Duration;

use tokio::sync::{mpsc, OwnedSemaphorePermit, Semaphore};

use super::record::EventRecord;

/// An event handed to the workers, with its place in the handoff.
pub(crate) struct Handed {
    /// The event, stored running at its first attempt under this replica's lease.
    pub(crate) event: EventRecord,
    /// Its place: released when its attempt ends.
    pub(crate) place: OwnedSemaphorePermit,
}

/// The writer's side of the handoff (the workers hold the receiving side).
pub(crate) struct Handoff {
    worker: String,
    lease: Duration,
    /// A permit a place: the events handed and not finished.
    places: Arc<Semaphore>,
    sender: mpsc::UnboundedSender<Handed>,
    closed: AtomicBool,
}

/// Places reserved for the first `count` events of a batch.
pub(crate) struct Reservation {
    permit: OwnedSemaphorePermit,
    count: usize,
}

impl Reservation {
    /// How many events of the batch are leased.
    pub(crate) fn count(&self) -> usize {
        self.count
    }
}

impl Handoff {
    /// A handoff to the workers of `worker` (its lease id), holding at most `places` events
    /// handed and not finished (running, or waiting for a worker), and the receiving side, for
    /// the workers. The channel is unbounded but never holds more events than that: each comes
    /// with a place.
    pub(crate) fn new(
        worker: String,
        lease: Duration,
        places: usize,
    ) -> (Self, mpsc::UnboundedReceiver<Handed>) {
        let (sender, receiver) = mpsc::unbounded_channel();
        let handoff = Self {
            worker,
            lease,
            places: Arc::new(Semaphore::new(places.max(1))),
            sender,
            closed: AtomicBool::new(false),
        };
        (handoff, receiver)
    }

    /// The worker id the leases are taken for.
    pub(crate) fn worker(&self) -> &str {
        &self.worker
    }

    /// The lease's length.
    pub(crate) fn lease(&self) -> Duration {
        self.lease
    }

    /// Reserves places for up to `count` events (`None`: none is free, or the workers
    /// stopped).
    pub(crate) fn reserve(&self, count: usize) -> Option<Reservation> {
        if self.closed.load(Ordering::Acquire) {
            return None;
        }
        let count = self.places.available_permits().min(count);
        let permits = u32::try_from(count).ok().filter(|count| *count > 0)?;
        let permit = Arc::clone(&self.places)
            .try_acquire_many_owned(permits)
            .ok()?;
        Some(Reservation { permit, count })
    }

    /// Hands `event` (leased by the insert) to the workers with one of `reservation`'s
    /// permits; gives it back when the workers stopped (its lease must then be released).
    pub(crate) fn hand(
        &self,
        reservation: &mut Reservation,
        event: EventRecord,
    ) -> Result<(), Box<EventRecord>> {
        let Some(place) = reservation.permit.split(1) else {
            return Err(Box::new(event));
        };
        self.sender
            .send(Handed { event, place })
            .map_err(|refused| Box::new(refused.0.event))
    }

    /// No more reservations: the workers are stopping.
    pub(crate) fn close(&self) {
        self.closed.store(true, Ordering::Release);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::inbox::record::{EventState, NewEvent};

    fn leased(id: i64) -> EventRecord {
        EventRecord::leased(NewEvent::sample(None), id, "w")
    }

    #[test]
    fn reservations_take_only_free_places_and_hand_one_event_each() {
        let (handoff, mut receiver) = Handoff::new("w".to_owned(), Duration::from_secs(30), 3);
        let mut reservation = handoff.reserve(10).expect("free places");
        assert_eq!(reservation.count(), 3, "no more than the free places");
        assert!(handoff.reserve(1).is_none(), "every place is reserved");
        handoff.hand(&mut reservation, leased(1)).ok().unwrap();
        handoff.hand(&mut reservation, leased(2)).ok().unwrap();
        // The batch's third event was a duplicate: its place is free again.
        drop(reservation);
        assert_eq!(handoff.reserve(10).map(|r| r.count()), Some(1));
        let first = receiver.try_recv().unwrap();
        assert_eq!(first.event.id, 1);
        assert_eq!(first.event.state, EventState::Running);
        assert_eq!(first.event.attempts, 1);
        drop(first);
        assert_eq!(
            handoff.reserve(10).map(|r| r.count()),
            Some(2),
            "an attempt's end frees its place"
        );
        handoff.close();
        assert!(handoff.reserve(1).is_none(), "closed");
    }

    #[test]
    fn an_event_handed_to_stopped_workers_comes_back() {
        let (handoff, receiver) = Handoff::new("w".to_owned(), Duration::from_secs(30), 1);
        let mut reservation = handoff.reserve(1).unwrap();
        drop(receiver);
        let back = handoff.hand(&mut reservation, leased(7)).unwrap_err();
        assert_eq!(back.id, 7);
    }
}
