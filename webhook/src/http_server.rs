//! The HTTP/1.1 server behind [`Webhook::serve`](crate::Webhook::serve) and
//! [`TestServer`](crate::testing::TestServer): hyper, with a guard on each connection that
//! closes it when its client is slow to send a request's headers (or sends none), and a graceful
//! shutdown that lets in-flight requests finish.
//!
//! `axum::serve` has no header read timeout; hyper's own (`header_read_timeout`) arms a new
//! timer for every request, which cost the load test 5 to 9 % of its throughput. The guard here
//! is a task a connection with one timer, re-armed once a period, whatever the number of
//! requests: the connection's service counts the requests it starts and the answers still being
//! sent, and when the timer fires the guard closes the connection (aborts its task) if, over the
//! whole period, no request started and none was in progress. A client thus has between one and two periods to send a
//! request's headers, counted from the end of its previous answer (exactly one from the
//! connection, for its first request).
//!
//! Being measured: the connections go through hyper-util's `auto` builder (HTTP/1.1 and HTTP/2
//! cleartext with prior knowledge), and `WEBHOOK_HEADER_TIMEOUT_IMPL=hyper` replaces the guard
//! by hyper's `header_read_timeout` (tokio's timer) with one timer a connection for its first
//! request, for an A/B run of `benches/load/run.sh`.

use std::convert::Infallible;
use std::future::Future;
use std::pin::Pin;
use std::sync::atomic::{AtomicBool, AtomicU64, AtomicUsize, Ordering};
use std::sync::Arc;
use std::task::{Context, Poll};
use std::time::Duration;

use axum::body::Body;
use axum::Router;
use bytes::Bytes;
use hyper::body::{Frame, Incoming, SizeHint};
use hyper_util::rt::{TokioExecutor, TokioIo, TokioTimer};
use hyper_util::server::conn::auto;
use hyper_util::server::graceful::GracefulShutdown;
use tokio::net::TcpListener;
use tokio::sync::Notify;
use tower::Service;

/// Serves `router` on `listener` until `signal` completes, then waits for the connections in
/// flight. A client has `header_read_timeout` (to twice that) to send a request's headers
/// (`None`: forever).
pub(crate) async fn serve_router<F>(
    listener: TcpListener,
    router: Router,
    header_read_timeout: Option<Duration>,
    signal: F,
) -> std::io::Result<()>
where
    F: Future<Output = ()> + Send + 'static,
{
    // For the A/B load test only (removed once measured): which header read timeout to run,
    // hyper's timer (`hyper`) or the guard task a connection (anything else).
    let hyper_timer = std::env::var("WEBHOOK_HEADER_TIMEOUT_IMPL").as_deref() == Ok("hyper");
    tracing::warn!(hyper_timer, "header read timeout implementation");
    let mut builder = auto::Builder::new(TokioExecutor::new());
    if hyper_timer {
        builder
            .http1()
            .timer(TokioTimer::new())
            .header_read_timeout(header_read_timeout);
    }
    builder
        .http2()
        .timer(TokioTimer::new())
        .keep_alive_interval(header_read_timeout);
    if let Some(timeout) = header_read_timeout {
        builder.http2().keep_alive_timeout(timeout);
    }
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
                if hyper_timer {
                    let seen = Arc::new(AtomicBool::new(false));
                    let service = FirstRequest {
                        router: router.clone(),
                        seen: Arc::clone(&seen),
                    };
                    let connection = graceful.watch(
                        builder.serve_connection(TokioIo::new(stream), service).into_owned(),
                    );
                    tokio::spawn(async move {
                        let mut connection = std::pin::pin!(connection);
                        let result = match header_read_timeout {
                            None => connection.await,
                            Some(period) => tokio::select! {
                                result = connection.as_mut() => result,
                                () = tokio::time::sleep(period) => {
                                    if !seen.load(Ordering::Relaxed) {
                                        tracing::debug!("closing a connection that sent no request in time");
                                        return;
                                    }
                                    connection.await
                                }
                            },
                        };
                        if let Err(error) = result {
                            tracing::debug!(%error, "connection closed with an error");
                        }
                    });
                    continue;
                }
                let activity = Arc::new(Activity::default());
                let service = Counted {
                    router: router.clone(),
                    activity: Arc::clone(&activity),
                };
                let connection = graceful.watch(
                    builder.serve_connection(TokioIo::new(stream), service).into_owned(),
                );
                let served = Arc::clone(&activity);
                let task = tokio::spawn(async move {
                    if let Err(error) = connection.await {
                        tracing::debug!(%error, "connection closed with an error");
                    }
                    served.closed.notify_one();
                });
                // The guard is a task of its own, woken once a period: the connection's task
                // does not poll a timer on each of its wake-ups.
                if let Some(period) = header_read_timeout {
                    let connection = task.abort_handle();
                    tokio::spawn(async move {
                        if activity.idle(period).await {
                            tracing::debug!("closing a connection that sent no request headers in time");
                            connection.abort();
                        }
                    });
                }
            }
            () = &mut signal => break,
        }
    }
    drop(listener);
    graceful.shutdown().await;
    Ok(())
}

/// The router as a connection's hyper service, noting that a request came.
struct FirstRequest {
    router: Router,
    seen: Arc<AtomicBool>,
}

impl hyper::service::Service<http::Request<Incoming>> for FirstRequest {
    type Response = http::Response<Body>;
    type Error = Infallible;
    type Future = <Router as Service<http::Request<Incoming>>>::Future;

    fn call(&self, request: http::Request<Incoming>) -> Self::Future {
        if !self.seen.load(Ordering::Relaxed) {
            self.seen.store(true, Ordering::Relaxed);
        }
        self.router.clone().call(request)
    }
}

/// What a connection's guard watches.
#[derive(Debug, Default)]
struct Activity {
    /// Requests started (their headers read) on the connection.
    started: AtomicU64,
    /// Requests whose answer is not fully sent yet.
    in_flight: AtomicUsize,
    /// Notified when the connection ends.
    closed: Notify,
}

impl Activity {
    /// Completes at the end of a period in which no request started, no request was in
    /// progress, and none was at the end of the period before: a client always has at least one
    /// whole period after an answer (or after connecting) to send its next request's headers,
    /// and at most two.
    /// `true` then; `false` when the connection ends first.
    async fn idle(&self, period: Duration) -> bool {
        let timer = tokio::time::sleep(period);
        tokio::pin!(timer);
        let mut seen = self.started.load(Ordering::Relaxed);
        let mut was_busy = false;
        loop {
            tokio::select! {
                () = timer.as_mut() => {}
                () = self.closed.notified() => return false,
            }
            let started = self.started.load(Ordering::Relaxed);
            let busy = self.in_flight.load(Ordering::Relaxed) > 0;
            if started == seen && !busy && !was_busy {
                return true;
            }
            seen = started;
            was_busy = busy;
            timer.as_mut().reset(tokio::time::Instant::now() + period);
        }
    }
}

/// A request in progress, until its answer's body is sent (or dropped).
#[derive(Debug)]
struct InFlight(Arc<Activity>);

impl InFlight {
    fn start(activity: &Arc<Activity>) -> Self {
        activity.started.fetch_add(1, Ordering::Relaxed);
        activity.in_flight.fetch_add(1, Ordering::Relaxed);
        Self(Arc::clone(activity))
    }
}

impl Drop for InFlight {
    fn drop(&mut self) {
        self.0.in_flight.fetch_sub(1, Ordering::Relaxed);
    }
}

/// The router as a connection's hyper service, counting its requests.
struct Counted {
    router: Router,
    activity: Arc<Activity>,
}

impl hyper::service::Service<http::Request<Incoming>> for Counted {
    type Response = http::Response<Tracked>;
    type Error = Infallible;
    type Future = Answer<<Router as Service<http::Request<Incoming>>>::Future>;

    fn call(&self, request: http::Request<Incoming>) -> Self::Future {
        Answer {
            inner: self.router.clone().call(request),
            in_flight: Some(InFlight::start(&self.activity)),
        }
    }
}

/// The router's answer, its body carrying the request's [`InFlight`] mark.
struct Answer<F> {
    inner: F,
    in_flight: Option<InFlight>,
}

impl<F> Future for Answer<F>
where
    F: Future<Output = Result<http::Response<Body>, Infallible>> + Unpin,
{
    type Output = Result<http::Response<Tracked>, Infallible>;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        let this = self.get_mut();
        let Poll::Ready(Ok(response)) = Pin::new(&mut this.inner).poll(cx) else {
            return Poll::Pending;
        };
        let in_flight = this.in_flight.take();
        Poll::Ready(Ok(response.map(|body| Tracked {
            body,
            _in_flight: in_flight,
        })))
    }
}

/// An answer's body; the request stops being in flight when hyper drops it, sent.
struct Tracked {
    body: Body,
    _in_flight: Option<InFlight>,
}

impl hyper::body::Body for Tracked {
    type Data = Bytes;
    type Error = axum::Error;

    fn poll_frame(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
    ) -> Poll<Option<Result<Frame<Bytes>, axum::Error>>> {
        Pin::new(&mut self.get_mut().body).poll_frame(cx)
    }

    fn is_end_stream(&self) -> bool {
        self.body.is_end_stream()
    }

    fn size_hint(&self) -> SizeHint {
        self.body.size_hint()
    }
}
