//! Durable HTTP routes: a request to a durable route is stored (the inbox) before it is
//! answered `202`, then its handler runs from a pool of workers, with retries, dead letters and
//! leases that let several replicas share the work.
//!
//! - Declare a route durable: [`HttpRoute::durable`](crate::http::HttpRoute::durable) with a
//!   [`Durable`] (its [`IdempotencyKey`], its own [`RetryPolicy`] and timeout), or
//!   `#[on(http(post), path = "/stripe", durable, idempotency_key = header("Webhook-Id"))]`.
//! - The webhook's settings: [`InboxOptions`] ([`Webhook::inbox`](crate::Webhook::inbox), or the
//!   `WEBHOOK_STORE`, `WEBHOOK_DATA_DIR`, `WEBHOOK_RETRY_BACKOFF`, `WEBHOOK_MAX_ATTEMPTS`,
//!   `WEBHOOK_INBOX_*` settings of `main!()`).
//! - In the handler: [`Delivery`] (event id, attempt, first receive time); return a
//!   [`Permanent`] error to dead-letter the event at once.
//! - The stores ([`Store`]): the embedded [`SqliteStore`] (a file in the working directory, no
//!   setup) and [`PostgresStore`] (several replicas), both through sqlx (feature `durable`), the
//!   embedded store's writes through one rusqlite connection on a thread of its own.
//! - Operating it: the `inbox` subcommands of `main!()` bots ([`cli`]).
//!
//! Guarantees: an answered `202` means the event is committed; each event is processed at least
//! once (a worker that dies mid-attempt leaves its lease to expire, and the event runs again);
//! no two workers run one event at the same time (a worker renews its lease every third of it
//! while the handler runs, and stops an attempt whose lease it lost); there is no order
//! between events.

#[cfg(feature = "durable")]
mod attempt;
mod delivery;
mod durable;
mod key;
mod options;
pub(crate) mod outcome;
mod retry;

#[cfg(feature = "durable")]
mod batcher;
#[cfg(feature = "durable")]
pub(crate) mod browse;
#[cfg(feature = "durable")]
#[cfg_attr(docsrs, doc(cfg(feature = "durable")))]
pub mod cli;
#[cfg(feature = "durable")]
mod due;
#[cfg(feature = "durable")]
mod error;
#[cfg(feature = "durable")]
mod group;
#[cfg(feature = "durable")]
mod handle;
#[cfg(feature = "durable")]
mod handoff;
#[cfg(feature = "durable")]
mod postgres;
#[cfg(feature = "durable")]
pub(crate) mod record;
#[cfg(feature = "durable")]
mod recorder;
#[cfg(feature = "durable")]
pub(crate) mod run;
#[cfg(feature = "durable")]
mod runtime;
#[cfg(feature = "durable")]
pub(crate) mod sql;
#[cfg(feature = "durable")]
mod sqlite;
#[cfg(feature = "durable")]
mod store;
#[cfg(feature = "durable")]
#[cfg_attr(docsrs, doc(cfg(feature = "durable")))]
pub mod ui;
#[cfg(feature = "durable")]
mod worker;

#[cfg(feature = "durable")]
pub use attempt::{AttemptEnd, AttemptRecord};
pub use delivery::Delivery;
pub use durable::Durable;
pub use key::IdempotencyKey;
pub use options::{InboxOptions, StoreLocation, DEFAULT_INBOX_UI_PATH, EMBEDDED_STORE_FILE};
pub(crate) use outcome::FailureCause;
pub use outcome::Permanent;
pub use retry::RetryPolicy;

#[cfg(feature = "durable")]
pub(crate) use batcher::Batcher;
#[cfg(feature = "durable")]
pub use browse::{EventFilter, EventSummary, Minute, Overview, RouteCount};
#[cfg(feature = "durable")]
pub use error::StoreError;
#[cfg(feature = "durable")]
pub use handle::InboxWorkers;
#[cfg(feature = "durable")]
pub use postgres::PostgresStore;
#[cfg(feature = "durable")]
pub use record::{EventRecord, EventState, Inserted, NewEvent};
#[cfg(feature = "durable")]
pub use runtime::open_store;
#[cfg(feature = "durable")]
pub(crate) use runtime::RunningInbox;
#[cfg(feature = "durable")]
pub use sqlite::SqliteStore;
#[cfg(feature = "durable")]
pub use store::{Failure, Finished, InsertLease, Resolution, Store, StoreFuture, WakeUps};
#[cfg(feature = "durable")]
pub(crate) use worker::Workers;
// Its PostgreSQL databases come from `testing::postgres`.
#[cfg(all(test, feature = "durable", feature = "testing"))]
mod tests;
