//! PostgreSQL for the tests of durable routes: the server named by `WEBHOOK_TEST_POSTGRES_URL`
//! (this repository's `scripts/postgres.sh start` exports it for a throwaway cluster) and a
//! database of its own a test. Without the variable the PostgreSQL half of a test is skipped
//! with a message, unless `CI` is set: then it fails, so that a CI never passes without it.
//!
//! ```no_run
//! use clustaar_webhook::testing::postgres;
//!
//! # #[tokio::main(flavor = "current_thread")] async fn main() {
//! if let Some(server) = postgres::server("my_test") {
//!     let url = postgres::fresh_database(&server, "bot", "my_test").await;
//!     // `url` names an empty database: `WEBHOOK_STORE=<url>`, or `StoreLocation::Postgres(url)`.
//! }
//! # }
//! ```

/// The variable naming the tests' PostgreSQL server.
pub const SERVER_VARIABLE: &str = "WEBHOOK_TEST_POSTGRES_URL";

/// The server's URL from [`SERVER_VARIABLE`], or `None` (with a message naming `test` on
/// standard error) when it is not set. Panics when it is not set and `CI` is.
pub fn server(test: &str) -> Option<String> {
    match std::env::var(SERVER_VARIABLE) {
        Ok(url) => Some(url),
        Err(_) => {
            assert!(
                std::env::var_os("CI").is_none(),
                "CI must run the durable tests on PostgreSQL: set {SERVER_VARIABLE} \
                 (scripts/postgres.sh start)"
            );
            eprintln!(
                "{test}: skipped on PostgreSQL ({SERVER_VARIABLE} is not set; \
                 `eval \"$(scripts/postgres.sh start)\"` starts a server)"
            );
            None
        }
    }
}

/// A new, empty database `<prefix>_<name>_<process id>` on the server of `url` (dropped first
/// if a run before left it), and its URL. Panics when the server does not answer: a test
/// cannot go on without it.
pub async fn fresh_database(url: &str, prefix: &str, name: &str) -> String {
    use sqlx::Connection as _;
    let database = format!("{prefix}_{name}_{}", std::process::id());
    let mut admin = sqlx::PgConnection::connect(url)
        .await
        .unwrap_or_else(|error| panic!("the PostgreSQL server of {SERVER_VARIABLE}: {error}"));
    for statement in [
        format!("DROP DATABASE IF EXISTS {database}"),
        format!("CREATE DATABASE {database}"),
    ] {
        sqlx::query(&statement)
            .execute(&mut admin)
            .await
            .unwrap_or_else(|error| panic!("{statement}: {error}"));
    }
    let mut parsed = url::Url::parse(url)
        .unwrap_or_else(|error| panic!("{SERVER_VARIABLE} is not a URL: {error}"));
    parsed.set_path(&database);
    parsed.to_string()
}
