//! A webhook served on a loopback port for the duration of a test.

use std::net::SocketAddr;

use tokio::net::TcpListener;
use tokio::sync::oneshot;
use tokio::task::JoinHandle;

use super::client::TestClient;
use crate::http_server::{serve_router, Drain, ServeOptions};
use crate::pipeline::Routes;
use crate::Webhook;

/// A webhook served on `127.0.0.1` on a free port by the server of
/// [`Webhook::serve`] (HTTP/1.1, and HTTP/2 with prior knowledge), stopped gracefully by
/// [`shutdown`](TestServer::shutdown) (or aborted when dropped).
#[derive(Debug)]
pub struct TestServer {
    addr: SocketAddr,
    stop: Option<oneshot::Sender<()>>,
    task: Option<JoinHandle<std::io::Result<()>>>,
}

impl TestServer {
    /// Serves `webhook` on `127.0.0.1:0`, as [`Webhook::serve`] would: its probes turn ready,
    /// and [`shutdown`](TestServer::shutdown) drains it with its drain delay and shutdown
    /// timeout. A [`metrics_addr`](Webhook::metrics_addr) is not bound: the metrics are
    /// served on the test server's address behind the
    /// [`metrics_token`](Webhook::metrics_token) when one is set (as `serve` does without a
    /// metrics address), and not at all otherwise.
    ///
    /// Durable routes (the `durable` feature) work as under `serve`: their store is opened
    /// from the webhook's [`inbox`](Webhook::inbox) settings (give a test its own data
    /// directory) and their workers run until the shutdown.
    ///
    /// # Errors
    ///
    /// The loopback port cannot be bound, or the durable routes' store cannot be opened (an
    /// `io::Error` from [`ServeError`](crate::ServeError)).
    ///
    /// # Panics
    ///
    /// As [`Webhook::into_router`], on an error of the webhook's configuration (a
    /// [`PathConflict`](crate::PathConflict), a missing state, a sender without its secret).
    pub async fn spawn<S: Send + Sync + 'static>(webhook: Webhook<S>) -> std::io::Result<Self> {
        let webhook = webhook.metrics_addr(None);
        #[cfg(feature = "durable")]
        let (built, workers) = match webhook.build_with_inbox().await {
            Ok(built) => built,
            Err(error) if error.is_configuration() => panic!("{error}"),
            Err(error) => return Err(error.into()),
        };
        #[cfg(not(feature = "durable"))]
        let built = match webhook.build() {
            Ok(built) => built,
            Err(error) => panic!("{error}"),
        };
        Self::serve(
            built.routes,
            ServeOptions {
                header_read_timeout: built.header_read_timeout,
                drain: built.drain,
                readiness: Some(built.readiness),
                in_flight: Some(built.in_flight),
                connections: built.connections,
                #[cfg(feature = "durable")]
                workers,
            },
        )
        .await
    }

    /// Serves any router on `127.0.0.1:0`, with the default header read timeout.
    pub async fn spawn_router(router: axum::Router) -> std::io::Result<Self> {
        Self::serve(
            router.into(),
            ServeOptions {
                header_read_timeout: Some(crate::DEFAULT_HEADER_READ_TIMEOUT),
                drain: Drain {
                    delay: std::time::Duration::ZERO,
                    timeout: None,
                },
                readiness: None,
                in_flight: None,
                connections: None,
                #[cfg(feature = "durable")]
                workers: None,
            },
        )
        .await
    }

    async fn serve(routes: Routes, options: ServeOptions) -> std::io::Result<Self> {
        let listener = TcpListener::bind(("127.0.0.1", 0)).await?;
        let addr = listener.local_addr()?;
        let (stop, stopped) = oneshot::channel::<()>();
        let task = tokio::spawn(async move {
            serve_router(listener, routes, options, async move {
                let _ = stopped.await;
            })
            .await
            .map_err(std::io::Error::from)
        });
        Ok(Self {
            addr,
            stop: Some(stop),
            task: Some(task),
        })
    }

    /// The address served.
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// `http://127.0.0.1:<port>`.
    pub fn url(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// A client sending to this server over HTTP.
    pub fn client(&self) -> TestClient {
        TestClient::http(self.url())
    }

    /// Starts a graceful shutdown and waits until in-flight requests are done (an error of
    /// kind `TimedOut` when the webhook's shutdown timeout cut some: its inner error is a
    /// [`ShutdownTimedOut`](crate::ops::ShutdownTimedOut)).
    pub async fn shutdown(mut self) -> std::io::Result<()> {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        match self.task.take() {
            Some(task) => task.await.map_err(std::io::Error::other)?,
            None => Ok(()),
        }
    }
}

impl Drop for TestServer {
    fn drop(&mut self) {
        if let Some(task) = self.task.take() {
            task.abort();
        }
    }
}
