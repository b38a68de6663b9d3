//! The log output's buffer and its writer thread: the formatted lines are appended to one
//! bounded buffer in memory (under a mutex held for a copy), and a thread of its own writes the
//! buffer out in one `write` a batch.
//!
//! The writer thread is woken by the first line after a pause, then lets lines gather for
//! [`FLUSH_DELAY`] (or until half of the buffer is full) before it writes them: a busy server
//! wakes it about a hundred times a second, not once a line. (A channel of lines, such as
//! tracing-appender's non-blocking writer, wakes its thread for nearly every line of a server
//! answering tens of thousands of requests a second: a `futex` call and a context switch a
//! request, measured at about 2 µs of system time a request: `benches/README.md`.)
//!
//! Bounded: past [`QUEUE_BYTES`] of lines waiting, new lines are dropped and counted
//! ([`Shared::dropped`]); a stuck output never blocks a request.

use std::io::Write;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::mpsc::{self, RecvTimeoutError};
use std::sync::{Arc, Condvar, Mutex, MutexGuard, PoisonError};
use std::thread::JoinHandle;
use std::time::Duration;

use tracing_subscriber::fmt::MakeWriter;

/// How many bytes of formatted lines may wait for the writer thread; past it, lines are dropped
/// (and counted). 2 MiB are about 10,000 access lines: a tenth of a second of a busy server's
/// log when its output stalls.
pub const QUEUE_BYTES: usize = 2 * 1024 * 1024;

/// How long the writer thread lets lines gather after the first one, before it writes them.
pub const FLUSH_DELAY: Duration = Duration::from_millis(10);

/// How long closing the output waits for the writer thread to write what is left.
const CLOSE_WAIT: Duration = Duration::from_secs(1);

/// What the writer thread is waiting for, so that a line wakes it only when it must.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Waiting {
    /// It is writing (or about to): no need to wake it.
    No,
    /// For a first line: the next line wakes it.
    ForALine,
    /// For more lines, until its delay ends: a line that fills half of the buffer wakes it.
    ForMore,
}

/// The lines waiting for the writer thread.
struct Pending {
    bytes: Vec<u8>,
    waiting: Waiting,
    closed: bool,
}

/// What the logging threads and the writer thread share.
pub(super) struct Shared {
    pending: Mutex<Pending>,
    wake: Condvar,
    capacity: usize,
    dropped: AtomicUsize,
}

impl Shared {
    fn lock(&self) -> MutexGuard<'_, Pending> {
        self.pending.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// Appends a formatted line (or several), or drops it when the buffer is full or closed.
    fn push(&self, line: &[u8]) {
        let mut pending = self.lock();
        if pending.closed || pending.bytes.len() + line.len() > self.capacity {
            drop(pending);
            self.dropped.fetch_add(1, Ordering::Relaxed);
            return;
        }
        pending.bytes.extend_from_slice(line);
        let wake = match pending.waiting {
            Waiting::No => false,
            Waiting::ForALine => true,
            Waiting::ForMore => pending.bytes.len() >= self.capacity / 2,
        };
        if wake {
            pending.waiting = Waiting::No;
            drop(pending);
            self.wake.notify_one();
        }
    }

    /// The lines dropped so far.
    pub(super) fn dropped(&self) -> usize {
        self.dropped.load(Ordering::Relaxed)
    }

    /// The writer thread's loop: waits for lines, lets them gather, writes them; returns once
    /// the output is closed and everything before was written.
    fn write_out(&self, mut writer: impl Write) {
        let mut batch = Vec::new();
        loop {
            let pending = self.lock();
            let mut pending = self
                .wake
                .wait_while(pending, |pending| {
                    let wait = pending.bytes.is_empty() && !pending.closed;
                    pending.waiting = if wait { Waiting::ForALine } else { Waiting::No };
                    wait
                })
                .unwrap_or_else(PoisonError::into_inner);
            if !pending.closed {
                let half = self.capacity / 2;
                pending = self
                    .wake
                    .wait_timeout_while(pending, FLUSH_DELAY, |pending| {
                        let wait = pending.bytes.len() < half && !pending.closed;
                        pending.waiting = if wait { Waiting::ForMore } else { Waiting::No };
                        wait
                    })
                    .unwrap_or_else(PoisonError::into_inner)
                    .0;
                pending.waiting = Waiting::No;
            }
            std::mem::swap(&mut pending.bytes, &mut batch);
            let last = pending.closed;
            drop(pending);
            // A failing output loses this batch, and the next ones try again: nothing to tell
            // it to (the log is the output).
            if !batch.is_empty() {
                let _ = writer.write_all(&batch).and_then(|()| writer.flush());
                batch.clear();
            }
            if last {
                return;
            }
        }
    }
}

/// The [`MakeWriter`] the format layer writes its lines through: each line is appended to the
/// output's buffer.
#[derive(Clone)]
pub(super) struct BufferedLines(Arc<Shared>);

/// One line's writer (a borrowed [`BufferedLines`]).
pub(super) struct LineWriter<'a>(&'a Shared);

impl Write for LineWriter<'_> {
    /// The format layer writes a whole line in one call: it is appended whole, or dropped.
    fn write(&mut self, line: &[u8]) -> std::io::Result<usize> {
        self.0.push(line);
        Ok(line.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

impl<'a> MakeWriter<'a> for BufferedLines {
    type Writer = LineWriter<'a>;

    fn make_writer(&'a self) -> Self::Writer {
        LineWriter(&self.0)
    }
}

/// The buffer and its writer thread.
pub(super) struct Output {
    shared: Arc<Shared>,
    thread: Option<(JoinHandle<()>, mpsc::Receiver<()>)>,
}

impl Output {
    /// A buffer of `capacity` bytes written to `writer` by a thread of its own (`webhook-log`),
    /// and the format layer's writer into it. Without a thread (none could start), the lines
    /// are dropped and counted.
    pub(super) fn new<W: Write + Send + 'static>(
        writer: W,
        capacity: usize,
    ) -> (BufferedLines, Self) {
        let shared = Arc::new(Shared {
            pending: Mutex::new(Pending {
                bytes: Vec::new(),
                waiting: Waiting::No,
                closed: false,
            }),
            wake: Condvar::new(),
            capacity,
            dropped: AtomicUsize::new(0),
        });
        let (done, finished) = mpsc::channel::<()>();
        let writing = Arc::clone(&shared);
        let thread = std::thread::Builder::new()
            .name("webhook-log".to_owned())
            .spawn(move || {
                writing.write_out(writer);
                let _ = done.send(());
            });
        let thread = match thread {
            Ok(thread) => Some((thread, finished)),
            Err(error) => {
                eprintln!("cannot start the log output's thread ({error}): log lines are dropped");
                shared.lock().closed = true;
                None
            }
        };
        (BufferedLines(Arc::clone(&shared)), Self { shared, thread })
    }

    /// What the writer and the logging threads share (for the count of lines dropped).
    pub(super) fn shared(&self) -> &Arc<Shared> {
        &self.shared
    }

    /// Lines written from now on are dropped; the lines waiting are written (the thread is
    /// waited for [`CLOSE_WAIT`] at most: an output stuck longer keeps them).
    pub(super) fn close(mut self) {
        self.shared.lock().closed = true;
        self.shared.wake.notify_one();
        if let Some((thread, finished)) = self.thread.take() {
            match finished.recv_timeout(CLOSE_WAIT) {
                Ok(()) | Err(RecvTimeoutError::Disconnected) => {
                    let _ = thread.join();
                }
                Err(RecvTimeoutError::Timeout) => {
                    eprintln!("the log output is stuck: its last lines are not written");
                }
            }
        }
    }
}

#[cfg(test)]
pub(super) mod tests {
    use std::sync::Condvar;
    use std::time::Instant;

    use super::*;

    /// A writer into shared memory that waits while its gate is closed (a slow output), and
    /// counts its writes.
    #[derive(Clone, Default)]
    pub(in crate::logging) struct Gated {
        written: Arc<Mutex<Vec<u8>>>,
        writes: Arc<AtomicUsize>,
        gate: Arc<(Mutex<bool>, Condvar)>,
    }

    impl Gated {
        pub(in crate::logging) fn closed() -> Self {
            let gated = Self::default();
            *gated.gate.0.lock().unwrap() = true;
            gated
        }

        pub(in crate::logging) fn open(&self) {
            *self.gate.0.lock().unwrap() = false;
            self.gate.1.notify_all();
        }

        pub(in crate::logging) fn text(&self) -> String {
            String::from_utf8(self.written.lock().unwrap().clone()).unwrap()
        }

        /// Waits (5 s at most) until the text written contains `needle`.
        pub(in crate::logging) fn wait_for(&self, needle: &str) -> String {
            self.wait_until(|text| text.contains(needle))
        }

        /// Waits (5 s at most) until `count` lines at least are written.
        pub(in crate::logging) fn wait_for_lines(&self, count: usize) -> String {
            self.wait_until(|text| text.lines().count() >= count)
        }

        fn wait_until(&self, done: impl Fn(&str) -> bool) -> String {
            let deadline = Instant::now() + Duration::from_secs(5);
            loop {
                let text = self.text();
                if done(&text) || Instant::now() > deadline {
                    return text;
                }
                std::thread::sleep(Duration::from_millis(5));
            }
        }
    }

    impl Write for Gated {
        fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
            let (closed, opened) = &*self.gate;
            let _open = opened
                .wait_while(closed.lock().unwrap(), |closed| *closed)
                .unwrap();
            self.written.lock().unwrap().extend_from_slice(buf);
            self.writes.fetch_add(1, Ordering::Relaxed);
            Ok(buf.len())
        }

        fn flush(&mut self) -> std::io::Result<()> {
            Ok(())
        }
    }

    fn line(writer: &BufferedLines, text: &str) {
        writer.make_writer().write_all(text.as_bytes()).unwrap();
    }

    #[test]
    fn lines_written_together_are_written_out_in_one_write() {
        let gated = Gated::default();
        let (writer, output) = Output::new(gated.clone(), 1 << 20);
        for request in 0..1000 {
            line(&writer, &format!("line {request}\n"));
        }
        let text = gated.wait_for("line 999\n");
        assert_eq!(text.lines().count(), 1000);
        // The first line woke the thread, which waited for the others: one or two writes, not
        // a thousand.
        let writes = gated.writes.load(Ordering::Relaxed);
        assert!(writes <= 2, "{writes} writes");
        output.close();
    }

    #[test]
    fn a_lone_line_is_written_within_the_delay_and_the_rest_at_close() {
        let gated = Gated::default();
        let (writer, output) = Output::new(gated.clone(), 1 << 20);
        line(&writer, "first\n");
        let started = Instant::now();
        assert_eq!(gated.wait_for("first\n"), "first\n");
        assert!(started.elapsed() < Duration::from_secs(1));
        line(&writer, "last\n");
        output.close();
        assert_eq!(gated.text(), "first\nlast\n");
        // Closed: a later line is dropped, and counted.
        line(&writer, "after\n");
        assert_eq!(writer.0.dropped(), 1);
    }

    #[test]
    fn a_full_buffer_drops_whole_lines_and_counts_them() {
        let gated = Gated::closed();
        let (writer, output) = Output::new(gated.clone(), 100);
        // The first line is taken by the thread, which then waits on the output; the buffer
        // holds ten more lines of ten bytes; the rest are dropped.
        line(&writer, "0123456789");
        std::thread::sleep(FLUSH_DELAY * 5);
        for _ in 0..30 {
            line(&writer, "abcdefghi\n");
        }
        assert_eq!(writer.0.dropped(), 20);
        gated.open();
        output.close();
        let text = gated.text();
        assert_eq!(text.len(), 110, "{text}");
        assert!(text.ends_with("abcdefghi\n"));
    }
}
