//! The PostgreSQL server of the tests: `WEBHOOK_TEST_POSTGRES_URL` (`scripts/postgres.sh`), a
//! database of its own a test. Without it the PostgreSQL half of a test is skipped, with a
//! message, unless `CI` is set: then it fails.

/// The server's URL, or `None` (with a message naming `test`) when none is given outside CI.
pub fn server(test: &str) -> Option<String> {
    match std::env::var("WEBHOOK_TEST_POSTGRES_URL") {
        Ok(url) => Some(url),
        Err(_) => {
            assert!(
                std::env::var_os("CI").is_none(),
                "CI must run the durable tests on PostgreSQL: set WEBHOOK_TEST_POSTGRES_URL \
                 (scripts/postgres.sh start)"
            );
            eprintln!(
                "{test}: skipped on PostgreSQL (WEBHOOK_TEST_POSTGRES_URL is not set; \
                 `eval \"$(scripts/postgres.sh start)\"` starts a server)"
            );
            None
        }
    }
}

/// A new, empty database `<prefix>_<name>_<pid>` on the server of `url`; its URL.
pub async fn fresh_database(url: &str, prefix: &str, name: &str) -> String {
    use sqlx::Connection as _;
    let database = format!("{prefix}_{name}_{}", std::process::id());
    let mut admin = sqlx::PgConnection::connect(url)
        .await
        .expect("the PostgreSQL server of WEBHOOK_TEST_POSTGRES_URL answers");
    sqlx::query(&format!("DROP DATABASE IF EXISTS {database}"))
        .execute(&mut admin)
        .await
        .unwrap();
    sqlx::query(&format!("CREATE DATABASE {database}"))
        .execute(&mut admin)
        .await
        .unwrap();
    let mut parsed = url::Url::parse(url).unwrap();
    parsed.set_path(&database);
    parsed.to_string()
}
