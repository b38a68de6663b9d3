//! What `tracing` logs during a test, captured as text.

use std::io;
use std::sync::{Arc, Mutex, PoisonError};

use tracing::subscriber::DefaultGuard;

/// Captures what is logged on the current thread, for a test that checks a log line (a cause
/// logged but not sent, a warning at start).
///
/// ```
/// use clustaar_webhook::testing::CapturedLogs;
/// let logs = CapturedLogs::new();
/// {
///     let _guard = logs.set_default();
///     tracing::warn!(step_id = "x", "a warning");
/// }
/// assert!(logs.text().contains("a warning"));
/// ```
#[derive(Debug, Clone, Default)]
pub struct CapturedLogs(Arc<Mutex<Vec<u8>>>);

impl CapturedLogs {
    /// An empty capture.
    pub fn new() -> Self {
        Self::default()
    }

    /// Makes the capture this thread's subscriber (every level, no colours) until the guard is
    /// dropped. A test that serves in process on a current-thread runtime sees its handlers' logs.
    pub fn set_default(&self) -> DefaultGuard {
        let writer = self.clone();
        let subscriber = tracing_subscriber::fmt()
            .with_writer(move || writer.clone())
            .with_max_level(tracing::Level::TRACE)
            .with_ansi(false)
            .finish();
        tracing::subscriber::set_default(subscriber)
    }

    /// What was logged so far.
    pub fn text(&self) -> String {
        let bytes = self.0.lock().unwrap_or_else(PoisonError::into_inner);
        String::from_utf8_lossy(&bytes).into_owned()
    }
}

impl io::Write for CapturedLogs {
    fn write(&mut self, bytes: &[u8]) -> io::Result<usize> {
        self.0
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .extend_from_slice(bytes);
        Ok(bytes.len())
    }

    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}
