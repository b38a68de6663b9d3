//! The whole request path, in process: an arbitrary method, path, headers (`Content-Type`,
//! `Content-Encoding`, `Date`, `X-Hub-Signature`, `Authorization`, ...) and body, through the
//! router of the echo bot (private key, basic auth, a 4 KiB body limit) and its HTTP routes
//! with CEL filters (`webhook_fuzz::server::echo_bot`).
//!
//! The input can ask for a valid signature of the body it sends, a fresh `Date`, the right
//! credentials, and a body compressed for real with the codings it declares, so that the fuzzer
//! gets past the security checks and the decoders to the handlers.
//!
//! Asserted: no panic (a handler's panic, caught as a `500`, aborts too); every status is one
//! of `webhook_fuzz::server::STATUSES`; every answer is a valid `StepReachedResponse` of the echo
//! or hello handler, an HTTP route's answer, or a JSON error (`title`, `description`); a `500`
//! only for an echo of invalid actions; a `200` on `/` only with the valid signature; a body
//! received over the limit is never served; the body an HTTP route receives is never over the
//! limit, and is the content the sender compressed.

#![no_main]

use std::time::{Duration, SystemTime};

use arbitrary::{Arbitrary, Result, Unstructured};
use axum::body::Body;
use base64::Engine;
use clustaar_webhook::http::HmacVerifier;
use clustaar_webhook::security::SignatureVerifier;
use http::{HeaderName, HeaderValue, Method, StatusCode};
use libfuzzer_sys::fuzz_target;
use serde_json::Value;
use webhook_fuzz::codings::{encode_all, Coding, Settings};
use webhook_fuzz::json;
use webhook_fuzz::server::{
    check_notification_answer, echo_bot_router, json_error, send, Answer, BODY_LIMIT,
    GITHUB_SECRET, PASSWORD, PRIVATE_KEY, STATUSES, USERNAME,
};

/// Where the request goes.
#[derive(Debug)]
enum Target {
    /// `/`, the notifications.
    Notifications,
    /// `/hooks/<slug>`, maybe with a query.
    Hooks(String, Option<String>),
    /// `/github`.
    Github,
    /// Anything else.
    Other(String),
}

/// What the `Date` header holds.
#[derive(Debug, Arbitrary)]
enum Date {
    None,
    Now,
    /// Older than the 10 s the webhook accepts.
    Old,
    /// In the future.
    Future,
    Raw(String),
}

/// The `X-Hub-Signature` (and `X-Hub-Signature-256`) headers.
#[derive(Debug, Arbitrary)]
enum Signature {
    None,
    /// The valid signature of the bytes sent.
    Valid,
    /// A valid signature of other bytes.
    OfOtherBytes(Vec<u8>),
    Raw(String),
}

/// The `Authorization` header.
#[derive(Debug, Arbitrary)]
enum Authorization {
    None,
    Valid,
    Basic(String),
    Raw(String),
}

/// The body's content, before any coding.
#[derive(Debug)]
enum Content {
    Notification(Value),
    Json(Value),
    Bytes(Vec<u8>),
}

/// How the body is encoded.
#[derive(Debug)]
struct Encoding {
    /// The `Content-Encoding` tokens, in order.
    tokens: Vec<String>,
    /// Sent as one header (`gzip, br`) or one header each.
    one_header: bool,
    /// Whether the body is really encoded with the codings the tokens name.
    applied: Option<(Vec<Coding>, Settings)>,
}

#[derive(Debug)]
struct Case {
    method: Method,
    target: Target,
    content_type: Option<String>,
    encoding: Encoding,
    date: Date,
    signature: Signature,
    authorization: Authorization,
    headers: Vec<(String, Vec<u8>)>,
    content: Content,
}

const CONTENT_TYPES: &[&str] = &[
    "application/json",
    "application/json; charset=utf-8",
    "APPLICATION/JSON",
    "application/vnd.api+json",
    "application/json-patch+json",
    "text/plain",
    "application/x-www-form-urlencoded",
    "multipart/form-data; boundary=x",
    "json",
    "",
    "application/json;",
    "application/+json",
];

const CODINGS: &[&str] = &[
    "gzip", "x-gzip", "deflate", "br", "identity", "GZIP", "Br", "zstd", "compress", "", " ",
];

const HEADER_NAMES: &[&str] = &[
    "content-type",
    "content-encoding",
    "content-length",
    "date",
    "x-hub-signature",
    "x-hub-signature-256",
    "authorization",
    "x-github-event",
    "x-skip",
    "transfer-encoding",
    "host",
    "x-other",
];

fn method(u: &mut Unstructured) -> Result<Method> {
    Ok(match u.int_in_range(0..=11)? {
        0..=4 => Method::POST,
        5 => Method::GET,
        6 => Method::HEAD,
        7 => Method::PUT,
        8 => Method::DELETE,
        9 => Method::PATCH,
        10 => Method::OPTIONS,
        _ => Method::from_bytes(u.arbitrary::<&str>()?.as_bytes()).unwrap_or(Method::TRACE),
    })
}

fn target(u: &mut Unstructured) -> Result<Target> {
    Ok(match u.int_in_range(0..=7)? {
        0..=3 => Target::Notifications,
        4 | 5 => Target::Hooks(
            json::text(u)?,
            if u.arbitrary()? {
                Some(json::text(u)?)
            } else {
                None
            },
        ),
        6 => Target::Github,
        _ => Target::Other(u.arbitrary()?),
    })
}

fn content(u: &mut Unstructured) -> Result<Content> {
    Ok(match u.int_in_range(0..=5)? {
        0..=2 => Content::Notification(json::notification(u)?),
        3 => Content::Json(json::value(u, 0)?),
        _ => Content::Bytes(u.arbitrary()?),
    })
}

fn encoding(u: &mut Unstructured) -> Result<Encoding> {
    let one_header = u.arbitrary()?;
    if u.ratio(1, 2)? {
        return Ok(Encoding {
            tokens: Vec::new(),
            one_header,
            applied: None,
        });
    }
    if u.ratio(2, 3)? {
        // Real codings: the body is encoded with them.
        let mut codings = Vec::new();
        for _ in 0..u.int_in_range(1..=4)? {
            codings.push(u.arbitrary::<Coding>()?);
        }
        return Ok(Encoding {
            tokens: codings.iter().map(|c| c.name().to_owned()).collect(),
            one_header,
            applied: Some((codings, u.arbitrary()?)),
        });
    }
    let mut tokens = Vec::new();
    for _ in 0..u.int_in_range(1..=4)? {
        tokens.push(if u.ratio(3, 4)? {
            (*u.choose(CODINGS)?).to_owned()
        } else {
            u.arbitrary()?
        });
    }
    Ok(Encoding {
        tokens,
        one_header,
        applied: None,
    })
}

impl<'a> Arbitrary<'a> for Case {
    fn arbitrary(u: &mut Unstructured<'a>) -> Result<Self> {
        let method = method(u)?;
        let target = target(u)?;
        let content_type = match u.int_in_range(0..=5)? {
            0 => None,
            1..=3 => Some(CONTENT_TYPES[0].to_owned()),
            4 => Some((*u.choose(CONTENT_TYPES)?).to_owned()),
            _ => Some(u.arbitrary()?),
        };
        let encoding = encoding(u)?;
        let date = if u.ratio(3, 4)? {
            Date::Now
        } else {
            u.arbitrary()?
        };
        let signature = if u.ratio(3, 4)? {
            Signature::Valid
        } else {
            u.arbitrary()?
        };
        let authorization = if u.ratio(3, 4)? {
            Authorization::Valid
        } else {
            u.arbitrary()?
        };
        let mut headers = Vec::new();
        for _ in 0..u.int_in_range(0..=3)? {
            let name = if u.ratio(3, 4)? {
                (*u.choose(HEADER_NAMES)?).to_owned()
            } else {
                u.arbitrary()?
            };
            headers.push((name, u.arbitrary()?));
        }
        let content = content(u)?;
        Ok(Case {
            method,
            target,
            content_type,
            encoding,
            date,
            signature,
            authorization,
            headers,
            content,
        })
    }
}

/// The request target: `/hooks/<slug>` with the slug percent-encoded where it must be.
fn uri(target: &Target) -> String {
    let encode = |text: &str| {
        let mut out = String::new();
        for byte in text.bytes() {
            if byte.is_ascii_alphanumeric() || b"-._~!$&'()*+,;=:@".contains(&byte) {
                out.push(byte as char);
            } else {
                out.push_str(&format!("%{byte:02X}"));
            }
        }
        out
    };
    match target {
        Target::Notifications => "/".to_owned(),
        Target::Hooks(slug, None) => format!("/hooks/{}", encode(slug)),
        Target::Hooks(slug, Some(query)) => format!("/hooks/{}?{}", encode(slug), encode(query)),
        Target::Github => "/github".to_owned(),
        Target::Other(path) => path.clone(),
    }
}

fn http_date(time: SystemTime) -> String {
    httpdate::fmt_http_date(time)
}

/// What the request was built from, for the checks.
struct Sent {
    /// The body as sent.
    wire: Vec<u8>,
    /// The content, when the body is it with the codings applied for real.
    content: Option<Vec<u8>>,
    /// The `X-Hub-Signature` sent, and the one the body's bytes and `Date` call for.
    signature: Option<Vec<u8>>,
    expected_signature: String,
}

fn build(case: &Case) -> Option<(http::Request<Body>, Sent)> {
    let content = match &case.content {
        Content::Notification(value) | Content::Json(value) => {
            serde_json::to_vec(value).expect("JSON")
        }
        Content::Bytes(bytes) => bytes.clone(),
    };
    let (wire, decoded) = match &case.encoding.applied {
        Some((codings, settings)) => (encode_all(codings, *settings, &content), Some(content)),
        None if case.encoding.tokens.is_empty() => (content.clone(), Some(content)),
        None => (content, None),
    };
    let mut request = http::Request::builder()
        .method(case.method.clone())
        .uri(uri(&case.target));
    if let Some(content_type) = &case.content_type {
        request = request.header("content-type", HeaderValue::from_str(content_type).ok()?);
    }
    if !case.encoding.tokens.is_empty() {
        if case.encoding.one_header {
            let value = case.encoding.tokens.join(", ");
            request = request.header("content-encoding", HeaderValue::from_str(&value).ok()?);
        } else {
            for token in &case.encoding.tokens {
                request = request.header("content-encoding", HeaderValue::from_str(token).ok()?);
            }
        }
    }
    let now = SystemTime::now();
    let date = match &case.date {
        Date::None => None,
        Date::Now => Some(http_date(now)),
        Date::Old => Some(http_date(now - Duration::from_secs(3600))),
        Date::Future => Some(http_date(now + Duration::from_secs(3600))),
        Date::Raw(text) => Some(text.clone()),
    };
    if let Some(date) = &date {
        request = request.header("date", HeaderValue::from_str(date).ok()?);
    }
    let clustaar = SignatureVerifier::new(PRIVATE_KEY);
    let github = HmacVerifier::github(GITHUB_SECRET);
    let expected_signature = clustaar.sign(date.as_deref(), &wire);
    let signature = match &case.signature {
        Signature::None => None,
        Signature::Valid => {
            request = request.header("x-hub-signature-256", github.sign(&wire));
            Some(expected_signature.clone())
        }
        Signature::OfOtherBytes(bytes) => {
            request = request.header("x-hub-signature-256", github.sign(bytes));
            Some(clustaar.sign(date.as_deref(), bytes))
        }
        Signature::Raw(text) => Some(text.clone()),
    };
    if let Some(signature) = &signature {
        request = request.header("x-hub-signature", HeaderValue::from_str(signature).ok()?);
    }
    let basic = |credentials: &str| {
        format!(
            "Basic {}",
            base64::engine::general_purpose::STANDARD.encode(credentials)
        )
    };
    let authorization = match &case.authorization {
        Authorization::None => None,
        Authorization::Valid => Some(basic(&format!("{USERNAME}:{PASSWORD}"))),
        Authorization::Basic(credentials) => Some(basic(credentials)),
        Authorization::Raw(text) => Some(text.clone()),
    };
    if let Some(authorization) = authorization {
        request = request.header("authorization", HeaderValue::from_str(&authorization).ok()?);
    }
    for (name, value) in &case.headers {
        let name = HeaderName::from_bytes(name.as_bytes()).ok()?;
        let value = HeaderValue::from_bytes(value).ok()?;
        request = request.header(name, value);
    }
    let request = request.body(Body::from(wire.clone())).ok()?;
    let sent = Sent {
        signature: request
            .headers()
            .get("x-hub-signature")
            .map(|value| value.as_bytes().to_vec()),
        wire,
        content: decoded,
        expected_signature,
    };
    Some((request, sent))
}

/// Checks an answer of an HTTP route: its JSON, and the body it received within the limit
/// (the content sent, when it was encoded for real).
fn check_route_answer(case: &Case, sent: &Sent, answer: &Answer) {
    if case.method == Method::HEAD {
        assert!(answer.body.is_empty(), "a HEAD answered with a body");
        return;
    }
    let route: Value = serde_json::from_slice(&answer.body).expect("a route's JSON answer");
    let length = route["length"].as_u64().expect("a length") as usize;
    assert!(
        length <= BODY_LIMIT,
        "a route received {length} bytes, over the {BODY_LIMIT} limit"
    );
    if let Some(content) = &sent.content {
        assert_eq!(length, content.len(), "the route received other bytes");
        assert_eq!(
            route["body"].as_str(),
            Some(String::from_utf8_lossy(content).as_ref())
        );
    }
}

fuzz_target!(|case: Case| {
    let Some((request, sent)) = build(&case) else {
        return;
    };
    let is_root = request.uri().path() == "/";
    let answer = send(echo_bot_router(), request);
    let status = answer.status;
    assert!(
        STATUSES.contains(&status.as_u16()),
        "unexpected status {status}: {:?}",
        String::from_utf8_lossy(&answer.body)
    );
    // A body received over the limit is refused, if anything reads it.
    if sent.wire.len() > BODY_LIMIT {
        assert!(
            [404, 405, 413, 415].contains(&status.as_u16()),
            "{} bytes received, answered {status}",
            sent.wire.len()
        );
    }
    // Decoded over the limit: refused.
    if sent.content.as_ref().is_some_and(|c| c.len() > BODY_LIMIT) {
        assert_ne!(
            status,
            StatusCode::OK,
            "a body decoded over the limit was served"
        );
    }
    if is_root {
        if status == StatusCode::OK {
            assert_eq!(
                sent.signature.as_deref(),
                Some(sent.expected_signature.as_bytes()),
                "a 200 without the valid signature"
            );
        }
        if case.method == Method::HEAD {
            assert_eq!(status, StatusCode::METHOD_NOT_ALLOWED);
            return;
        }
        check_notification_answer(&answer);
    } else if status == StatusCode::OK {
        check_route_answer(&case, &sent, &answer);
    } else if case.method != Method::HEAD {
        let description = json_error(&answer);
        assert_ne!(
            status,
            StatusCode::INTERNAL_SERVER_ERROR,
            "a 500 on an HTTP route: {description}"
        );
    }
});
