//! An HTTP/1.1 connection that gives hyper's buffers back while it waits for its next request.
//!
//! hyper keeps two 8 KiB buffers for each HTTP/1.1 connection for as long as it lives, and
//! has no setting to shrink them: 2,000 idle keep-alive connections held 28 MB of them
//! (`benches/load/idle.sh`). So the server does not keep a hyper connection while nothing is
//! sent: once an exchange is over (the request read to its end, the answer written and
//! flushed) and the socket has had nothing to read for [`IDLE_GRACE`], [`IdleIo`] answers
//! hyper's read with an end of stream. hyper takes it as a client closing an idle connection
//! and ends cleanly, without shutting the socket down (`IdleIo` leaves it open); the server
//! takes the socket back ([`http1::Connection::into_parts`]), waits until it is readable again
//! with no buffer at all, and gives it to a new hyper connection.
//!
//! Whether an exchange is over is seen from outside hyper: the connection's [`Exchange`]
//! counts what is still going on, the request's body until it has been read to its end and
//! the answer until hyper has dropped its body ([`RequestBody`], [`ResponseBody`]); what hyper
//! wrote is flushed when the socket's `poll_flush` has been called since the last write (hyper
//! flushes its buffer to the socket before). Anything unclear keeps the connection as hyper
//! has it, as before: a request whose body the handler left unread (hyper drains or closes
//! it), a body kept by the handler past its answer, a read that brings bytes.
//!
//! A client that pipelines may have sent part of its next request already: hyper then has
//! those bytes in its buffer when the end of stream comes, ends with an incomplete message
//! (it writes nothing for it), and hands the bytes back with the socket; the next hyper
//! connection reads them first ([`IdleIo::resume`]). Such a connection is not released again
//! until that request has been dispatched, so a client trickling a long header is not copied
//! over and over.
//!
//! [`http1::Connection::into_parts`]: hyper::server::conn::http1::Connection::into_parts

use std::future::Future;
use std::io;
use std::pin::Pin;
use std::sync::atomic::{AtomicU32, Ordering};
use std::sync::Arc;
use std::task::{ready, Context, Poll};

use axum::body::Body;
use bytes::{Buf, Bytes};
use hyper::body::{Frame, Incoming, SizeHint};
use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};
use tokio::net::TcpStream;
use tokio::time::{Duration, Instant, Sleep};

/// How long a connection waits for its next request before it is released. A client sending
/// its requests back to back keeps its hyper connection: a new one costs about 4,000
/// instructions (a microsecond or two), a lot for requests that come every 50 µs, nothing for
/// one that waited 10 ms. It is short so that the buffers of many connections opened in a
/// burst are not all held at once (glibc keeps the memory of a peak).
pub(crate) const IDLE_GRACE: Duration = Duration::from_millis(10);

/// The request's body is still being read.
const REQUEST: u32 = 1;
/// The answer is still being written (hyper holds its body).
const ANSWER: u32 = 2;
/// The generation counts the connection's requests, above the two bits.
const GENERATION: u32 = 4;

/// What a connection's current exchange still has going on: a generation a request (so that
/// a body outliving its exchange cannot clear the next one's bits) and a bit for each of the
/// request's body and the answer. Shared by the connection's service, the bodies it hands
/// out, and its [`IdleIo`].
#[derive(Debug, Default)]
pub(crate) struct Exchange(AtomicU32);

impl Exchange {
    /// A request was dispatched; `body` says whether it has a body still to read. Returns what
    /// the request's body and answer clear when they are done.
    pub(crate) fn start(self: &Arc<Self>, body: bool) -> Watch {
        let generation = (self.0.load(Ordering::Relaxed) & !(REQUEST | ANSWER))
            .wrapping_add(GENERATION)
            .max(GENERATION);
        let request = if body { REQUEST } else { 0 };
        self.0
            .store(generation | request | ANSWER, Ordering::Release);
        Watch {
            exchange: Arc::clone(self),
            generation,
        }
    }

    /// Whether a request has been dispatched on this connection.
    pub(crate) fn started(&self) -> bool {
        self.generation() != 0
    }

    /// The current request's number (0 before the first), changing with each request.
    pub(crate) fn generation(&self) -> u32 {
        self.0.load(Ordering::Relaxed) & !(REQUEST | ANSWER)
    }

    /// Whether the current exchange, if any, is over: its request read to its end, its answer
    /// handed back by hyper.
    fn is_over(&self) -> bool {
        self.0.load(Ordering::Acquire) & (REQUEST | ANSWER) == 0
    }
}

/// An exchange's generation, to clear one of its bits when done.
#[derive(Debug, Clone)]
pub(crate) struct Watch {
    exchange: Arc<Exchange>,
    generation: u32,
}

impl Watch {
    /// Clears `part` if the exchange is still this one.
    fn done(&self, part: u32) {
        let mut current = self.exchange.0.load(Ordering::Relaxed);
        while current & !(REQUEST | ANSWER) == self.generation && current & part != 0 {
            match self.exchange.0.compare_exchange_weak(
                current,
                current & !part,
                Ordering::Release,
                Ordering::Relaxed,
            ) {
                Ok(_) => return,
                Err(now) => current = now,
            }
        }
    }
}

/// A request's body that tells its [`Exchange`] when hyper has read all of it: the last frame
/// taken, or a body with nothing left when it is dropped.
#[derive(Debug)]
pub(crate) struct RequestBody {
    inner: Incoming,
    /// `None` once the end has been told (or for a request with no body).
    watch: Option<Watch>,
}

impl RequestBody {
    pub(crate) fn new(inner: Incoming, watch: Option<Watch>) -> Self {
        Self { inner, watch }
    }

    fn end(&mut self) {
        if let Some(watch) = self.watch.take() {
            watch.done(REQUEST);
        }
    }
}

impl hyper::body::Body for RequestBody {
    type Data = Bytes;
    type Error = hyper::Error;

    fn poll_frame(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
    ) -> Poll<Option<Result<Frame<Bytes>, hyper::Error>>> {
        let frame = ready!(Pin::new(&mut self.inner).poll_frame(cx));
        match &frame {
            None => self.end(),
            Some(Ok(_)) if self.inner.is_end_stream() => self.end(),
            Some(_) => {}
        }
        Poll::Ready(frame)
    }

    fn is_end_stream(&self) -> bool {
        self.inner.is_end_stream()
    }

    fn size_hint(&self) -> SizeHint {
        self.inner.size_hint()
    }
}

impl Drop for RequestBody {
    fn drop(&mut self) {
        if hyper::body::Body::is_end_stream(&self.inner) {
            self.end();
        }
    }
}

/// An answer's body that tells its [`Exchange`] when hyper is done with it (drops it: written
/// to its end, or abandoned with the connection).
#[derive(Debug)]
pub(crate) struct ResponseBody {
    inner: Body,
    watch: Watch,
}

impl hyper::body::Body for ResponseBody {
    type Data = Bytes;
    type Error = axum::Error;

    fn poll_frame(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
    ) -> Poll<Option<Result<Frame<Bytes>, axum::Error>>> {
        Pin::new(&mut self.inner).poll_frame(cx)
    }

    fn is_end_stream(&self) -> bool {
        self.inner.is_end_stream()
    }

    fn size_hint(&self) -> SizeHint {
        self.inner.size_hint()
    }
}

impl Drop for ResponseBody {
    fn drop(&mut self) {
        self.watch.done(ANSWER);
    }
}

/// The router's future, its answer's body wrapped in a [`ResponseBody`].
pub(crate) struct ResponseFuture<F> {
    inner: F,
    watch: Option<Watch>,
}

impl<F> ResponseFuture<F> {
    pub(crate) fn new(inner: F, watch: Watch) -> Self {
        Self {
            inner,
            watch: Some(watch),
        }
    }
}

impl<F, E> Future for ResponseFuture<F>
where
    F: Future<Output = Result<http::Response<Body>, E>> + Unpin,
{
    type Output = Result<http::Response<ResponseBody>, E>;

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        let response = ready!(Pin::new(&mut self.inner).poll(cx))?;
        let watch = self
            .watch
            .take()
            .expect("a ResponseFuture polled after its answer");
        Poll::Ready(Ok(response.map(|inner| ResponseBody { inner, watch })))
    }
}

/// A connection's socket as hyper's HTTP/1.1 connection sees it: the bytes a previous hyper
/// connection read and did not use come first; a read that finds nothing once the exchange is
/// over ends the stream (`released`), and the shutdown that follows leaves the socket open.
#[derive(Debug)]
pub(crate) struct IdleIo {
    stream: TcpStream,
    exchange: Arc<Exchange>,
    /// Read before the socket.
    leftover: Bytes,
    /// Bytes written since the last flush.
    unflushed: bool,
    /// The end of stream given to hyper was this type's, not the client's.
    released: bool,
    /// Not released before this generation has passed (set when resuming with a part of a
    /// request).
    hold: Option<u32>,
    /// Ends [`IDLE_GRACE`] after the exchange of `grace_generation` (made on the first wait,
    /// dropped with each release).
    grace: Option<Pin<Box<Sleep>>>,
    grace_generation: u32,
}

impl IdleIo {
    pub(crate) fn new(stream: TcpStream, exchange: Arc<Exchange>) -> Self {
        Self {
            stream,
            exchange,
            leftover: Bytes::new(),
            unflushed: false,
            released: false,
            hold: None,
            grace: None,
            grace_generation: 0,
        }
    }

    /// Whether the last hyper connection ended on this type's end of stream (the client is
    /// still there).
    pub(crate) fn released(&self) -> bool {
        self.released
    }

    /// The socket, to wait on while no hyper connection has it.
    pub(crate) fn stream(&self) -> &TcpStream {
        &self.stream
    }

    /// Ready for the next hyper connection, which reads `leftover` first (what the last one
    /// read and did not use: part of a request).
    pub(crate) fn resume(&mut self, leftover: Bytes) {
        self.hold = (!leftover.is_empty()).then(|| self.exchange.generation());
        // A view of hyper's read buffer, empty or not, keeps all of it (8 KiB): copied out.
        self.leftover = if leftover.is_empty() {
            Bytes::new()
        } else {
            Bytes::copy_from_slice(&leftover)
        };
        self.released = false;
    }

    /// Whether hyper is between exchanges with nothing unwritten, so that the connection can
    /// be released.
    fn may_release(&self) -> bool {
        !self.unflushed
            && self.exchange.is_over()
            && self
                .hold
                .is_none_or(|generation| generation != self.exchange.generation())
    }

    /// Whether [`IDLE_GRACE`] has passed since the exchange ended (its start is the first call
    /// after the exchange); if not, the task is woken when it has.
    fn idle_long_enough(&mut self, cx: &mut Context<'_>) -> bool {
        let generation = self.exchange.generation();
        let grace = match &mut self.grace {
            Some(grace) if self.grace_generation == generation => grace,
            Some(grace) => {
                // Moving a deadline later is an atomic store in tokio's timer, not a lock.
                grace.as_mut().reset(Instant::now() + IDLE_GRACE);
                grace
            }
            None => self.grace.insert(Box::pin(tokio::time::sleep(IDLE_GRACE))),
        };
        self.grace_generation = generation;
        grace.as_mut().poll(cx).is_ready()
    }

    fn release(&mut self) {
        self.released = true;
        self.grace = None;
    }
}

impl AsyncRead for IdleIo {
    fn poll_read(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        if !self.leftover.is_empty() {
            let n = self.leftover.len().min(buf.remaining());
            buf.put_slice(&self.leftover[..n]);
            self.leftover.advance(n);
            return Poll::Ready(Ok(()));
        }
        match Pin::new(&mut self.stream).poll_read(cx, buf) {
            Poll::Pending if self.may_release() && self.idle_long_enough(cx) => {
                self.release();
                Poll::Ready(Ok(()))
            }
            other => other,
        }
    }
}

impl AsyncWrite for IdleIo {
    fn poll_write(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        let written = ready!(Pin::new(&mut self.stream).poll_write(cx, buf))?;
        self.unflushed |= written > 0;
        Poll::Ready(Ok(written))
    }

    fn poll_write_vectored(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        bufs: &[io::IoSlice<'_>],
    ) -> Poll<io::Result<usize>> {
        let written = ready!(Pin::new(&mut self.stream).poll_write_vectored(cx, bufs))?;
        self.unflushed |= written > 0;
        Poll::Ready(Ok(written))
    }

    fn is_write_vectored(&self) -> bool {
        self.stream.is_write_vectored()
    }

    fn poll_flush(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        ready!(Pin::new(&mut self.stream).poll_flush(cx))?;
        self.unflushed = false;
        Poll::Ready(Ok(()))
    }

    fn poll_shutdown(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        if self.released {
            return Poll::Ready(Ok(()));
        }
        Pin::new(&mut self.stream).poll_shutdown(cx)
    }
}

#[cfg(test)]
mod tests {
    use std::convert::Infallible;

    use http_body_util::BodyExt;
    use hyper::server::conn::http1;
    use hyper_util::rt::TokioIo;
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    use tokio::net::TcpListener;

    use super::*;

    const REQUEST_BYTES: &[u8] = b"POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\n\r\nhello";

    /// Serves one hyper connection on `io`, echoing bodies after `delay`, with hyper's header
    /// read timeout `timeout`; returns how it ended and the socket.
    async fn serve(
        io: IdleIo,
        delay: Duration,
        timeout: Option<Duration>,
    ) -> (hyper::Result<()>, IdleIo, Bytes) {
        let exchange = Arc::clone(&io.exchange);
        let service = hyper::service::service_fn(move |request: http::Request<Incoming>| {
            let exchange = Arc::clone(&exchange);
            async move {
                let pending = !hyper::body::Body::is_end_stream(request.body());
                let watch = exchange.start(pending);
                let body = RequestBody::new(request.into_body(), pending.then(|| watch.clone()));
                let bytes = body.collect().await.unwrap().to_bytes();
                tokio::time::sleep(delay).await;
                Ok::<_, Infallible>(http::Response::new(ResponseBody {
                    inner: Body::from(bytes),
                    watch,
                }))
            }
        });
        let mut connection = http1::Builder::new()
            .timer(hyper_util::rt::TokioTimer::new())
            .header_read_timeout(timeout)
            .serve_connection(TokioIo::new(io), service);
        let served = (&mut connection).await;
        let parts = connection.into_parts();
        (served, parts.io.into_inner(), parts.read_buf)
    }

    async fn answer(client: &mut TcpStream) -> Vec<u8> {
        let mut answer = Vec::new();
        while !answer.ends_with(b"hello") {
            let mut buffer = [0; 1024];
            let n = client.read(&mut buffer).await.unwrap();
            assert!(n > 0, "closed");
            answer.extend_from_slice(&buffer[..n]);
        }
        answer
    }

    /// After an exchange and the grace, the hyper connection ends on the socket's behalf; the
    /// socket is open, and a new hyper connection on it serves the client's next request.
    #[tokio::test]
    async fn an_idle_connection_is_released_and_served_again() {
        // The handler answering at once, and after a wait (hyper then reads while the exchange
        // goes on, watching for the client closing); with hyper's header read timeout and
        // without.
        let timeout = Some(Duration::from_secs(10));
        for (delay, timeout) in [
            (Duration::ZERO, timeout),
            (Duration::from_millis(30), timeout),
            (Duration::ZERO, None),
            (Duration::from_millis(30), None),
        ] {
            let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
            let mut client = TcpStream::connect(listener.local_addr().unwrap())
                .await
                .unwrap();
            let (stream, _) = listener.accept().await.unwrap();
            let mut io = IdleIo::new(stream, Arc::default());
            for round in 0..3 {
                client.write_all(REQUEST_BYTES).await.unwrap();
                let started = Instant::now();
                let served = tokio::time::timeout(Duration::from_secs(2), async {
                    let (served, io, leftover) = serve(io, delay, timeout).await;
                    (served, io, leftover)
                });
                let (answer, served) = tokio::join!(answer(&mut client), served);
                let (served, back, leftover) = served
                    .unwrap_or_else(|_| panic!("{delay:?} {timeout:?} {round}: not released"));
                assert!(served.is_ok(), "{delay:?} {timeout:?} {round}: {served:?}");
                assert!(back.released(), "{delay:?} {timeout:?} {round}");
                assert!(leftover.is_empty());
                assert!(started.elapsed() >= IDLE_GRACE + delay);
                assert!(answer.starts_with(b"HTTP/1.1 200 OK\r\n"), "{answer:?}");
                io = back;
                io.resume(leftover);
            }
            assert_eq!(io.exchange.generation(), 3 * GENERATION);
        }
    }

    /// A body outliving its exchange does not clear the next exchange's bits.
    #[test]
    fn a_late_body_does_not_end_the_next_exchange() {
        let exchange = Arc::new(Exchange::default());
        assert!(!exchange.started() && exchange.is_over());
        let first = exchange.start(true);
        assert!(exchange.started() && !exchange.is_over());
        let second = exchange.start(false);
        first.done(REQUEST);
        first.done(ANSWER);
        assert!(!exchange.is_over());
        second.done(ANSWER);
        assert!(exchange.is_over());
    }
}
