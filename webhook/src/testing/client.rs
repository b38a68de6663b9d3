//! A client that sends requests to a webhook, in process or over HTTP.

use std::time::SystemTime;

use axum::body::Body;
use axum::Router;
use bytes::Bytes;
use http::{header, HeaderMap, HeaderName, HeaderValue, Method, StatusCode, Uri};
use http_body_util::BodyExt;
use hyper_util::client::legacy::connect::HttpConnector;
use hyper_util::client::legacy::Client;
use hyper_util::rt::TokioExecutor;
use serde_json::Value;
use tower::ServiceExt;

use super::signer::{http_date, Signer};
use crate::senders::{Outgoing, Preset, SigningKey};
use crate::Webhook;

#[derive(Clone)]
enum Transport {
    InProcess(Router),
    Http {
        base: String,
        // Boxed: with hyper-util's `http2` feature the client's configuration is large.
        client: Box<Client<HttpConnector, Body>>,
    },
}

/// Sends requests to a webhook and returns status, headers and body.
///
/// In process ([`TestClient::new`], no socket) or over HTTP ([`TestClient::http`]). Requests
/// carry a `Date` of now unless told otherwise, and are signed by the client's [`Signer`].
#[derive(Clone)]
pub struct TestClient {
    transport: Transport,
    signer: Signer,
}

impl std::fmt::Debug for TestClient {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let target = match &self.transport {
            Transport::InProcess(_) => "in process",
            Transport::Http { base, .. } => base.as_str(),
        };
        f.debug_struct("TestClient")
            .field("target", &target)
            .field("signer", &self.signer)
            .finish()
    }
}

impl TestClient {
    /// A client calling `webhook` in process.
    pub fn new<S: Send + Sync + 'static>(webhook: Webhook<S>) -> Self {
        Self::router(webhook.into_router())
    }

    /// A client calling any router in process.
    pub fn router(router: Router) -> Self {
        Self {
            transport: Transport::InProcess(router),
            signer: Signer::new(),
        }
    }

    /// A client calling the server at `base_url` (`http://127.0.0.1:8000`) over HTTP/1.1.
    pub fn http(base_url: impl Into<String>) -> Self {
        let client = Box::new(Client::builder(TokioExecutor::new()).build_http());
        Self {
            transport: Transport::Http {
                base: base_url.into().trim_end_matches('/').to_owned(),
                client,
            },
            signer: Signer::new(),
        }
    }

    /// Signs every request with `signer`.
    pub fn signer(mut self, signer: Signer) -> Self {
        self.signer = signer;
        self
    }

    /// A `POST /` request with `body`.
    pub fn post(&self, body: impl Into<Bytes>) -> TestRequest<'_> {
        TestRequest {
            client: self,
            method: Method::POST,
            path: "/".to_owned(),
            headers: HeaderMap::new(),
            body: body.into(),
            date: DateMode::Now,
            signed: true,
            sender: None,
            tampered: None,
        }
    }

    /// A `POST` to `path` with `body`, signed as the sender preset `preset` signs with `key`
    /// (a secret, or Discord's and SendGrid's private key): a signed Stripe event in one line.
    /// Its content type is JSON when the body is an object or an array, a form otherwise.
    ///
    /// ```
    /// # async fn run() {
    /// use clustaar_webhook::http::HttpRoute;
    /// use clustaar_webhook::senders::{Sender, SenderEvent};
    /// use clustaar_webhook::testing::TestClient;
    /// use clustaar_webhook::{StatusCode, Webhook};
    ///
    /// let route = HttpRoute::new(http::Method::POST, "/stripe", |event: SenderEvent| async move {
    ///     event.event.unwrap_or_default()
    /// })
    /// .sender(Sender::new("stripe", ["whsec_test"]).unwrap());
    /// let client = TestClient::new(Webhook::new().http_route(route));
    /// let body = r#"{"id": "evt_1", "type": "invoice.paid"}"#;
    /// let response = client.post_as("stripe", "whsec_test", "/stripe", body).send().await;
    /// assert_eq!(response.status(), StatusCode::OK);
    /// assert_eq!(response.text(), "invoice.paid");
    /// # }
    /// # tokio::runtime::Runtime::new().unwrap().block_on(run());
    /// ```
    ///
    /// # Panics
    ///
    /// When no preset is called `preset`: a bug in the test.
    pub fn post_as(
        &self,
        preset: &str,
        key: impl Into<SigningKey>,
        path: &str,
        body: impl Into<Bytes>,
    ) -> TestRequest<'_> {
        let preset = crate::senders::preset(preset)
            .unwrap_or_else(|| panic!("no sender preset is called {preset:?}"));
        let body = body.into();
        // Providers send JSON, or forms (Twilio); `.header` sets another type.
        let content_type = match body.iter().find(|byte| !byte.is_ascii_whitespace()) {
            Some(b'{' | b'[') => "application/json",
            _ => "application/x-www-form-urlencoded",
        };
        let mut request = self
            .post(body)
            .unsigned()
            .path(path)
            .without_date()
            .header(header::CONTENT_TYPE, content_type);
        request.sender = Some((preset, key.into(), SystemTime::now()));
        request
    }

    /// A request with any method and path, without body.
    pub fn request(&self, method: Method, path: &str) -> TestRequest<'_> {
        let mut request = self.post(Bytes::new());
        request.method = method;
        request.path = path.to_owned();
        request
    }

    /// Posts the JSON `notification`, dated now and signed.
    pub async fn notify(&self, notification: &Value) -> TestResponse {
        self.post(serde_json::to_vec(notification).unwrap_or_default())
            .header(header::CONTENT_TYPE, "application/json")
            .send()
            .await
    }
}

#[derive(Debug, Clone)]
enum DateMode {
    Now,
    Fixed(String),
    Absent,
}

/// A request being built by a [`TestClient`].
#[derive(Debug)]
pub struct TestRequest<'a> {
    client: &'a TestClient,
    method: Method,
    path: String,
    headers: HeaderMap,
    body: Bytes,
    date: DateMode,
    signed: bool,
    /// Signed as a provider signs, at a time, when sent.
    sender: Option<(&'static Preset, SigningKey, SystemTime)>,
    /// Sent instead of the signed body.
    tampered: Option<Bytes>,
}

impl TestRequest<'_> {
    /// Adds a header (replacing one of the same name). An invalid header panics: it is a bug in
    /// the test.
    pub fn header<K, V>(mut self, name: K, value: V) -> Self
    where
        K: TryInto<HeaderName>,
        K::Error: std::fmt::Debug,
        V: TryInto<HeaderValue>,
        V::Error: std::fmt::Debug,
    {
        self.headers.insert(
            name.try_into().expect("a valid header name"),
            value.try_into().expect("a valid header value"),
        );
        self
    }

    /// Adds a header, keeping any other value of the same name (to send a header twice).
    pub fn append_header<K, V>(mut self, name: K, value: V) -> Self
    where
        K: TryInto<HeaderName>,
        K::Error: std::fmt::Debug,
        V: TryInto<HeaderValue>,
        V::Error: std::fmt::Debug,
    {
        self.headers.append(
            name.try_into().expect("a valid header name"),
            value.try_into().expect("a valid header value"),
        );
        self
    }

    /// Sets the body.
    pub fn body(mut self, body: impl Into<Bytes>) -> Self {
        self.body = body.into();
        self
    }

    /// Removes a header the signer or the defaults would add.
    pub fn without_header(mut self, name: HeaderName) -> Self {
        self.headers.insert(name, HeaderValue::from_static(""));
        self
    }

    /// Sends this `Date` instead of now.
    pub fn date(mut self, date: impl Into<String>) -> Self {
        self.date = DateMode::Fixed(date.into());
        self
    }

    /// Sends no `Date` header.
    pub fn without_date(mut self) -> Self {
        self.date = DateMode::Absent;
        self
    }

    /// Sends the request without the signer's headers.
    pub fn unsigned(mut self) -> Self {
        self.signed = false;
        self
    }

    /// Signs as the sender preset at `time` instead of now (a stale timestamp, a recorded
    /// vector). Only for requests made with [`TestClient::post_as`].
    pub fn signed_at(mut self, time: SystemTime) -> Self {
        if let Some((_, _, at)) = &mut self.sender {
            *at = time;
        }
        self
    }

    /// Sends `body` in place of the body that was signed: a body changed in transit. Only for
    /// requests made with [`TestClient::post_as`].
    pub fn tampered_body(mut self, body: impl Into<Bytes>) -> Self {
        self.tampered = Some(body.into());
        self
    }

    /// Sets the path (default `/`).
    pub fn path(mut self, path: &str) -> Self {
        self.path = path.to_owned();
        self
    }

    /// Sends the request. A transport failure panics: it is a failure of the test (use
    /// [`try_send`](TestRequest::try_send) to handle it).
    pub async fn send(self) -> TestResponse {
        match self.try_send().await {
            Ok(response) => response,
            Err(error) => panic!("{error}"),
        }
    }

    /// Sends the request; fails when the server cannot be reached or the URI is invalid.
    pub async fn try_send(self) -> Result<TestResponse, SendError> {
        let date = match &self.date {
            DateMode::Now => Some(http_date(SystemTime::now())),
            DateMode::Fixed(date) => Some(date.clone()),
            DateMode::Absent => None,
        };
        let mut headers = if self.signed {
            self.client.signer.headers(&self.body, date.as_deref())
        } else {
            let mut headers = HeaderMap::new();
            if let Some(date) = date.as_deref().and_then(|d| HeaderValue::from_str(d).ok()) {
                headers.insert(header::DATE, date);
            }
            headers
        };
        for name in self.headers.keys() {
            headers.remove(name);
            for value in self.headers.get_all(name) {
                if !value.is_empty() {
                    headers.append(name.clone(), value.clone());
                }
            }
        }
        let base = match &self.client.transport {
            // In process there is no `Host`: the webhook takes the URL as `http://localhost`.
            Transport::InProcess(_) => "http://localhost",
            Transport::Http { base, .. } => base.as_str(),
        };
        let mut path = self.path.clone();
        let mut body = self.body;
        if let Some((preset, key, at)) = &self.sender {
            // The provider's headers, and its URL and body where it rewrites them.
            let mut outgoing = Outgoing {
                method: self.method.clone(),
                url: format!("{base}{path}"),
                headers: headers.clone(),
                body: body.to_vec(),
            };
            (preset.sign)(key, &mut outgoing, *at);
            path = outgoing
                .url
                .strip_prefix(base)
                .map_or_else(|| outgoing.url.clone(), str::to_owned);
            body = self.tampered.unwrap_or_else(|| Bytes::from(outgoing.body));
            for (name, value) in &outgoing.headers {
                if !self.headers.contains_key(name) {
                    headers.insert(name.clone(), value.clone());
                }
            }
        }
        let uri = match &self.client.transport {
            Transport::InProcess(_) => path,
            Transport::Http { base, .. } => format!("{base}{path}"),
        };
        let uri = uri
            .parse::<Uri>()
            .map_err(|error| SendError(format!("invalid URI {uri:?}: {error}")))?;
        let mut request = http::Request::builder()
            .method(self.method)
            .uri(uri)
            .body(Body::from(body))
            .map_err(|error| SendError(error.to_string()))?;
        *request.headers_mut() = headers;
        let (status, headers, body) = match &self.client.transport {
            Transport::InProcess(router) => {
                let response = router
                    .clone()
                    .oneshot(request)
                    .await
                    .map_err(|error| SendError(error.to_string()))?;
                let (parts, body) = response.into_parts();
                let body = body
                    .collect()
                    .await
                    .map_err(|error| SendError(error.to_string()))?
                    .to_bytes();
                (parts.status, parts.headers, body)
            }
            Transport::Http { client, .. } => {
                let response = client
                    .request(request)
                    .await
                    .map_err(|error| SendError(format!("the server does not answer: {error}")))?;
                let (parts, body) = response.into_parts();
                let body = body
                    .collect()
                    .await
                    .map_err(|error| SendError(format!("the answer cannot be read: {error}")))?
                    .to_bytes();
                (parts.status, parts.headers, body)
            }
        };
        Ok(TestResponse {
            status,
            headers,
            body,
        })
    }
}

/// A request that could not be sent or whose answer could not be read.
#[derive(Debug, Clone, thiserror::Error)]
#[error("{0}")]
pub struct SendError(String);

/// What the webhook answered.
#[derive(Debug, Clone)]
pub struct TestResponse {
    status: StatusCode,
    headers: HeaderMap,
    body: Bytes,
}

impl TestResponse {
    /// The status.
    pub fn status(&self) -> StatusCode {
        self.status
    }

    /// The headers.
    pub fn headers(&self) -> &HeaderMap {
        &self.headers
    }

    /// The body.
    pub fn body(&self) -> &Bytes {
        &self.body
    }

    /// The body as text.
    pub fn text(&self) -> String {
        String::from_utf8_lossy(&self.body).into_owned()
    }

    /// The body as JSON; a body that is not JSON panics with the body in the message.
    pub fn json(&self) -> Value {
        serde_json::from_slice(&self.body)
            .unwrap_or_else(|error| panic!("the body is not JSON ({error}): {}", self.text()))
    }
}
