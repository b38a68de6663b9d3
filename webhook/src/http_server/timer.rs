//! hyper's timer for one HTTP/1.1 connection: the header read timeout's sleep kept from one
//! request to the next.
//!
//! hyper makes a new sleep for each request's head ([`Timer::sleep_until`]) and drops it once
//! the head is read. On tokio's timer (hyper-util's `TokioTimer`) that is, for every request, the
//! runtime's handle read, a boxed timer entry inserted in the timer wheel under the wheel's lock
//! at its first poll, and removed under the lock again when hyper drops it (the two workers of
//! a busy server take turns at that lock). [`ConnectionTimer`] keeps one tokio sleep for its
//! connection: hyper's sleep borrows it and gives it back when hyper drops it, and the next
//! request moves its deadline later, which tokio does with an atomic store, without the lock
//! (`TimerEntry::reset`). The sleep stays registered while hyper has no use for it; if its
//! deadline passes then, it wakes the connection's task once, which finds nothing to do.

use std::future::Future;
use std::pin::Pin;
use std::sync::{Arc, Mutex, PoisonError};
use std::task::{Context, Poll};
use std::time::{Duration, Instant};

use hyper::rt::{Sleep, Timer};

/// The connection's tokio sleep, while no hyper sleep borrows it.
type Slot = Arc<Mutex<Option<Pin<Box<tokio::time::Sleep>>>>>;

/// A [`Timer`] for one hyper connection (see the module's documentation).
#[derive(Default)]
pub(crate) struct ConnectionTimer {
    slot: Slot,
}

impl Timer for ConnectionTimer {
    fn sleep(&self, duration: Duration) -> Pin<Box<dyn Sleep>> {
        self.sleep_until(self.now() + duration)
    }

    fn sleep_until(&self, deadline: Instant) -> Pin<Box<dyn Sleep>> {
        let deadline = tokio::time::Instant::from_std(deadline);
        let kept = self
            .slot
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .take();
        let sleep = match kept {
            Some(mut sleep) => {
                sleep.as_mut().reset(deadline);
                sleep
            }
            None => Box::pin(tokio::time::sleep_until(deadline)),
        };
        Box::pin(Borrowed {
            sleep: Some(sleep),
            slot: Arc::clone(&self.slot),
        })
    }

    fn reset(&self, sleep: &mut Pin<Box<dyn Sleep>>, new_deadline: Instant) {
        match sleep.as_mut().downcast_mut_pin::<Borrowed>() {
            Some(borrowed) => borrowed.get_mut().reset(new_deadline),
            None => *sleep = self.sleep_until(new_deadline),
        }
    }

    /// tokio's clock, as hyper-util's `TokioTimer` reads it (the same deadlines when the
    /// tests pause it).
    fn now(&self) -> Instant {
        tokio::time::Instant::now().into_std()
    }
}

/// The sleep hyper holds: the connection's, given back when dropped.
struct Borrowed {
    /// `None` only once dropped.
    sleep: Option<Pin<Box<tokio::time::Sleep>>>,
    slot: Slot,
}

impl Borrowed {
    fn reset(&mut self, deadline: Instant) {
        if let Some(sleep) = &mut self.sleep {
            sleep
                .as_mut()
                .reset(tokio::time::Instant::from_std(deadline));
        }
    }
}

impl Future for Borrowed {
    type Output = ();

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<()> {
        match &mut self.sleep {
            Some(sleep) => sleep.as_mut().poll(cx),
            None => Poll::Ready(()),
        }
    }
}

impl Sleep for Borrowed {}

impl Drop for Borrowed {
    fn drop(&mut self) {
        if let Some(sleep) = self.sleep.take() {
            let mut slot = self.slot.lock().unwrap_or_else(PoisonError::into_inner);
            // Two borrowed at once (a sleep of another kind replaced): the first back is kept,
            // the other dropped as a plain sleep would be.
            if slot.is_none() {
                *slot = Some(sleep);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use hyper::rt::Timer;
    use tokio::time::Instant;

    use super::ConnectionTimer;

    #[tokio::test(start_paused = true)]
    async fn each_sleep_ends_at_its_own_deadline_on_the_kept_timer() {
        let timer = ConnectionTimer::default();
        for seconds in [10, 3, 30] {
            let started = Instant::now();
            timer.sleep(Duration::from_secs(seconds)).await;
            assert_eq!(started.elapsed(), Duration::from_secs(seconds));
            assert!(timer.slot.lock().unwrap().is_some(), "given back");
        }
    }

    #[tokio::test(start_paused = true)]
    async fn a_sleep_dropped_early_leaves_the_next_one_its_whole_time() {
        let timer = ConnectionTimer::default();
        let first = timer.sleep(Duration::from_secs(10));
        tokio::time::advance(Duration::from_secs(4)).await;
        drop(first);
        // Past the first one's deadline, the second has its own 10 s.
        let started = Instant::now();
        let second = timer.sleep(Duration::from_secs(10));
        tokio::time::advance(Duration::from_secs(7)).await;
        assert!(
            tokio::time::timeout(Duration::ZERO, second).await.is_err(),
            "the second sleep ended at the first one's deadline"
        );
        assert_eq!(started.elapsed(), Duration::from_secs(7));
        let third = timer.sleep(Duration::from_secs(2));
        third.await;
        assert_eq!(started.elapsed(), Duration::from_secs(9));
    }

    #[tokio::test(start_paused = true)]
    async fn a_reset_moves_the_deadline_either_way() {
        let timer = ConnectionTimer::default();
        let started = Instant::now();
        let mut sleep = timer.sleep(Duration::from_secs(10));
        timer.reset(&mut sleep, timer.now() + Duration::from_secs(3));
        sleep.as_mut().await;
        assert_eq!(started.elapsed(), Duration::from_secs(3));
        timer.reset(&mut sleep, timer.now() + Duration::from_secs(8));
        sleep.await;
        assert_eq!(started.elapsed(), Duration::from_secs(11));
    }

    #[tokio::test(start_paused = true)]
    async fn two_sleeps_at_once_each_keep_their_deadline() {
        let timer = ConnectionTimer::default();
        let started = Instant::now();
        let long = timer.sleep(Duration::from_secs(20));
        let short = timer.sleep(Duration::from_secs(5));
        short.await;
        assert_eq!(started.elapsed(), Duration::from_secs(5));
        long.await;
        assert_eq!(started.elapsed(), Duration::from_secs(20));
    }
}
