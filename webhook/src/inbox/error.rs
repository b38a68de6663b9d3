//! [`StoreError`]: why a store failed. A module of its own, which the store's trait and the
//! SQL written for both stores name without depending on each other.

/// The store failed.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum StoreError {
    /// The database cannot be opened or reached.
    #[error("cannot open the store {location}: {source}")]
    Open {
        /// The store, without password.
        location: String,
        /// Why.
        #[source]
        source: sqlx::Error,
    },
    /// The embedded store's write connection cannot be opened.
    #[error("cannot open the store {location}: {source}")]
    OpenEmbedded {
        /// The file.
        location: String,
        /// Why.
        #[source]
        source: rusqlite::Error,
    },
    /// The data directory cannot be created.
    #[error("cannot create the data directory {path}: {source}")]
    DataDir {
        /// The directory.
        path: String,
        /// Why.
        #[source]
        source: std::io::Error,
    },
    /// The schema cannot be created or migrated.
    #[error("cannot create or migrate the inbox schema: {0}")]
    Migrate(#[from] sqlx::migrate::MigrateError),
    /// A query failed.
    #[error("the store failed: {0}")]
    Database(#[from] sqlx::Error),
    /// A statement of the embedded store's writer failed.
    #[error("the store failed: {0}")]
    Sqlite(#[from] rusqlite::Error),
    /// The embedded store's writer thread cannot start, or stopped (a write panicked): the
    /// store no longer writes.
    #[error("the embedded store's writer failed: {0}")]
    Writer(String),
    /// A stored row cannot be read back.
    #[error("a stored event cannot be read: {0}")]
    Corrupt(String),
    /// The batch writer stopped (the server is shutting down).
    #[error("the inbox is shutting down")]
    Closed,
    /// A transaction written for several callers at once failed: each gets its error.
    #[error("{0}")]
    Shared(std::sync::Arc<StoreError>),
}
