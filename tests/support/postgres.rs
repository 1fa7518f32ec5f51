//! The PostgreSQL server the tests may use: `ALIPAY_TEST_POSTGRES` (a URL), which `.ci/run` starts
//! and sets. Each test works in a schema of its own, so tests run side by side and leave nothing
//! behind that another run could trip over. Shared by the core's and the sandbox's tests.

use std::sync::atomic::{AtomicU32, Ordering};

/// The server's URL; `None` (and a line saying the PostgreSQL cases were skipped) without one,
/// except in CI, where they must run.
pub fn url() -> Option<String> {
    match std::env::var("ALIPAY_TEST_POSTGRES") {
        Ok(url) if !url.is_empty() => Some(url),
        _ if std::env::var_os("CI").is_some() => {
            panic!("CI must run the PostgreSQL journal tests: set ALIPAY_TEST_POSTGRES to a database URL")
        }
        _ => {
            eprintln!("skipped: the PostgreSQL journal cases (set ALIPAY_TEST_POSTGRES to a database URL to run them)");
            None
        }
    }
}

/// Creates a fresh schema and returns `url` pointed at it (`search_path`).
pub fn fresh_schema(url: &str) -> String {
    static N: AtomicU32 = AtomicU32::new(0);
    let stamp = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map_or(0, |d| d.as_micros());
    let schema = format!("t{}_{stamp}_{}", std::process::id(), N.fetch_add(1, Ordering::Relaxed));
    exec(url, &format!("CREATE SCHEMA {schema}"));
    let joiner = if url.contains('?') { '&' } else { '?' };
    format!("{url}{joiner}options=-csearch_path%3D{schema}")
}

/// Runs `sql` on the server (on a thread of its own, so it works from async tests too).
pub fn exec(url: &str, sql: &str) {
    let (url, sql) = (url.to_string(), sql.to_string());
    std::thread::spawn(move || {
        let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build().expect("runtime");
        runtime.block_on(async {
            let (client, connection) = tokio_postgres::connect(&url, tokio_postgres::NoTls).await.expect("connect");
            tokio::spawn(connection);
            client.batch_execute(&sql).await.unwrap_or_else(|e| panic!("{sql}: {e}"));
        });
    })
    .join()
    .expect("the statement ran");
}
