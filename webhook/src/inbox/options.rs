//! [`InboxOptions`]: the webhook-wide settings of the durable routes (store, workers, leases,
//! retries, batches, retention).

use std::path::PathBuf;
use std::time::Duration;

use super::retry::RetryPolicy;

/// The file of the embedded store, in the working directory or the data directory.
pub const EMBEDDED_STORE_FILE: &str = "webhook-inbox.sqlite3";

/// Where the events of the durable routes are stored.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub enum StoreLocation {
    /// The embedded SQLite store: the file [`EMBEDDED_STORE_FILE`] in this directory (`None`:
    /// the working directory). One process at a time should serve it (several processes on one
    /// machine work, through SQLite's locks, but share one writer).
    Embedded(Option<PathBuf>),
    /// A PostgreSQL database (`postgres://user@host:port/database`), shared by every replica.
    Postgres(String),
    /// The embedded store in the working directory.
    #[default]
    Default,
}

impl StoreLocation {
    /// `WEBHOOK_STORE` and `WEBHOOK_DATA_DIR`: a `postgres://` or `postgresql://` URL is
    /// PostgreSQL; no URL is the embedded store in `data_dir` (or the working directory).
    ///
    /// # Errors
    ///
    /// A URL of another scheme.
    pub fn from_settings(store: Option<&str>, data_dir: Option<PathBuf>) -> Result<Self, String> {
        match store.map(str::trim) {
            None | Some("") => Ok(match data_dir {
                Some(dir) => Self::Embedded(Some(dir)),
                None => Self::Default,
            }),
            Some(url) if url.starts_with("postgres://") || url.starts_with("postgresql://") => {
                Ok(Self::Postgres(url.to_owned()))
            }
            Some(url) if url.starts_with("sqlite:") => Ok(Self::Embedded(Some(PathBuf::from(
                url.trim_start_matches("sqlite:").trim_start_matches("//"),
            )))),
            Some(_) => Err(
                "a postgres:// URL, or unset for the embedded store (with WEBHOOK_DATA_DIR)"
                    .to_owned(),
            ),
        }
    }

    /// The location, without the password of a URL, for logs.
    pub fn describe(&self) -> String {
        match self {
            Self::Default => format!("embedded ({EMBEDDED_STORE_FILE} in the working directory)"),
            Self::Embedded(dir) => format!(
                "embedded ({})",
                dir.as_deref()
                    .unwrap_or_else(|| std::path::Path::new("."))
                    .join(EMBEDDED_STORE_FILE)
                    .display()
            ),
            Self::Postgres(url) => match url::Url::parse(url) {
                Ok(mut parsed) => {
                    if parsed.password().is_some() {
                        let _ = parsed.set_password(Some("***"));
                    }
                    format!("PostgreSQL ({parsed})")
                }
                Err(_) => "PostgreSQL".to_owned(),
            },
        }
    }
}

/// The settings of the durable routes of a webhook ([`Webhook::inbox`](crate::Webhook::inbox);
/// `main!()` reads them from the settings table).
///
/// A worker holds the event it runs under a lease, renewed every third of the lease while the
/// handler runs: a lease that expired means the worker (or its process, or its connection to
/// the store) is gone, and another worker may take the event; a worker that cannot renew its
/// lease stops the attempt. The lease is how long a dead replica's events wait; the timeout,
/// how long a handler may run, is independent of it.
#[derive(Debug, Clone, PartialEq)]
pub struct InboxOptions {
    /// Where the events are stored.
    pub store: StoreLocation,
    /// The retry policy of the routes that have none of their own.
    pub retry: RetryPolicy,
    /// How long a worker holds an event before another may take it, unless renewed (every
    /// third of it while the attempt runs).
    pub lease: Duration,
    /// How long a handler may run before its attempt counts as failed.
    pub timeout: Duration,
    /// The number of workers of this process.
    pub workers: usize,
    /// The most events written in one transaction.
    pub batch_size: usize,
    /// How long the writer waits for more events once it has one, before it commits, when
    /// the last commit took longer than this (a slow disk); after quicker commits it does not
    /// wait.
    pub batch_wait: Duration,
    /// How often idle workers look for events nothing woke them for: the fallback. They are
    /// woken by this process's commits of events they had no room for, by its retries coming
    /// due, and on PostgreSQL by the other replicas' notices (events they stored and did not
    /// run, released at a shutdown, replayed); what the poll still finds is an event whose
    /// lease expired (its replica died), a notice lost, or a replay on the embedded store from
    /// another process (the `inbox` command).
    pub poll_interval: Duration,
    /// How long finished events (done) are kept, with their idempotency keys and attempts;
    /// `None`: forever.
    pub retention: Option<Duration>,
    /// How long dead letters are kept after their last attempt, with their idempotency keys and
    /// attempts; `None`: forever.
    pub dead_retention: Option<Duration>,
}

impl InboxOptions {
    /// The default lease: 30 seconds (renewed every 10 s while the attempt runs; a dead
    /// replica's events are taken over 30 s after its last renewal).
    pub const DEFAULT_LEASE: Duration = Duration::from_secs(30);
    /// The default handler timeout: 60 seconds.
    pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(60);
    /// The default number of workers: 8.
    pub const DEFAULT_WORKERS: usize = 8;
    /// The default batch size: 128 events.
    pub const DEFAULT_BATCH_SIZE: usize = 128;
    /// The default wait for a batch: 1 ms.
    pub const DEFAULT_BATCH_WAIT: Duration = Duration::from_millis(1);
    /// The default poll interval: 500 ms.
    pub const DEFAULT_POLL_INTERVAL: Duration = Duration::from_millis(500);
    /// The default retention of finished events: 7 days.
    pub const DEFAULT_RETENTION: Duration = Duration::from_secs(7 * 86_400);
    /// The default retention of dead letters: 30 days (they wait for a person to replay or
    /// purge them: longer than done events, which nobody needs once done).
    pub const DEFAULT_DEAD_RETENTION: Duration = Duration::from_secs(30 * 86_400);

    /// The shortest lease: renewed every third of it, a lease shorter than a second would
    /// have the workers renew more than they work.
    pub const MIN_LEASE: Duration = Duration::from_secs(1);

    /// Checks the settings.
    ///
    /// # Errors
    ///
    /// A lease shorter than [`MIN_LEASE`](Self::MIN_LEASE), or a batch size of 0.
    pub fn check(&self) -> Result<(), String> {
        if self.lease < Self::MIN_LEASE {
            return Err(format!(
                "WEBHOOK_INBOX_LEASE ({} s) must be at least 1 s: it is renewed every third of it",
                self.lease.as_secs_f64(),
            ));
        }
        if self.batch_size == 0 {
            return Err("WEBHOOK_INBOX_BATCH_SIZE must be at least 1".to_owned());
        }
        Ok(())
    }
}

impl Default for InboxOptions {
    fn default() -> Self {
        Self {
            store: StoreLocation::Default,
            retry: RetryPolicy::default(),
            lease: Self::DEFAULT_LEASE,
            timeout: Self::DEFAULT_TIMEOUT,
            workers: Self::DEFAULT_WORKERS,
            batch_size: Self::DEFAULT_BATCH_SIZE,
            batch_wait: Self::DEFAULT_BATCH_WAIT,
            poll_interval: Self::DEFAULT_POLL_INTERVAL,
            retention: Some(Self::DEFAULT_RETENTION),
            dead_retention: Some(Self::DEFAULT_DEAD_RETENTION),
        }
    }
}

/// The default path of the inbox's web page (`clustaar_webhook::inbox::ui`, with the `durable` feature).
pub const DEFAULT_INBOX_UI_PATH: &str = "/inbox";
