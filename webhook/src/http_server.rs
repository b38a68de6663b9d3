//! The server behind [`Webhook::serve`](crate::Webhook::serve) and
//! [`TestServer`](crate::testing::TestServer): hyper's HTTP/1.1 and HTTP/2 connections over
//! cleartext on the same port, the protocol told by a peek at each connection's first bytes
//! (hyper-util's `auto` builder only when they are part of the HTTP/2 preface and no more),
//! with a header read timeout and a graceful drain: at the shutdown signal the readiness
//! probe turns `503`, connections are accepted for the drain delay, then refused, and the
//! requests in flight finish within the shutdown timeout (past it, [`ShutdownTimedOut`] names
//! what was cut).
//!
//! HTTP/2 is served with prior knowledge (h2c): a client that opens the connection with the
//! HTTP/2 preface (`PRI * HTTP/2.0`) gets HTTP/2, any other gets HTTP/1.1. There is no TLS here,
//! so no ALPN, and no `Upgrade: h2c` from HTTP/1.1 either.
//!
//! The header read timeout (`None`: none of this applies):
//! - HTTP/1.1: hyper's own (`header_read_timeout`, on tokio's timer through [`timer`]: one sleep
//!   a hyper connection, moved from request to request, not one made and dropped a request). A
//!   client has that long to send a request's headers, counted from the end of its previous
//!   answer (from the connection, for its first request), including the time the connection
//!   waited idle without a hyper connection; a request in progress is never cut, however slow
//!   its handler.
//! - Every connection, whatever its protocol, must bring its first request within the timeout
//!   of being accepted: the protocol detection waits for the first bytes without a timer, so a
//!   client that connects and sends nothing (or part of the HTTP/2 preface, or the preface and
//!   no request) is closed by this one timer a connection.
//! - HTTP/2: headers come in frames, bounded by hyper's limits (16 KiB of header list, 200
//!   concurrent streams a connection); there is no timer per request. A connection is pinged
//!   when it has been quiet for the timeout, and closed when its client does not answer the
//!   ping within the timeout. A client that keeps answering pings keeps its idle connection.
//!
//! What an idle keep-alive connection holds (`benches/load/idle.sh`, figures in
//! `benches/README.md`): after 10 ms without a request ([`idle::IDLE_GRACE`]), no hyper
//! connection at all: hyper's read and write buffers (8 KiB each) are freed and the socket is
//! waited on alone ([`idle`]); what remains is the connection's task (its future about 2 KiB:
//! the HTTP/1.1 connection inline, HTTP/2 and the undecided case boxed, the router and builders
//! behind one `Arc`) and the socket's registration, 2.5-3.2 kB of resident memory a connection
//! where it was 14 with hyper's buffers kept, and 22 with hyper-util's detection (it read the
//! first 24 bytes itself and gave them back to hyper as a first read, which made hyper's read
//! buffer grow to 16 KiB) and its `auto::Connection` (3.6 KiB of task).
//!
//! A `POST` to the notifications' path is answered by the webhook's [`DirectRoute`] (the same
//! layers and endpoint, past axum's router: one boxed future a request instead of the router's
//! route lookups, boxed services and bodies); every other request by the router.
//!
//! Handler panics are answered `500` (by the router's tower-http `CatchPanicLayer`, by the
//! direct route's guard); each connection runs in a task of its own, so a failing connection
//! ends alone, logged at `debug`.
//!
//! Until this server, the header read timeout was a guard task a connection, checked once a
//! period, because hyper's timer, armed for every request, had been measured to cost the load
//! test 5 to 9 % of its throughput in noisy rounds. Re-measured on a quiet machine, A/B rounds
//! of `benches/load/run.sh` with both on this server (commit `e0ed544`), the difference was
//! within the noise, its sign changing from round to round (`benches/README.md`, "Over loopback"):
//! the guard is gone.

use std::convert::Infallible;
use std::future::Future;
use std::pin::Pin;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::task::{Poll, Waker};
use std::time::Duration;

use axum::Router;
use hyper::body::Incoming;
use hyper::server::conn::{http1, http2};
use hyper_util::rt::{TokioExecutor, TokioIo, TokioTimer};
use hyper_util::server::conn::auto;
use prometheus_client::metrics::gauge::Gauge;
use tokio::net::{TcpListener, TcpStream};
use tower::Service;

use crate::ops::layer::ObservedFuture;
use crate::ops::{ConnectionGauges, InFlight, Readiness, ShutdownTimedOut};
use crate::pipeline::{DirectRoute, Routes};
use crate::serve_error::ServeError;

mod idle;
mod timer;

use idle::{Exchange, IdleIo, RequestBody, ResponseBody, ResponseFuture};
use timer::ConnectionTimer;

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
    /// The metrics' gauges of the connections, kept up to date when given.
    pub(crate) connections: Option<ConnectionGauges>,
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
            connections: None,
            #[cfg(feature = "durable")]
            workers: None,
        }
    }
}

/// Counts the open connections (each task holds one count until its connection ends), in the
/// metrics' gauge too when there is one.
struct ConnectionCount {
    count: Arc<AtomicUsize>,
    /// Held for its count in the gauge.
    _gauge: Option<GaugeCount>,
}

impl ConnectionCount {
    fn new(count: &Arc<AtomicUsize>, gauge: Option<&Gauge>) -> Self {
        count.fetch_add(1, Ordering::AcqRel);
        Self {
            count: Arc::clone(count),
            _gauge: gauge.map(GaugeCount::new),
        }
    }
}

impl Drop for ConnectionCount {
    fn drop(&mut self) {
        self.count.fetch_sub(1, Ordering::AcqRel);
    }
}

/// One count in a gauge while it lives (an open connection, an idle one).
struct GaugeCount(Gauge);

impl GaugeCount {
    fn new(gauge: &Gauge) -> Self {
        gauge.inc();
        Self(gauge.clone())
    }
}

impl Drop for GaugeCount {
    fn drop(&mut self) {
        self.0.dec();
    }
}

/// Serves `routes` on `listener` until `signal` completes, then drains (see [`Drain`]). A
/// client has `header_read_timeout` to send a request's headers (`None`: forever).
pub(crate) async fn serve_router<F>(
    listener: TcpListener,
    routes: Routes,
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
        connections: gauges,
        #[cfg(feature = "durable")]
        workers,
    } = options;
    let shared = Arc::new(Shared::new(routes, header_read_timeout, gauges));
    // Each connection holds a receiver; the drain's end sends on it and waits until they are
    // all gone (what hyper-util's `GracefulShutdown` does, for connections still detecting
    // their protocol too).
    let (shutdown, _) = tokio::sync::watch::channel(());
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
                let count = ConnectionCount::new(
                    &connections,
                    shared.gauges.as_ref().map(|gauges| &gauges.open),
                );
                tokio::spawn(serve_connection(
                    Arc::clone(&shared),
                    stream,
                    shutdown.subscribe(),
                    count,
                ));
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
    let _ = shutdown.send(());
    match deadline {
        None => shutdown.closed().await,
        Some(deadline) => {
            if tokio::time::timeout_at(deadline, shutdown.closed())
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
    if let Some(workers) = workers
        && !workers.finish(deadline).await
    {
        tracing::warn!("the shutdown timeout cut durable attempts; their events were released");
    }
    tracing::info!("every request answered; stopped");
    Ok(())
}

/// An instant no drain reaches (a disabled `select!` branch still builds its future).
fn far_future() -> tokio::time::Instant {
    tokio::time::Instant::now() + Duration::from_secs(86_400 * 365)
}

/// What every connection task shares (one `Arc` a connection): the router and hyper's
/// builders, built once. HTTP/1.1 with hyper's header read timeout, and HTTP/2 with keep-alive
/// pings.
struct Shared {
    routes: Routes,
    header_read_timeout: Option<Duration>,
    /// The metrics' gauges of the connections.
    gauges: Option<ConnectionGauges>,
    http1: http1::Builder,
    http2: http2::Builder<TokioExecutor>,
    /// For a connection whose first bytes are part of the HTTP/2 preface and no more: hyper-util
    /// reads on until it knows (configured as the two above).
    auto: auto::Builder<TokioExecutor>,
}

impl Shared {
    fn new(
        routes: Routes,
        header_read_timeout: Option<Duration>,
        gauges: Option<ConnectionGauges>,
    ) -> Self {
        let mut http1 = http1::Builder::new();
        let mut http2 = http2::Builder::new(TokioExecutor::new());
        let mut auto = auto::Builder::new(TokioExecutor::new());
        // With a timer and nothing configured, hyper would apply its own default (30 s): the
        // setting is always passed, `None` included.
        // (HTTP/1.1's timer is each connection's own: `http1_connection`.)
        http1.header_read_timeout(header_read_timeout);
        auto.http1()
            .timer(TokioTimer::new())
            .header_read_timeout(header_read_timeout);
        http2
            .timer(TokioTimer::new())
            .keep_alive_interval(header_read_timeout);
        auto.http2()
            .timer(TokioTimer::new())
            .keep_alive_interval(header_read_timeout);
        if let Some(timeout) = header_read_timeout {
            http2.keep_alive_timeout(timeout);
            auto.http2().keep_alive_timeout(timeout);
        }
        Self {
            routes,
            header_read_timeout,
            gauges,
            http1,
            http2,
            auto,
        }
    }
}

/// What a connection's first bytes say it speaks.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Protocol {
    Http1,
    /// The whole HTTP/2 preface (prior knowledge).
    Http2,
    /// Part of the preface and nothing else yet.
    Undecided,
}

/// The HTTP/2 connection preface (RFC 9113, section 3.4).
const H2_PREFACE: &[u8; 24] = b"PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n";

/// The protocol of `first`, a connection's first bytes (at most the preface's length).
fn protocol_of(first: &[u8]) -> Protocol {
    if !H2_PREFACE.starts_with(first) {
        Protocol::Http1
    } else if first.len() == H2_PREFACE.len() {
        Protocol::Http2
    } else {
        Protocol::Undecided
    }
}

/// Waits for a connection's first bytes and tells its protocol, reading nothing: they stay in
/// the socket for hyper (`None`: the client closed without sending anything).
///
/// hyper-util's detection (`auto::Builder`) reads them instead and hands them back to hyper as
/// a first read of 24 bytes; hyper's read buffer (8 KiB) then grows to 16 KiB to make room for
/// the rest, and every idle keep-alive connection kept that 16 KiB (benches/load/idle.sh).
async fn detect(stream: &TcpStream) -> std::io::Result<Option<Protocol>> {
    let mut first = [0; H2_PREFACE.len()];
    let peeked = stream.peek(&mut first).await?;
    Ok((peeked > 0).then(|| protocol_of(&first[..peeked])))
}

/// A connection's task: detects the protocol, serves it, shuts it down gracefully when
/// `shutdown` changes (or its sender is gone). The first request must come within the header
/// read timeout of the task's start, whatever the protocol.
///
/// Its future is what each open connection holds besides hyper's buffers; the HTTP/1.1
/// connection is kept inline, the rarer ones are boxed (see the `connection_future_size` test).
async fn serve_connection(
    shared: Arc<Shared>,
    stream: TcpStream,
    shutdown: tokio::sync::watch::Receiver<()>,
    count: ConnectionCount,
) {
    let _count = count;
    let service = Served {
        router: shared.routes.router.clone(),
        direct: shared.routes.direct.clone(),
        exchange: Arc::default(),
    };
    let exchange = Arc::clone(&service.exchange);
    // Built in place (a future moved into a local, then pinned, would be held twice).
    let mut served = std::pin::pin!(serve_detected(&shared, stream, shutdown, service));
    let first_request_timer = async {
        match shared.header_read_timeout {
            Some(timeout) => tokio::time::sleep(timeout).await,
            None => std::future::pending().await,
        }
    };
    let served = tokio::select! {
        served = served.as_mut() => served,
        () = first_request_timer => {
            if !exchange.started() {
                tracing::debug!("closing a connection that sent no request in time");
                return;
            }
            served.await
        }
    };
    if let Err(error) = served {
        tracing::debug!(%error, "connection closed with an error");
    }
}

type BoxError = Box<dyn std::error::Error + Send + Sync>;

/// [`serve_connection`] without its first-request timer.
async fn serve_detected(
    shared: &Shared,
    stream: TcpStream,
    mut shutdown: tokio::sync::watch::Receiver<()>,
    service: Served,
) -> Result<(), BoxError> {
    let protocol = tokio::select! {
        detected = detect(&stream) => detected?,
        // Draining before the first bytes: nothing to finish.
        _ = shutdown.changed() => return Ok(()),
    };
    let mut draining = false;
    match protocol {
        None => Ok(()),
        Some(Protocol::Http1) => serve_http1(shared, stream, &mut shutdown, service).await,
        Some(Protocol::Http2) => {
            let mut connection =
                Box::pin(shared.http2.serve_connection(TokioIo::new(stream), service));
            drive(&mut connection, &mut shutdown, &mut draining).await?;
            Ok(())
        }
        Some(Protocol::Undecided) => {
            let mut connection =
                Box::pin(shared.auto.serve_connection(TokioIo::new(stream), service));
            drive(&mut connection, &mut shutdown, &mut draining).await
        }
    }
}

/// An HTTP/1.1 connection: a hyper connection while the client sends and is answered, none
/// while it is idle ([`idle`]: hyper's buffers are freed and the socket waited on alone). The
/// header read timeout counts from the end of the previous answer across the gap: a hyper
/// connection started after one gets what remains of it.
async fn serve_http1(
    shared: &Shared,
    stream: TcpStream,
    shutdown: &mut tokio::sync::watch::Receiver<()>,
    service: Served,
) -> Result<(), BoxError> {
    let exchange = Arc::clone(&service.exchange);
    let mut io = IdleIo::new(stream, Arc::clone(&exchange));
    let mut draining = false;
    // When the next request's headers must have come: the first request's is the connection
    // task's own timer; then from the end of each answer.
    let mut deadline: Option<tokio::time::Instant> = None;
    let mut generation = exchange.generation();
    loop {
        let mut connection = http1_connection(shared, deadline, io, service.clone());
        let served = drive(&mut connection, shutdown, &mut draining).await;
        let parts = connection.into_parts();
        io = parts.io.into_inner();
        match served {
            Ok(()) if io.released() && !draining => {}
            // Part of a pipelined request was in hyper's buffer: it is in `read_buf`.
            Err(error) if io.released() && !draining && error.is_incomplete_message() => {}
            served => return Ok(served?),
        }
        io.resume(parts.read_buf);
        if exchange.generation() != generation {
            generation = exchange.generation();
            deadline = shared
                .header_read_timeout
                .map(|timeout| tokio::time::Instant::now() + timeout);
        }
        let idle = shared
            .gauges
            .as_ref()
            .map(|gauges| GaugeCount::new(&gauges.idle));
        if !wait_for_bytes(io.stream(), shutdown, deadline).await? {
            return Ok(());
        }
        drop(idle);
    }
}

/// A hyper HTTP/1.1 connection on `io`, whose client must send its request's headers by
/// `deadline` (`None`: the builder's timeout), on a timer of its own ([`ConnectionTimer`]:
/// one tokio sleep for all its requests' header read timeouts).
fn http1_connection(
    shared: &Shared,
    deadline: Option<tokio::time::Instant>,
    io: IdleIo,
    service: Served,
) -> http1::Connection<TokioIo<IdleIo>, Served> {
    let mut builder = shared.http1.clone();
    if shared.header_read_timeout.is_some() {
        builder.timer(ConnectionTimer::default());
    }
    if let Some(deadline) = deadline {
        builder
            .header_read_timeout(deadline.saturating_duration_since(tokio::time::Instant::now()));
    }
    builder.serve_connection(TokioIo::new(io), service)
}

/// Waits, holding no buffer, until `stream` is readable (`true`), the server drains or the
/// client's `deadline` for its next request's headers passes (`false`: close it).
async fn wait_for_bytes(
    stream: &TcpStream,
    shutdown: &mut tokio::sync::watch::Receiver<()>,
    deadline: Option<tokio::time::Instant>,
) -> std::io::Result<bool> {
    let deadline = async {
        match deadline {
            Some(deadline) => tokio::time::sleep_until(deadline).await,
            None => std::future::pending().await,
        }
    };
    tokio::select! {
        readable = stream.readable() => readable.map(|()| true),
        _ = shutdown.changed() => Ok(false),
        () = deadline => {
            tracing::debug!("closing an idle connection at its header read timeout");
            Ok(false)
        }
    }
}

/// Polls `connection` to its end; when `shutdown` changes (or its sender is gone), asks it to
/// shut down gracefully (finish the requests in flight, accept no more), notes it in
/// `draining`, and polls on.
async fn drive<C, E>(
    connection: &mut C,
    shutdown: &mut tokio::sync::watch::Receiver<()>,
    draining: &mut bool,
) -> Result<(), E>
where
    C: Graceful + Future<Output = Result<(), E>> + Unpin,
{
    if !*draining {
        tokio::select! {
            served = &mut *connection => return served,
            () = drained(shutdown) => {
                *draining = true;
                Pin::new(&mut *connection).graceful_shutdown();
            }
        }
    }
    connection.await
}

/// Resolves when `shutdown` changes or its sender is gone (the server drains), as its
/// `changed()` does, without its cost at every poll of the connection's task: a `changed()`
/// that waits takes the lock of the channel's waiters (shared by every connection) each time
/// it is polled, to update its waker. Here it is polled until it has registered the task's
/// waker; while the task's waker is that one (a tokio task's always is), a poll reads the
/// channel's version instead (an atomic load), and the registered waker still wakes the task
/// when the channel changes.
async fn drained(shutdown: &mut tokio::sync::watch::Receiver<()>) {
    let seen = shutdown.clone();
    let mut changed = std::pin::pin!(shutdown.changed());
    let mut registered: Option<Waker> = None;
    std::future::poll_fn(|cx| {
        if registered
            .as_ref()
            .is_some_and(|waker| waker.will_wake(cx.waker()))
        {
            return match seen.has_changed() {
                Ok(false) => Poll::Pending,
                Ok(true) | Err(_) => Poll::Ready(()),
            };
        }
        match changed.as_mut().poll(cx) {
            Poll::Ready(_) => Poll::Ready(()),
            Poll::Pending => {
                registered = Some(cx.waker().clone());
                Poll::Pending
            }
        }
    })
    .await
}

/// hyper's connections' graceful shutdown, under one name.
trait Graceful {
    fn graceful_shutdown(self: Pin<&mut Self>);
}

impl Graceful for http1::Connection<TokioIo<IdleIo>, Served> {
    fn graceful_shutdown(self: Pin<&mut Self>) {
        http1::Connection::graceful_shutdown(self);
    }
}

impl Graceful for Pin<Box<http2::Connection<TokioIo<TcpStream>, Served, TokioExecutor>>> {
    fn graceful_shutdown(self: Pin<&mut Self>) {
        self.get_mut().as_mut().graceful_shutdown();
    }
}

impl Graceful for Pin<Box<auto::Connection<'_, TokioIo<TcpStream>, Served, TokioExecutor>>> {
    fn graceful_shutdown(self: Pin<&mut Self>) {
        self.get_mut().as_mut().graceful_shutdown();
    }
}

/// The routes as a connection's hyper service, telling the connection's [`Exchange`] what each
/// request still has going on.
#[derive(Clone)]
struct Served {
    router: Router,
    /// The notifications' `POST`, past the router.
    direct: Option<DirectRoute>,
    exchange: Arc<Exchange>,
}

impl hyper::service::Service<http::Request<Incoming>> for Served {
    type Response = http::Response<ResponseBody>;
    type Error = Infallible;
    type Future = ResponseFuture<Answer>;

    fn call(&self, request: http::Request<Incoming>) -> Self::Future {
        let body = !hyper::body::Body::is_end_stream(request.body());
        let watch = self.exchange.start(body);
        let request = request.map(|inner| RequestBody::new(inner, body.then(|| watch.clone())));
        let answer = match &self.direct {
            Some(direct) if direct.takes(&request) => {
                Answer::Direct(direct.call(request.map(axum::body::Body::new)))
            }
            _ => Answer::Routed(self.router.clone().call(request)),
        };
        ResponseFuture::new(answer, watch)
    }
}

/// A request's answer, by the direct route or the router. As large as the router's future
/// (hyper holds it inline, as it held the router's future alone before the direct route): the
/// direct one is a box, and boxing the router's too would allocate once more a routed request.
#[allow(clippy::large_enum_variant)]
enum Answer {
    Direct(ObservedFuture),
    Routed(<Router as Service<http::Request<RequestBody>>>::Future),
}

impl Future for Answer {
    type Output = Result<axum::response::Response, Infallible>;

    fn poll(self: Pin<&mut Self>, cx: &mut std::task::Context<'_>) -> Poll<Self::Output> {
        // Both futures are `Unpin` (a box, axum's `RouteFuture`).
        match self.get_mut() {
            Self::Direct(answer) => answer.as_mut().poll(cx),
            Self::Routed(answer) => Pin::new(answer).poll(cx),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A waker counting its wakes.
    #[derive(Default)]
    struct Counted(AtomicUsize);

    impl std::task::Wake for Counted {
        fn wake(self: Arc<Self>) {
            self.0.fetch_add(1, Ordering::SeqCst);
        }
    }

    #[test]
    fn the_drain_wakes_the_waker_last_polled_with_and_is_then_seen() {
        let (sender, mut receiver) = tokio::sync::watch::channel(());
        let mut drain = Box::pin(drained(&mut receiver));
        let (first, second) = (Arc::new(Counted::default()), Arc::new(Counted::default()));
        let (first_waker, second_waker) = (Waker::from(first.clone()), Waker::from(second.clone()));
        let mut first_context = std::task::Context::from_waker(&first_waker);
        let mut second_context = std::task::Context::from_waker(&second_waker);
        for _ in 0..3 {
            assert!(drain.as_mut().poll(&mut first_context).is_pending());
        }
        // Another waker: registered in place of the first.
        assert!(drain.as_mut().poll(&mut second_context).is_pending());
        assert!(drain.as_mut().poll(&mut second_context).is_pending());
        sender.send(()).unwrap();
        assert_eq!(
            second.0.load(Ordering::SeqCst),
            1,
            "the waker last polled with"
        );
        assert_eq!(first.0.load(Ordering::SeqCst), 0);
        assert!(drain.as_mut().poll(&mut second_context).is_ready());
    }

    #[tokio::test]
    async fn the_drain_is_seen_by_a_task_polled_often_and_when_the_sender_is_gone() {
        let (sender, mut receiver) = tokio::sync::watch::channel(());
        let mut other = sender.subscribe();
        let waiting = tokio::spawn(async move {
            // Polled at every tick too, not only when the channel wakes it.
            let mut ticks = tokio::time::interval(Duration::from_millis(1));
            let mut drain = std::pin::pin!(drained(&mut receiver));
            let mut polls = 0_u32;
            loop {
                tokio::select! {
                    () = &mut drain => return polls,
                    _ = ticks.tick() => polls += 1,
                }
            }
        });
        tokio::time::sleep(Duration::from_millis(30)).await;
        sender.send(()).unwrap();
        let polls = tokio::time::timeout(Duration::from_secs(5), waiting)
            .await
            .expect("the drain was seen")
            .unwrap();
        assert!(polls >= 5, "{polls} polls");
        // Another connection's wait, begun after the change, ends at once.
        tokio::time::timeout(Duration::from_secs(5), drained(&mut other))
            .await
            .expect("a change made before the wait drains");
        // So does one whose sender is gone.
        let (gone, mut orphan) = tokio::sync::watch::channel(());
        drop(gone);
        tokio::time::timeout(Duration::from_secs(5), drained(&mut orphan))
            .await
            .expect("a gone sender drains");
    }

    #[test]
    fn the_first_bytes_tell_the_protocol() {
        assert_eq!(protocol_of(b"POST / HTTP/1.1\r\n"), Protocol::Http1);
        assert_eq!(protocol_of(b"G"), Protocol::Http1);
        assert_eq!(protocol_of(b"PRI * HTTP/1.1"), Protocol::Http1);
        assert_eq!(protocol_of(H2_PREFACE), Protocol::Http2);
        assert_eq!(protocol_of(b"P"), Protocol::Undecided);
        assert_eq!(protocol_of(b"PRI * HTTP/2.0\r\n"), Protocol::Undecided);
    }

    /// What an idle connection's task holds: the future of `serve_connection`, allocated by
    /// `tokio::spawn` (hyper's buffers are freed while idle, see `idle`). It was 3.6 KiB with
    /// hyper-util's `auto::Connection` (sized for its HTTP/2 variant) and a clone of its
    /// builder, 1.4 KiB after; 2 KiB since it also holds the socket between hyper connections
    /// and the wait for the next bytes.
    #[tokio::test]
    async fn connection_future_size() {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let client = TcpStream::connect(listener.local_addr().unwrap());
        let (client, accepted) = tokio::join!(client, listener.accept());
        let (stream, _) = accepted.unwrap();
        let shared = Arc::new(Shared::new(
            Router::new().into(),
            Some(Duration::from_secs(10)),
            None,
        ));
        let (shutdown, _) = tokio::sync::watch::channel(());
        let count = ConnectionCount::new(&Arc::new(AtomicUsize::new(0)), None);
        let future = serve_connection(shared, stream, shutdown.subscribe(), count);
        let size = std::mem::size_of_val(&future);
        println!("serve_connection's future: {size} bytes");
        assert!(size <= 2176, "serve_connection's future is {size} bytes");
        drop((future, client));
    }
}
