//! Whether the dispatcher loads a notification as a `StepReached` while routing it, learned from
//! what the handlers do with it.
//!
//! Routing needs the topic and the step id; a handler that takes a
//! [`StepReached`](crate::StepReached) needs the whole `data`. Read apart, the body is parsed
//! twice: once by the envelope scan, once by the extractor. Loaded first
//! ([`Request::load_step_reached`](crate::Request)), it is parsed once, and the extractor takes
//! what the load kept; but a handler that does not take a `StepReached` would have needed only
//! the scan, which is cheaper than the load. So the dispatcher loads first while the handlers
//! it calls take what it loads, and goes back to the scan when one does not, until a handler
//! asks for a `StepReached` again. The flag is written only when it changes: no shared write a
//! request.

use std::sync::atomic::{AtomicBool, Ordering};

use crate::request::StepReachedUse;

/// The dispatcher's choice between loading first and scanning first.
#[derive(Debug)]
pub(crate) struct TypedFirst(AtomicBool);

impl Default for TypedFirst {
    /// Loading first: what most Clustaar bots' handlers take.
    fn default() -> Self {
        Self(AtomicBool::new(true))
    }
}

impl TypedFirst {
    /// Whether to load the next notification first.
    pub(crate) fn chosen(&self) -> bool {
        self.0.load(Ordering::Relaxed)
    }

    /// Learns from a handler's answer what the next notification calls for: loading first when
    /// the handler asked for a `StepReached` that was not loaded, scanning when it left one
    /// that was.
    pub(crate) fn learn(&self, used: StepReachedUse) {
        let wanted = match used {
            StepReachedUse::LoadedNotTaken => false,
            StepReachedUse::Asked => true,
            StepReachedUse::NotAsked => return,
        };
        if self.chosen() != wanted {
            self.0.store(wanted, Ordering::Relaxed);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn follows_what_the_handlers_take() {
        let choice = TypedFirst::default();
        assert!(choice.chosen());
        choice.learn(StepReachedUse::NotAsked);
        assert!(choice.chosen());
        choice.learn(StepReachedUse::LoadedNotTaken);
        assert!(!choice.chosen());
        choice.learn(StepReachedUse::NotAsked);
        assert!(!choice.chosen());
        choice.learn(StepReachedUse::Asked);
        assert!(choice.chosen());
    }
}
