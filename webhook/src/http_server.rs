//! The HTTP/1.1 server behind [`Webhook::serve`](crate::Webhook::serve) and
//! [`TestServer`](crate::testing::TestServer): hyper with a header read timeout, so a client
//! that opens a connection and sends its headers slowly (or never) is disconnected, and a
//! graceful shutdown that lets in-flight requests finish.
//!
//! `axum::serve` has no header read timeout; this loop is the one axum runs, with hyper's
//! builder configured.

use std::future::Future;
use std::time::Duration;

use axum::Router;
use hyper::server::conn::http1;
use hyper_util::rt::{TokioIo, TokioTimer};
use hyper_util::server::graceful::GracefulShutdown;
use hyper_util::service::TowerToHyperService;
use tokio::net::TcpListener;

/// Serves `router` on `listener` until `signal` completes, then waits for the connections in
/// flight. A client has `header_read_timeout` to send a request's headers (`None`: forever).
pub(crate) async fn serve_router<F>(
    listener: TcpListener,
    router: Router,
    header_read_timeout: Option<Duration>,
    signal: F,
) -> std::io::Result<()>
where
    F: Future<Output = ()> + Send + 'static,
{
    let mut builder = http1::Builder::new();
    builder
        .timer(TokioTimer::new())
        .header_read_timeout(header_read_timeout);
    let graceful = GracefulShutdown::new();
    let mut signal = std::pin::pin!(signal);
    loop {
        tokio::select! {
            accepted = listener.accept() => {
                let stream = match accepted {
                    Ok((stream, _)) => stream,
                    Err(error) => {
                        // Out of file descriptors and the like: wait, as axum::serve does.
                        tracing::error!(%error, "cannot accept a connection");
                        tokio::time::sleep(Duration::from_millis(100)).await;
                        continue;
                    }
                };
                let service = TowerToHyperService::new(router.clone());
                let connection = graceful.watch(builder.serve_connection(TokioIo::new(stream), service));
                tokio::spawn(async move {
                    if let Err(error) = connection.await {
                        tracing::debug!(%error, "connection closed with an error");
                    }
                });
            }
            () = &mut signal => break,
        }
    }
    drop(listener);
    graceful.shutdown().await;
    Ok(())
}
