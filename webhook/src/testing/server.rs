//! A webhook served on a loopback port for the duration of a test.

use std::net::SocketAddr;

use tokio::net::TcpListener;
use tokio::sync::oneshot;
use tokio::task::JoinHandle;

use super::client::TestClient;
use crate::http_server::serve_router;
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
    /// Serves `webhook` on `127.0.0.1:0`.
    pub async fn spawn<S: Send + Sync + 'static>(webhook: Webhook<S>) -> std::io::Result<Self> {
        let header_read_timeout = webhook.header_read_timeout_value();
        Self::serve(webhook.into_router(), header_read_timeout).await
    }

    /// Serves any router on `127.0.0.1:0`, with the default header read timeout.
    pub async fn spawn_router(router: axum::Router) -> std::io::Result<Self> {
        Self::serve(router, Some(crate::DEFAULT_HEADER_READ_TIMEOUT)).await
    }

    async fn serve(
        router: axum::Router,
        header_read_timeout: Option<std::time::Duration>,
    ) -> std::io::Result<Self> {
        let listener = TcpListener::bind(("127.0.0.1", 0)).await?;
        let addr = listener.local_addr()?;
        let (stop, stopped) = oneshot::channel::<()>();
        let task = tokio::spawn(async move {
            serve_router(listener, router, header_read_timeout, async move {
                let _ = stopped.await;
            })
            .await
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

    /// Starts a graceful shutdown and waits until in-flight requests are done.
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
