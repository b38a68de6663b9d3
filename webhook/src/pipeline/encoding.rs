//! Content encodings: `gzip`, `deflate` and `br` request bodies are decoded, within the body
//! limit.
//!
//! Two stages share this module:
//!
//! 1. The encoding check, before the body is read: the `Content-Encoding` header is parsed into
//!    the [`ContentCodings`] applied by the sender; a coding this webhook does not accept is a
//!    `415` naming the accepted ones. `identity` (and no header) passes untouched.
//! 2. Decoding, after the security checks: the body received (the bytes the signature
//!    covers) is decoded, streaming, and the decoded bytes replace it. Decoding stops as soon as
//!    the output passes the body limit (`413`): a small body that would inflate to gigabytes
//!    never uses more than the limit. A body that does not decode as its header says (a `gzip`
//!    header on plain bytes, a truncated stream) is a `400`.
//!
//! `deflate` is the zlib format (RFC 9110 §8.4.1.2); `x-gzip` is `gzip`. Several codings
//! (`Content-Encoding: gzip, br`) are undone in reverse order, each stage within the limit;
//! more than [`MAX_CODINGS`] is a `415`.
//!
//! Decoders: `flate2` (gzip, zlib) and `brotli-decompressor` (with the `brotli` feature, on by
//! default; without it `br` is refused with a `415` like any coding not accepted, and the
//! accepted codings do not name it), as synchronous readers over the bytes in memory. The first
//! 64 KiB of decoded bytes are produced on the server's worker (a typical webhook body is done
//! by then); the rest, if any, on tokio's blocking pool, so a large body does not stall the
//! workers.

use std::io::{self, Read};

use axum::response::{IntoResponse, Response};
use bytes::Bytes;
use http::{header, HeaderMap, StatusCode};

use crate::error::{status_title, ApiError, RejectionStage};

/// The most codings a request may stack (`Content-Encoding: gzip, br, deflate`).
pub const MAX_CODINGS: usize = 3;

/// A content coding this crate decodes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ContentEncoding {
    /// `gzip` (and `x-gzip`): RFC 1952, several members allowed.
    Gzip,
    /// `deflate`: the zlib format, RFC 1950.
    Deflate,
    /// `br`: Brotli, RFC 7932. Decoded with the `brotli` feature (on by default); without it,
    /// no webhook accepts it: a `br` body is a `415`, and
    /// [`Webhook::content_encodings`](crate::Webhook::content_encodings) panics when given it.
    Br,
}

impl ContentEncoding {
    /// Every coding, in the order error messages name them (`br` included, even without the
    /// `brotli` feature: see [`is_available`](Self::is_available)).
    pub const ALL: [ContentEncoding; 3] = [Self::Gzip, Self::Deflate, Self::Br];

    /// Whether this build decodes the coding: `br` needs the `brotli` feature.
    pub const fn is_available(self) -> bool {
        match self {
            Self::Gzip | Self::Deflate => true,
            Self::Br => cfg!(feature = "brotli"),
        }
    }

    /// The coding's name in `Content-Encoding`.
    pub fn name(self) -> &'static str {
        match self {
            Self::Gzip => "gzip",
            Self::Deflate => "deflate",
            Self::Br => "br",
        }
    }

    fn parse(token: &str) -> Option<Self> {
        if token.eq_ignore_ascii_case("gzip") || token.eq_ignore_ascii_case("x-gzip") {
            Some(Self::Gzip)
        } else if token.eq_ignore_ascii_case("deflate") {
            Some(Self::Deflate)
        } else if token.eq_ignore_ascii_case("br") {
            Some(Self::Br)
        } else {
            None
        }
    }
}

/// The codings a webhook decodes; set with
/// [`Webhook::content_encodings`](crate::Webhook::content_encodings). Default: all of them
/// that this build decodes (`br` only with the `brotli` feature).
///
/// Collecting it from a coding that is not [available](ContentEncoding::is_available) panics.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct AcceptedEncodings {
    gzip: bool,
    deflate: bool,
    br: bool,
}

impl Default for AcceptedEncodings {
    fn default() -> Self {
        Self::from_iter(
            ContentEncoding::ALL
                .into_iter()
                .filter(|coding| coding.is_available()),
        )
    }
}

impl FromIterator<ContentEncoding> for AcceptedEncodings {
    fn from_iter<I: IntoIterator<Item = ContentEncoding>>(codings: I) -> Self {
        let mut accepted = Self {
            gzip: false,
            deflate: false,
            br: false,
        };
        for coding in codings {
            assert!(
                coding.is_available(),
                "the `{}` content coding needs the `brotli` feature of the `clustaar-webhook` crate",
                coding.name()
            );
            match coding {
                ContentEncoding::Gzip => accepted.gzip = true,
                ContentEncoding::Deflate => accepted.deflate = true,
                ContentEncoding::Br => accepted.br = true,
            }
        }
        accepted
    }
}

impl AcceptedEncodings {
    /// Whether `coding` is accepted.
    pub fn accepts(self, coding: ContentEncoding) -> bool {
        match coding {
            ContentEncoding::Gzip => self.gzip,
            ContentEncoding::Deflate => self.deflate,
            ContentEncoding::Br => self.br,
        }
    }

    /// `"gzip, deflate, br or identity"`: what error messages list.
    fn describe(self) -> String {
        let mut names: Vec<&str> = ContentEncoding::ALL
            .into_iter()
            .filter(|coding| self.accepts(*coding))
            .map(ContentEncoding::name)
            .collect();
        names.push("identity");
        let last = names.pop().unwrap_or("identity");
        if names.is_empty() {
            last.to_owned()
        } else {
            format!("{} or {last}", names.join(", "))
        }
    }

    /// Parses the `Content-Encoding` headers into the codings to undo.
    pub fn parse(self, headers: &HeaderMap) -> Result<ContentCodings, EncodingError> {
        let mut codings = Vec::new();
        for value in headers.get_all(header::CONTENT_ENCODING) {
            let text = value.to_str().map_err(|_| EncodingError::Unsupported {
                coding: String::from_utf8_lossy(value.as_bytes()).into_owned(),
                accepted: self.describe(),
            })?;
            for token in text.split(',').map(str::trim).filter(|t| !t.is_empty()) {
                if token.eq_ignore_ascii_case("identity") {
                    continue;
                }
                match ContentEncoding::parse(token) {
                    Some(coding) if self.accepts(coding) => codings.push(coding),
                    _ => {
                        return Err(EncodingError::Unsupported {
                            coding: token.to_owned(),
                            accepted: self.describe(),
                        })
                    }
                }
            }
        }
        if codings.len() > MAX_CODINGS {
            return Err(EncodingError::TooManyCodings(codings.len()));
        }
        Ok(ContentCodings(codings))
    }
}

/// The codings a request's body went through, in the order the sender applied them.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ContentCodings(Vec<ContentEncoding>);

impl ContentCodings {
    /// The codings, in the order they were applied.
    pub fn codings(&self) -> &[ContentEncoding] {
        &self.0
    }

    /// Decodes `body`, refusing output (at any stage) over `limit` bytes.
    pub fn decode(&self, body: Bytes, limit: usize) -> Result<Bytes, EncodingError> {
        if self.0.is_empty() {
            return Ok(body);
        }
        let mut decoding = self.decoding(body, limit);
        decoding.step(usize::MAX)?;
        Ok(decoding.finish())
    }

    /// A decoding of `body` to run step by step.
    fn decoding(&self, body: Bytes, limit: usize) -> Decoding {
        let mut reader: Box<dyn Read + Send> = Box::new(io::Cursor::new(body));
        for coding in self.0.iter().rev() {
            #[cfg(feature = "brotli")]
            let mut window = None;
            let decoder: Box<dyn Read + Send> = match coding {
                ContentEncoding::Gzip => Box::new(flate2::read::MultiGzDecoder::new(reader)),
                ContentEncoding::Deflate => Box::new(flate2::read::ZlibDecoder::new(reader)),
                #[cfg(feature = "brotli")]
                ContentEncoding::Br => {
                    let cap = brotli_window::WindowCap::new(max_brotli_window(limit));
                    window = Some(cap.clone());
                    Box::new(brotli_window::decoder(reader, cap))
                }
                // `parse` keeps accepted codings only, and `br` is accepted with the feature only.
                #[cfg(not(feature = "brotli"))]
                ContentEncoding::Br => {
                    unreachable!("`br` is not accepted without the brotli feature")
                }
            };
            reader = Box::new(Capped {
                inner: decoder,
                coding: *coding,
                left: limit,
                #[cfg(feature = "brotli")]
                window,
            });
        }
        Decoding {
            reader,
            output: Vec::new(),
            limit,
        }
    }
}

/// A decoding in progress: the chain of capped decoders and what they produced so far.
struct Decoding {
    reader: Box<dyn Read + Send>,
    output: Vec<u8>,
    limit: usize,
}

impl Decoding {
    /// Decodes until the end of the body (`true`) or until `budget` more bytes were produced
    /// (`false`).
    fn step(&mut self, budget: usize) -> Result<bool, EncodingError> {
        let stop_at = self.output.len().saturating_add(budget);
        let mut chunk = [0u8; 16 * 1024];
        loop {
            let read = match self.reader.read(&mut chunk) {
                Ok(read) => read,
                Err(error) if error.kind() == io::ErrorKind::Interrupted => continue,
                Err(error) => return Err(self.error(&error)),
            };
            if read == 0 {
                return Ok(true);
            }
            self.output.extend_from_slice(&chunk[..read]);
            if self.output.len() >= stop_at {
                return Ok(false);
            }
        }
    }

    fn error(&self, error: &io::Error) -> EncodingError {
        let inner = error.get_ref();
        if inner.is_some_and(|e| e.is::<Overflow>()) {
            return EncodingError::TooLarge { limit: self.limit };
        }
        if let Some(refused) = inner.and_then(|e| e.downcast_ref::<WindowRefused>()) {
            return EncodingError::WindowTooLarge {
                window: refused.window,
                most: refused.most,
            };
        }
        let coding = inner
            .and_then(|e| e.downcast_ref::<Corrupt>())
            .map_or("the declared coding", |corrupt| corrupt.coding.name());
        EncodingError::Corrupt {
            coding,
            reason: corrupt_reason(error),
        }
    }

    fn finish(self) -> Bytes {
        Bytes::from(self.output)
    }
}

/// How many decoded bytes the decoding stage produces on the server's worker before moving
/// the rest of the work to tokio's blocking pool: a small body costs no thread hop, a large
/// one (up to the body limit) does not stall the worker.
pub(crate) const INLINE_DECODING_BUDGET: usize = 64 * 1024;

/// The largest Brotli window (the decoder's ring buffer) a decoding within `limit` bytes
/// allocates: twice the limit, and at least 4 MiB (`lgwin` 22, the encoders' default window).
///
/// A `br` stream declares a window of up to 16 MiB, and the decoder fills it before its first
/// output: 52 bytes declaring 16 MiB took 16 MiB of memory to be refused as too large, whatever
/// the limit, and three times that with `Content-Encoding: br, br, br` (found by the `decode`
/// fuzz target). A stream that needs a larger window than this is refused (`413`) before the
/// window is allocated. What the cap refuses in practice: streams written with a window of 8 or
/// 16 MiB (`lgwin` 23 or 24) whose data is not in one last meta-block (a streaming encoder, a
/// flush), when the limit is under 4 or 8 MiB; a body compressed whole is one last meta-block,
/// whose ring buffer fits its data, and always passes. A streaming encoder's meta-blocks at the
/// default window (a small body at quality 0 or 1 is one of them) need 4 MiB, which always
/// passes.
pub fn max_brotli_window(limit: usize) -> usize {
    limit.saturating_mul(2).max(4 * 1024 * 1024)
}

/// A `br` stage refused the window its stream declares.
#[derive(Debug, thiserror::Error)]
#[cfg_attr(not(feature = "brotli"), allow(dead_code))]
#[error("the Brotli window is over the limit")]
struct WindowRefused {
    window: usize,
    most: usize,
}

/// brotli-decompressor's decoder with a cap on its ring buffer (see [`max_brotli_window`]).
#[cfg(feature = "brotli")]
mod brotli_window {
    use std::io::Read;
    use std::sync::atomic::{AtomicUsize, Ordering};
    use std::sync::Arc;

    use brotli_decompressor::reader::DecompressorCustomAlloc;
    use brotli_decompressor::{Allocator, StandardAlloc};

    /// The decoder's input buffer.
    const BUFFER: usize = 8 * 1024;

    /// The bytes beyond the window that the decoder allocates with its ring buffer (its write
    /// slack, 66 bytes in brotli-decompressor 5; a little more is allowed).
    const RING_BUFFER_SLACK: usize = 1024;

    /// The decoder's allocator of bytes: the standard one, except that an allocation larger
    /// than the window cap (only the ring buffer can be: the other byte buffers of a Brotli
    /// decoder hold at most 16 KiB) is refused with an empty buffer, which the decoder reports
    /// as an allocation failure. The size refused is recorded for the error.
    #[derive(Debug, Clone)]
    pub(super) struct WindowCap {
        pub(super) most: usize,
        refused: Arc<AtomicUsize>,
    }

    impl WindowCap {
        pub(super) fn new(most: usize) -> Self {
            Self {
                most,
                refused: Arc::new(AtomicUsize::new(0)),
            }
        }

        /// The window of a ring buffer refused, if one was.
        pub(super) fn refused(&self) -> Option<usize> {
            match self.refused.load(Ordering::Relaxed) {
                0 => None,
                // The ring buffer is a power of two, plus the slack.
                size => Some(1 << (usize::BITS - 1 - size.leading_zeros())),
            }
        }
    }

    impl Allocator<u8> for WindowCap {
        type AllocatedMemory = <StandardAlloc as Allocator<u8>>::AllocatedMemory;

        fn alloc_cell(&mut self, len: usize) -> Self::AllocatedMemory {
            if len > self.most.saturating_add(RING_BUFFER_SLACK) {
                self.refused.store(len, Ordering::Relaxed);
                return Self::AllocatedMemory::default();
            }
            <StandardAlloc as Allocator<u8>>::alloc_cell(&mut StandardAlloc::default(), len)
        }

        fn free_cell(&mut self, data: Self::AllocatedMemory) {
            <StandardAlloc as Allocator<u8>>::free_cell(&mut StandardAlloc::default(), data);
        }
    }

    /// A decoder of `input` whose window is capped by `cap`.
    pub(super) fn decoder<R: Read + Send>(input: R, cap: WindowCap) -> impl Read + Send {
        let buffer =
            <StandardAlloc as Allocator<u8>>::alloc_cell(&mut StandardAlloc::default(), BUFFER);
        DecompressorCustomAlloc::<_, _, _, _, StandardAlloc>::new(
            input,
            buffer,
            cap,
            StandardAlloc::default(),
            <StandardAlloc as Default>::default(),
        )
    }
}

/// A decoding stage's output went over the limit.
#[derive(Debug, thiserror::Error)]
#[error("the decoded body is over the limit")]
struct Overflow;

/// A decoding stage failed.
#[derive(Debug, thiserror::Error)]
#[error("{reason}")]
struct Corrupt {
    coding: ContentEncoding,
    reason: String,
}

fn corrupt_reason(error: &io::Error) -> String {
    match error.get_ref().and_then(|e| e.downcast_ref::<Corrupt>()) {
        Some(corrupt) => corrupt.reason.clone(),
        None => error.to_string(),
    }
}

/// A decoder whose output is capped at `left` bytes, and whose errors name its coding.
struct Capped {
    inner: Box<dyn Read + Send>,
    coding: ContentEncoding,
    left: usize,
    /// A `br` stage's window cap, to tell a refused window from corrupt data.
    #[cfg(feature = "brotli")]
    window: Option<brotli_window::WindowCap>,
}

impl Read for Capped {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        // Ask for one byte more than allowed, so reaching the limit exactly is not an overflow.
        let want = buf.len().min(self.left.saturating_add(1));
        if want == 0 {
            return Ok(0);
        }
        let read = match self.inner.read(&mut buf[..want]) {
            Ok(read) => read,
            Err(error) => {
                let passes_through = error.get_ref().is_some_and(|e| {
                    e.is::<Overflow>() || e.is::<Corrupt>() || e.is::<WindowRefused>()
                });
                if passes_through {
                    return Err(error);
                }
                #[cfg(feature = "brotli")]
                if let Some(cap) = &self.window
                    && let Some(window) = cap.refused()
                {
                    return Err(io::Error::other(WindowRefused {
                        window,
                        most: cap.most,
                    }));
                }
                let reason = match error.kind() {
                    io::ErrorKind::UnexpectedEof => "the data ends too early".to_owned(),
                    _ => error.to_string(),
                };
                return Err(io::Error::other(Corrupt {
                    coding: self.coding,
                    reason,
                }));
            }
        };
        if read > self.left {
            return Err(io::Error::other(Overflow));
        }
        self.left -= read;
        Ok(read)
    }
}

/// Why a body's encoding is refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum EncodingError {
    /// A coding this webhook does not decode: `415`.
    #[error(
        "The request's Content-Encoding \"{coding}\" is not supported; this webhook accepts \
         {accepted}."
    )]
    Unsupported {
        /// The coding, as sent.
        coding: String,
        /// The accepted codings, for the message.
        accepted: String,
    },
    /// More codings than [`MAX_CODINGS`]: `415`.
    #[error(
        "The request's Content-Encoding stacks {0} codings; this webhook decodes at most \
         {MAX_CODINGS}."
    )]
    TooManyCodings(usize),
    /// The body does not decode as its header says: `400`.
    #[error("The request body is not valid {coding} data: {reason}.")]
    Corrupt {
        /// The coding that failed.
        coding: &'static str,
        /// What the decoder said.
        reason: String,
    },
    /// The decoded body is over the limit: `413`.
    #[error("The decoded request body is larger than the limit of {limit} bytes.")]
    TooLarge {
        /// The limit, in bytes.
        limit: usize,
    },
    /// A `br` body whose stream needs a window larger than this webhook allows (twice the body
    /// limit, at least 4 MiB: [`max_brotli_window`]): `413`.
    #[error(
        "The request body's Brotli stream needs a window of {window} bytes; this webhook \
         decodes windows of at most {most} bytes."
    )]
    WindowTooLarge {
        /// The window the decoder asks for, in bytes: the one the stream declares, or less for a
        /// stream in one meta-block (twice its data, rounded to a power of two).
        window: usize,
        /// The largest window this webhook allows, in bytes.
        most: usize,
    },
}

impl From<EncodingError> for ApiError {
    fn from(error: EncodingError) -> Self {
        let (status, stage) = match error {
            EncodingError::Unsupported { .. } | EncodingError::TooManyCodings(_) => {
                (StatusCode::UNSUPPORTED_MEDIA_TYPE, RejectionStage::Encoding)
            }
            EncodingError::Corrupt { .. } => {
                return ApiError::bad_request("Undecodable body", error.to_string())
                    .at_stage(RejectionStage::Encoding)
            }
            EncodingError::TooLarge { .. } | EncodingError::WindowTooLarge { .. } => {
                (StatusCode::PAYLOAD_TOO_LARGE, RejectionStage::Limit)
            }
        };
        ApiError::new(status, status_title(status), error.to_string()).at_stage(stage)
    }
}

/// Decodes `wire` as `codings` say, within `limit`: a small body inline, a large one on the
/// blocking pool. On success the `Content-Encoding` and `Content-Length` headers, which
/// described the bytes received, are removed.
pub(crate) async fn decode(
    codings: ContentCodings,
    wire: Bytes,
    limit: usize,
    headers: &mut HeaderMap,
) -> Result<Bytes, Response> {
    let mut decoding = codings.decoding(wire, limit);
    let decoded = match decoding.step(INLINE_DECODING_BUDGET) {
        Ok(true) => Ok(Ok(decoding.finish())),
        Ok(false) => {
            tokio::task::spawn_blocking(move || {
                decoding.step(usize::MAX)?;
                Ok(decoding.finish())
            })
            .await
        }
        Err(error) => Ok(Err(error)),
    };
    match decoded {
        Ok(Ok(bytes)) => {
            headers.remove(header::CONTENT_ENCODING);
            headers.remove(header::CONTENT_LENGTH);
            Ok(bytes)
        }
        Ok(Err(error)) => Err(ApiError::from(error).into_response()),
        Err(join) => {
            tracing::error!(error = %join, "the body decoder failed");
            Err(ApiError::internal("The request body could not be decoded.").into_response())
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use http::HeaderValue;
    use std::io::Write;

    fn headers(values: &[&'static str]) -> HeaderMap {
        let mut headers = HeaderMap::new();
        for value in values {
            headers.append(header::CONTENT_ENCODING, HeaderValue::from_static(value));
        }
        headers
    }

    fn gzip(data: &[u8]) -> Vec<u8> {
        let mut encoder = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
        encoder.write_all(data).unwrap();
        encoder.finish().unwrap()
    }

    fn zlib(data: &[u8]) -> Vec<u8> {
        let mut encoder = flate2::write::ZlibEncoder::new(Vec::new(), flate2::Compression::fast());
        encoder.write_all(data).unwrap();
        encoder.finish().unwrap()
    }

    #[cfg(feature = "brotli")]
    fn brotli(data: &[u8]) -> Vec<u8> {
        brotli_with_window(data, 22)
    }

    /// `data` compressed with a window of `2^lgwin` bytes.
    #[cfg(feature = "brotli")]
    fn brotli_with_window(data: &[u8], lgwin: u32) -> Vec<u8> {
        let mut out = Vec::new();
        let mut encoder = brotli::CompressorWriter::new(&mut out, 4096, 5, lgwin);
        encoder.write_all(data).unwrap();
        drop(encoder);
        out
    }

    fn codings(values: &[&'static str]) -> ContentCodings {
        AcceptedEncodings::default()
            .parse(&headers(values))
            .unwrap()
    }

    #[test]
    fn parses_codings_in_order_ignoring_identity_and_case() {
        assert_eq!(codings(&[]).codings(), &[]);
        assert_eq!(codings(&["identity"]).codings(), &[]);
        assert_eq!(
            codings(&["GZIP, identity", "deflate"]).codings(),
            &[ContentEncoding::Gzip, ContentEncoding::Deflate]
        );
        #[cfg(feature = "brotli")]
        assert_eq!(
            codings(&["GZIP, identity", "br"]).codings(),
            &[ContentEncoding::Gzip, ContentEncoding::Br]
        );
        assert_eq!(codings(&["x-gzip"]).codings(), &[ContentEncoding::Gzip]);
    }

    #[test]
    fn unknown_or_refused_codings_are_415_naming_the_accepted_ones() {
        let error = AcceptedEncodings::default()
            .parse(&headers(&["zstd"]))
            .unwrap_err();
        #[cfg(feature = "brotli")]
        let accepted = "gzip, deflate, br or identity";
        #[cfg(not(feature = "brotli"))]
        let accepted = "gzip, deflate or identity";
        assert_eq!(
            error.to_string(),
            format!(
                "The request's Content-Encoding \"zstd\" is not supported; this webhook accepts \
                 {accepted}."
            )
        );
        assert_eq!(
            ApiError::from(error).status(),
            StatusCode::UNSUPPORTED_MEDIA_TYPE
        );
        let only_gzip: AcceptedEncodings = [ContentEncoding::Gzip].into_iter().collect();
        assert_eq!(
            only_gzip.parse(&headers(&["br"])).unwrap_err().to_string(),
            "The request's Content-Encoding \"br\" is not supported; this webhook accepts gzip \
             or identity."
        );
        let none: AcceptedEncodings = [].into_iter().collect();
        assert!(none
            .parse(&headers(&["gzip"]))
            .unwrap_err()
            .to_string()
            .ends_with("accepts identity."));
        assert_eq!(
            AcceptedEncodings::default()
                .parse(&headers(&["gzip, gzip, gzip, gzip"]))
                .unwrap_err(),
            EncodingError::TooManyCodings(4)
        );
    }

    #[test]
    fn decodes_each_coding_and_stacks() {
        let data = br#"{"topic": "t"}"#;
        let limit = 1024;
        let decode = |header: &'static str, body: Vec<u8>| {
            codings(&[header]).decode(Bytes::from(body), limit).unwrap()
        };
        assert_eq!(decode("gzip", gzip(data)), &data[..]);
        assert_eq!(decode("deflate", zlib(data)), &data[..]);
        #[cfg(feature = "brotli")]
        {
            assert_eq!(decode("br", brotli(data)), &data[..]);
            assert_eq!(decode("gzip, br", brotli(&gzip(data))), &data[..]);
        }
        // Two gzip members are one body.
        let mut members = gzip(b"{\"topic\": ");
        members.extend(gzip(b"\"t\"}"));
        assert_eq!(decode("gzip", members), &data[..]);
    }

    #[test]
    fn corrupt_bodies_are_400_naming_the_coding() {
        let data = br#"{"topic": "t"}"#;
        for (header, body) in [
            ("gzip", data.to_vec()),
            ("deflate", data.to_vec()),
            #[cfg(feature = "brotli")]
            ("br", data.to_vec()),
            ("gzip", gzip(data)[..10].to_vec()),
            ("deflate", zlib(data)[..6].to_vec()),
        ] {
            let error = codings(&[header])
                .decode(Bytes::from(body), 1024)
                .unwrap_err();
            let EncodingError::Corrupt { coding, .. } = &error else {
                panic!("{header}: {error:?}");
            };
            assert_eq!(*coding, header);
            let api = ApiError::from(error.clone());
            assert_eq!(api.status(), StatusCode::BAD_REQUEST);
            assert!(api
                .description()
                .starts_with(&format!("The request body is not valid {header} data: ")));
        }
    }

    #[cfg(not(feature = "brotli"))]
    #[test]
    fn without_the_brotli_feature_br_is_refused_like_any_other_coding() {
        assert!(!ContentEncoding::Br.is_available());
        let error = AcceptedEncodings::default()
            .parse(&headers(&["br"]))
            .unwrap_err();
        assert_eq!(
            error.to_string(),
            "The request's Content-Encoding \"br\" is not supported; this webhook accepts \
             gzip, deflate or identity."
        );
        assert_eq!(
            ApiError::from(error).status(),
            StatusCode::UNSUPPORTED_MEDIA_TYPE
        );
        assert!(AcceptedEncodings::default()
            .parse(&headers(&["gzip, br"]))
            .is_err());
        let chosen = std::panic::catch_unwind(|| {
            [ContentEncoding::Gzip, ContentEncoding::Br]
                .into_iter()
                .collect::<AcceptedEncodings>()
        });
        assert!(chosen.is_err());
    }

    #[test]
    fn decoding_runs_in_steps_of_a_budget() {
        let data: Vec<u8> = (0..200_000u32).map(|n| (n % 251) as u8).collect();
        let mut decoding = codings(&["gzip"]).decoding(Bytes::from(gzip(&data)), 1 << 20);
        assert_eq!(decoding.step(INLINE_DECODING_BUDGET), Ok(false));
        assert!(decoding.output.len() >= INLINE_DECODING_BUDGET);
        assert!(decoding.output.len() < data.len());
        assert_eq!(decoding.step(usize::MAX), Ok(true));
        assert_eq!(decoding.finish(), data);
    }

    /// Found by the `decode` fuzz target: a `br` stream of a few bytes declaring a 16 MiB
    /// window made the decoder allocate (and fill, before its first output) 16 MiB, whatever
    /// the limit. A window over twice the limit and over 4 MiB is now refused before it is
    /// allocated.
    #[cfg(feature = "brotli")]
    #[test]
    fn a_brotli_window_over_the_cap_is_refused_before_it_is_allocated() {
        // 64 MiB of zeros, quality 5, a 16 MiB window, in meta-blocks of 16 MiB: 52 bytes.
        let bomb = hex::decode(
            "cfffff7f002400e2b14072effff9ffff0f8004401c1680eefd3fffffff01900088c302d0bdffe7ffff3f\
             001200715800baf7ff03",
        )
        .unwrap();
        let error = codings(&["br"])
            .decode(Bytes::from(bomb.clone()), 4096)
            .unwrap_err();
        assert_eq!(
            error,
            EncodingError::WindowTooLarge {
                window: 1 << 24,
                most: 1 << 22
            }
        );
        let api = ApiError::from(error);
        assert_eq!(api.status(), StatusCode::PAYLOAD_TOO_LARGE);
        assert_eq!(
            api.description(),
            "The request body's Brotli stream needs a window of 16777216 bytes; this webhook \
             decodes windows of at most 4194304 bytes."
        );
        // Inside a stack of codings too.
        assert!(matches!(
            codings(&["br, gzip"]).decode(Bytes::from(gzip(&bomb)), 4096),
            Err(EncodingError::WindowTooLarge { .. })
        ));
        // Twice the limit when that is more than 4 MiB.
        assert_eq!(
            codings(&["br"]).decode(Bytes::from(bomb), 8 << 20),
            Err(EncodingError::TooLarge { limit: 8 << 20 })
        );
        // A window within the cap: decoded, and refused when the data passes the limit.
        let zeros = vec![0u8; 1 << 20];
        assert_eq!(
            codings(&["br"]).decode(Bytes::from(brotli_with_window(&zeros, 22)), 4096),
            Err(EncodingError::TooLarge { limit: 4096 })
        );
        // A body compressed whole is one last meta-block, whose ring buffer fits its data:
        // any window passes.
        let data = br#"{"topic": "conversation.step_reached"}"#;
        assert_eq!(
            codings(&["br"])
                .decode(Bytes::from(brotli_with_window(data, 24)), 4096)
                .unwrap(),
            &data[..]
        );
        // A small body from a streaming encoder at quality 1 (its data in a meta-block that is
        // not the last: the decoder asks for the whole window) passes at the default window,
        // even with a small limit (found by the `decode` fuzz target with a first cap of twice
        // the limit).
        let small = vec![191u8; 192];
        let mut streamed = Vec::new();
        {
            let mut encoder = brotli::CompressorWriter::new(&mut streamed, 4096, 1, 22);
            encoder.write_all(&small).unwrap();
        }
        assert_eq!(
            codings(&["br"])
                .decode(Bytes::from(streamed), 4096)
                .unwrap(),
            small
        );
        // With the default limit, the default window passes in several meta-blocks.
        let large: Vec<u8> = (0..1_500_000u32).map(|n| (n % 251) as u8).collect();
        let decoded = codings(&["br"])
            .decode(
                Bytes::from(brotli_with_window(&large, 22)),
                crate::DEFAULT_BODY_LIMIT,
            )
            .unwrap();
        assert_eq!(decoded, large);
        assert_eq!(max_brotli_window(crate::DEFAULT_BODY_LIMIT), 1 << 22);
        assert_eq!(max_brotli_window(4096), 1 << 22);
        assert_eq!(max_brotli_window(8 << 20), 16 << 20);
    }

    #[test]
    fn the_limit_applies_to_decoded_bytes_at_every_stage() {
        let data = vec![b' '; 10_000];
        let ok = codings(&["gzip"])
            .decode(Bytes::from(gzip(&data)), 10_000)
            .unwrap();
        assert_eq!(ok.len(), 10_000);
        assert_eq!(
            codings(&["gzip"]).decode(Bytes::from(gzip(&data)), 9_999),
            Err(EncodingError::TooLarge { limit: 9_999 })
        );
        // Each stage is capped: here the last one to run inflates past the limit.
        let nested = gzip(&gzip(&data));
        assert_eq!(
            codings(&["gzip, gzip"]).decode(Bytes::from(nested), 5_000),
            Err(EncodingError::TooLarge { limit: 5_000 })
        );
        assert_eq!(
            ApiError::from(EncodingError::TooLarge { limit: 1 }).status(),
            StatusCode::PAYLOAD_TOO_LARGE
        );
    }
}
