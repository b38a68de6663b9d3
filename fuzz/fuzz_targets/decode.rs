//! The decoders: `gzip`, `deflate` and `br` bodies of any shape (arbitrary bytes, and valid
//! streams, stacked up to four codings, of arbitrary content up to 3 times the limit) through
//! the ingestion stage of a webhook with a 4 KiB body limit (an HTTP route that answers the
//! body it received), and through `ContentCodings::decode`, the same decoding without the
//! server.
//!
//! Asserted: no panic; the server and `ContentCodings::decode` agree (`200` with the same bytes,
//! `413` for too large, `400` for corrupt, `415` for refused codings); a valid stream decodes
//! to its content when the content is within the limit and is a `413` when it is not; what a
//! handler receives is never over the limit; and the memory a decoding allocates stays within
//! what the formats need for the limit (its peak of live bytes, measured by the fuzz crate's
//! allocator; see `decoding_memory`).

#![no_main]

use std::sync::atomic::{AtomicUsize, Ordering::Relaxed};
use std::sync::OnceLock;

use arbitrary::{Arbitrary, Result, Unstructured};
use axum::body::Body;
use axum::Router;
use bytes::Bytes;
use clustaar_webhook::pipeline::encoding::{
    max_brotli_window, AcceptedEncodings, ContentEncoding, EncodingError,
};
use clustaar_webhook::prelude::*;
use http::{header, HeaderMap, HeaderValue, Method, StatusCode};
use libfuzzer_sys::fuzz_target;
use webhook_fuzz::alloc::measure;
use webhook_fuzz::codings::{encode_all, Coding, Settings};
use webhook_fuzz::server::{json_error, send, BODY_LIMIT};

/// The most memory a decoding may allocate: the output (a vector grown by doubling up to the
/// limit, and the decoders' 16 KiB chunk), and each stage's state as its format bounds it:
/// zlib's 32 KiB window and tables for `gzip` and `deflate`; for `br`, the ring buffer (at most
/// `max_brotli_window`: twice the limit, 64 KiB at least) and the Huffman tables of up to 256
/// trees per category, 1,024 for distances (5.5 MiB at most).
fn decoding_memory(codings: &[ContentEncoding]) -> usize {
    let stages: usize = codings
        .iter()
        .map(|coding| match coding {
            ContentEncoding::Br => max_brotli_window(BODY_LIMIT) + 6 * 1024 * 1024,
            _ => 128 * 1024,
        })
        .sum();
    stages + 4 * BODY_LIMIT + 64 * 1024
}

/// The largest peak seen.
static MOST: AtomicUsize = AtomicUsize::new(0);

/// A webhook whose only route answers the body it received, decoded.
fn router() -> &'static Router {
    static ROUTER: OnceLock<Router> = OnceLock::new();
    ROUTER.get_or_init(|| {
        Webhook::new()
            .body_limit(BODY_LIMIT)
            .http(Method::POST, "/decode", |RawBody(body): RawBody| body, ())
            .into_router()
    })
}

/// The `Content-Encoding` tokens.
const TOKENS: &[&str] = &[
    "gzip", "x-gzip", "deflate", "br", "identity", "zstd", "GZIP", "",
];

#[derive(Debug)]
enum Case {
    /// Bytes sent as they are, with any `Content-Encoding`.
    Raw { tokens: Vec<String>, body: Vec<u8> },
    /// A valid stream: `content` encoded with `codings`.
    Valid {
        codings: Vec<Coding>,
        settings: Settings,
        content: Vec<u8>,
        /// A byte of the stream changed, or the stream cut.
        damage: Option<(u16, u8, bool)>,
    },
}

impl<'a> Arbitrary<'a> for Case {
    fn arbitrary(u: &mut Unstructured<'a>) -> Result<Self> {
        if u.ratio(1, 3)? {
            let mut tokens = Vec::new();
            for _ in 0..u.int_in_range(0..=4)? {
                tokens.push(if u.ratio(7, 8)? {
                    (*u.choose(TOKENS)?).to_owned()
                } else {
                    u.arbitrary()?
                });
            }
            return Ok(Case::Raw {
                tokens,
                body: u.arbitrary()?,
            });
        }
        let mut codings = Vec::new();
        for _ in 0..u.int_in_range(1..=4)? {
            codings.push(u.arbitrary()?);
        }
        let settings = u.arbitrary()?;
        let damage = if u.ratio(1, 4)? {
            Some(u.arbitrary()?)
        } else {
            None
        };
        // Some content repeated: small inputs decode to sizes around and past the limit.
        let unit: &[u8] = u.arbitrary()?;
        let times = if unit.is_empty() {
            0
        } else {
            u.int_in_range(1..=(3 * BODY_LIMIT / unit.len()).max(1))?
        };
        Ok(Case::Valid {
            codings,
            settings,
            content: unit.repeat(times),
            damage,
        })
    }
}

fuzz_target!(|case: Case| {
    let (tokens, body, content): (Vec<String>, Vec<u8>, Option<Vec<u8>>) = match &case {
        Case::Raw { tokens, body } => (tokens.clone(), body.clone(), None),
        Case::Valid {
            codings,
            settings,
            content,
            damage,
        } => {
            let mut body = encode_all(codings, *settings, content);
            let intact = match damage {
                Some((at, byte, cut)) if !body.is_empty() => {
                    let at = usize::from(*at) % body.len();
                    if *cut {
                        body.truncate(at);
                    } else {
                        body[at] ^= byte | 1;
                    }
                    false
                }
                _ => true,
            };
            let tokens = codings.iter().map(|c| c.name().to_owned()).collect();
            (tokens, body, intact.then(|| content.clone()))
        }
    };
    let mut headers = HeaderMap::new();
    for token in &tokens {
        match HeaderValue::from_str(token) {
            Ok(value) => headers.append(header::CONTENT_ENCODING, value),
            Err(_) => return,
        };
    }
    // The decoding alone.
    let parsed = AcceptedEncodings::default().parse(&headers);
    let bound = parsed
        .as_ref()
        .map_or(0, |codings| decoding_memory(codings.codings()));
    let (decoded, usage) = measure(|| {
        parsed.and_then(|codings| codings.decode(Bytes::from(body.clone()), BODY_LIMIT))
    });
    assert!(
        usage.peak <= bound,
        "decoding {} bytes ({tokens:?}) took {} bytes at its peak (largest allocation {}), over {bound}",
        body.len(),
        usage.peak,
        usage.largest
    );
    // The most seen so far, for the campaign's figures.
    if usage.peak > MOST.fetch_max(usage.peak, Relaxed) {
        eprintln!(
            "decode: new peak {} bytes (largest allocation {}) for {} bytes of {tokens:?}",
            usage.peak,
            usage.largest,
            body.len()
        );
    }
    if let Ok(decoded) = &decoded {
        assert!(decoded.len() <= BODY_LIMIT, "decoded past the limit");
    }
    if let Some(content) = &content {
        match &decoded {
            Ok(decoded) => assert_eq!(decoded.as_ref(), content.as_slice(), "decoded wrong"),
            Err(EncodingError::TooLarge { .. }) => assert!(
                content.len() > BODY_LIMIT || tokens.len() > 1,
                "{} bytes of content refused as too large",
                content.len()
            ),
            // A window over 4 MiB that the stream needs (`max_brotli_window`), or a stage's
            // data over the limit.
            Err(EncodingError::WindowTooLarge { window, .. }) => assert!(
                content.len() > BODY_LIMIT || tokens.len() > 1 || *window > 1 << 22,
                "{} bytes of content refused for a window of {window} bytes",
                content.len()
            ),
            Err(EncodingError::TooManyCodings(_)) => assert!(tokens.len() > 3),
            Err(error) => panic!("a valid stream refused: {error}"),
        }
        if content.len() > BODY_LIMIT {
            assert!(decoded.is_err(), "content over the limit decoded");
        }
    }
    // The same through the server.
    let mut request = http::Request::post("/decode");
    for value in headers.get_all(header::CONTENT_ENCODING) {
        request = request.header(header::CONTENT_ENCODING, value);
    }
    let request = request.body(Body::from(body.clone())).expect("a request");
    let answer = send(router(), request);
    let expected = match &decoded {
        _ if body.len() > BODY_LIMIT
            && !matches!(
                decoded,
                Err(EncodingError::Unsupported { .. } | EncodingError::TooManyCodings(_))
            ) =>
        {
            StatusCode::PAYLOAD_TOO_LARGE
        }
        Ok(_) => StatusCode::OK,
        Err(EncodingError::TooLarge { .. } | EncodingError::WindowTooLarge { .. }) => {
            StatusCode::PAYLOAD_TOO_LARGE
        }
        Err(EncodingError::Corrupt { .. }) => StatusCode::BAD_REQUEST,
        Err(EncodingError::Unsupported { .. } | EncodingError::TooManyCodings(_)) => {
            StatusCode::UNSUPPORTED_MEDIA_TYPE
        }
        Err(error) => panic!("an error this target does not know: {error:?}"),
    };
    assert_eq!(
        answer.status,
        expected,
        "the server and the decoder disagree: {:?}",
        String::from_utf8_lossy(&answer.body)
    );
    if answer.status == StatusCode::OK {
        assert_eq!(
            Some(&answer.body),
            decoded.as_ref().ok(),
            "the handler received other bytes"
        );
    } else {
        json_error(&answer);
    }
});
