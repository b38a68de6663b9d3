//! The server behind [`Webhook::serve`](crate::Webhook::serve) and
//! [`TestServer`](crate::testing::TestServer): hyper-util's connection builder
//! (`hyper_util::server::conn::auto`), serving HTTP/1.1 and HTTP/2 over cleartext on the same
//! port, with a header read timeout and a graceful drain: at the shutdown signal the readiness
//! probe turns `503`, connections are accepted for the drain delay, then refused, and the
//! requests in flight finish within the shutdown timeout (past it, [`ShutdownTimedOut`] names
//! what was cut).
//!
//! HTTP/2 is served with prior knowledge (h2c): a client that opens the connection with the
//! HTTP/2 preface (`PRI * HTTP/2.0`) gets HTTP/2, any other gets HTTP/1.1. There is no TLS here,
//! so no ALPN, and no `Upgrade: h2c` from HTTP/1.1 either.
//!
//! The header read timeout (`None`: none of this applies):
//! - HTTP/1.1: hyper's own (`header_read_timeout`, on tokio's timer). A client has that long to
//!   send a request's headers, counted from the end of its previous answer (from the connection,
//!   for its first request); a request in progress is never cut, however slow its handler.
//! - Every connection, whatever its protocol, must bring its first request within the timeout
//!   of being accepted: hyper-util's protocol detection waits for the first bytes without a
//!   timer, so a client that connects and sends nothing (or part of the HTTP/2 preface, or the
//!   preface and no request) is closed by this one timer a connection.
//! - HTTP/2: headers come in frames, bounded by hyper's limits (16 KiB of header list, 200
//!   concurrent streams a connection); there is no timer per request. A connection is pinged
//!   when it has been quiet for the timeout, and closed when its client does not answer the
//!   ping within the timeout. A client that keeps answering pings keeps its idle connection.
//!
//! Handler panics are answered `500` by the router (tower-http's `CatchPanicLayer`); each
//! connection runs in a task of its own, so a failing connection ends alone, logged at `debug`.
//!
//! Until this server, the header read timeout was a guard task a connection, checked once a
//! period, because hyper's timer, armed for every request, had been measured to cost the load
//! test 5 to 9 % of its throughput in noisy rounds. Re-measured on a quiet machine, A/B rounds
//! of `benches/load/run.sh` with both on this server (commit `e0ed544`), the difference was
//! within the noise, its sign changing from round to round (`benches/README.md`, "Over loopback"):
//! the guard is gone.

use std::convert::Infallible;
use std::future::Future;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::Duration;

use axum::body::Body;
use axum::Router;
use hyper::body::Incoming;
use hyper_util::rt::{TokioExecutor, TokioIo, TokioTimer};
use hyper_util::server::conn::auto;
use hyper_util::server::graceful::GracefulShutdown;
use tokio::net::TcpListener;
use tower::Service;

use crate::ops::{InFlight, Readiness, ShutdownTimedOut};
use crate::serve_error::ServeError;

/// The drain after the shutdown signal: accept connections for `delay` more, then stop and let
/// the requests in flight finish, all within `timeout` of the signal (`None`: no limit).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Drain {
    pub(crate) delay: Duration,
    pub(crate) timeout: Option<Duration>,
}

/// What [`serve_router`] runs with, besides the router.
pub(crate) struct ServeOptions {
    pub(crate) header_read_timeout: Option<Duration>,
    pub(crate) drain: Drain,
    /// Set ready once serving, draining at the signal.
    pub(crate) readiness: Option<Readiness>,
    /// The requests in flight, named when the shutdown timeout cuts them.
    pub(crate) in_flight: Option<InFlight>,
    /// The durable routes' workers: they stop claiming at the signal, and their running
    /// attempts finish (or are released) within the shutdown timeout.
    #[cfg(feature = "durable")]
    pub(crate) workers: Option<crate::inbox::Workers>,
}

impl ServeOptions {
    /// The admin server (the metrics on their own address): no drain of its own, it stops when
    /// the webhook's server has.
    pub(crate) fn admin(header_read_timeout: Option<Duration>) -> Self {
        Self {
            header_read_timeout,
            drain: Drain {
                delay: Duration::ZERO,
                timeout: Some(Duration::from_secs(1)),
            },
            readiness: None,
            in_flight: None,
            #[cfg(feature = "durable")]
            workers: None,
        }
    }
}

/// Counts the open connections (each task holds one count until its connection ends).
struct ConnectionCount(Arc<AtomicUsize>);

impl Drop for ConnectionCount {
    fn drop(&mut self) {
        self.0.fetch_sub(1, Ordering::AcqRel);
    }
}

/// Serves `router` on `listener` until `signal` completes, then drains (see [`Drain`]). A
/// client has `header_read_timeout` to send a request's headers (`None`: forever).
pub(crate) async fn serve_router<F>(
    listener: TcpListener,
    router: Router,
    options: ServeOptions,
    signal: F,
) -> Result<(), ServeError>
where
    F: Future<Output = ()> + Send + 'static,
{
    let ServeOptions {
        header_read_timeout,
        drain,
        readiness,
        in_flight,
        #[cfg(feature = "durable")]
        workers,
    } = options;
    let builder = connection_builder(header_read_timeout);
    let graceful = GracefulShutdown::new();
    let connections = Arc::new(AtomicUsize::new(0));
    let mut signal = std::pin::pin!(signal);
    if let Some(readiness) = &readiness {
        readiness.ready();
    }
    // Set when the signal comes: when accepting stops, and the shutdown deadline.
    let mut stop_accepting: Option<tokio::time::Instant> = None;
    let mut deadline: Option<tokio::time::Instant> = None;
    loop {
        let accept_until = stop_accepting.unwrap_or_else(far_future);
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
                let first_request = Arc::new(AtomicBool::new(false));
                let service = Served {
                    router: router.clone(),
                    first_request: Arc::clone(&first_request),
                };
                let connection = graceful.watch(
                    builder.serve_connection(TokioIo::new(stream), service).into_owned(),
                );
                connections.fetch_add(1, Ordering::AcqRel);
                let count = ConnectionCount(Arc::clone(&connections));
                tokio::spawn(async move {
                    let _count = count;
                    let mut connection = std::pin::pin!(connection);
                    let served = match header_read_timeout {
                        None => connection.await,
                        Some(timeout) => tokio::select! {
                            served = connection.as_mut() => served,
                            () = tokio::time::sleep(timeout) => {
                                if !first_request.load(Ordering::Relaxed) {
                                    tracing::debug!("closing a connection that sent no request in time");
                                    return;
                                }
                                connection.await
                            }
                        },
                    };
                    if let Err(error) = served {
                        tracing::debug!(%error, "connection closed with an error");
                    }
                });
            }
            () = &mut signal, if stop_accepting.is_none() => {
                let now = tokio::time::Instant::now();
                if let Some(readiness) = &readiness {
                    readiness.drain();
                }
                #[cfg(feature = "durable")]
                if let Some(workers) = &workers {
                    workers.stop_claiming();
                }
                deadline = drain.timeout.map(|timeout| now + timeout);
                tracing::info!(
                    drain_delay_s = drain.delay.as_secs_f64(),
                    shutdown_timeout_s = drain.timeout.map(|t| t.as_secs_f64()),
                    "draining: the readiness probe answers 503; new connections are refused after the drain delay"
                );
                if drain.delay.is_zero() {
                    break;
                }
                stop_accepting = Some(now + drain.delay);
            }
            () = tokio::time::sleep_until(accept_until), if stop_accepting.is_some() => break,
        }
    }
    drop(listener);
    let open = connections.load(Ordering::Acquire);
    tracing::info!(
        connections = open,
        "no longer accepting connections; finishing the requests in flight"
    );
    match deadline {
        None => graceful.shutdown().await,
        Some(deadline) => {
            if tokio::time::timeout_at(deadline, graceful.shutdown())
                .await
                .is_err()
            {
                let cut = ShutdownTimedOut {
                    timeout: drain.timeout.unwrap_or_default(),
                    connections: connections.load(Ordering::Acquire),
                    requests: in_flight
                        .map(|in_flight| in_flight.snapshot())
                        .unwrap_or_default(),
                };
                tracing::error!(%cut, "shutdown cut");
                #[cfg(feature = "durable")]
                if let Some(workers) = workers {
                    workers.finish(Some(tokio::time::Instant::now())).await;
                }
                return Err(ServeError::ShutdownTimedOut(cut));
            }
        }
    }
    // The durable routes' running attempts finish within the same deadline; those cut are
    // released (queued again, their attempt not counted).
    #[cfg(feature = "durable")]
    if let Some(workers) = workers {
        if !workers.finish(deadline).await {
            tracing::warn!("the shutdown timeout cut durable attempts; their events were released");
        }
    }
    tracing::info!("every request answered; stopped");
    Ok(())
}

/// An instant no drain reaches (a disabled `select!` branch still builds its future).
fn far_future() -> tokio::time::Instant {
    tokio::time::Instant::now() + Duration::from_secs(86_400 * 365)
}

/// HTTP/1.1 with hyper's header read timeout, and HTTP/2 with keep-alive pings.
fn connection_builder(header_read_timeout: Option<Duration>) -> auto::Builder<TokioExecutor> {
    let mut builder = auto::Builder::new(TokioExecutor::new());
    // With a timer and nothing configured, hyper would apply its own default (30 s): the
    // setting is always passed, `None` included.
    builder
        .http1()
        .timer(TokioTimer::new())
        .header_read_timeout(header_read_timeout);
    builder
        .http2()
        .timer(TokioTimer::new())
        .keep_alive_interval(header_read_timeout);
    if let Some(timeout) = header_read_timeout {
        builder.http2().keep_alive_timeout(timeout);
    }
    builder
}

/// The router as a connection's hyper service, noting that the connection brought a request.
struct Served {
    router: Router,
    first_request: Arc<AtomicBool>,
}

impl hyper::service::Service<http::Request<Incoming>> for Served {
    type Response = http::Response<Body>;
    type Error = Infallible;
    type Future = <Router as Service<http::Request<Incoming>>>::Future;

    fn call(&self, request: http::Request<Incoming>) -> Self::Future {
        if !self.first_request.load(Ordering::Relaxed) {
            self.first_request.store(true, Ordering::Relaxed);
        }
        self.router.clone().call(request)
    }
}
