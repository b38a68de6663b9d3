//! What a sender preset is: a provider's signature scheme, where its event type and delivery id
//! are read, and its handshake. Each preset is one `pub static PRESET: Preset` in its own file
//! under `presets/`, built from plain functions.
//!
//! This is the contract every preset is written against; the helpers the presets share are in
//! `presets/common.rs`.

use std::time::{Duration, SystemTime};

use http::{HeaderMap, Method, StatusCode};

use crate::http::VerifyError;

pub use crate::http::SignedRequest;

/// What kind of secret a preset is configured with.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum KeyKind {
    /// A shared secret (HMAC key or token), as the provider's dashboard shows it.
    Secret,
    /// An Ed25519 public key, hexadecimal (Discord).
    Ed25519PublicKeyHex,
    /// An ECDSA P-256 public key, base64 DER (SubjectPublicKeyInfo), as SendGrid shows it.
    P256PublicKeyBase64,
}

/// A configured key, decoded.
#[derive(Clone)]
pub enum Key {
    /// A shared secret's bytes (already decoded where the provider encodes it, e.g. `whsec_`).
    Secret(Vec<u8>),
    /// An Ed25519 public key.
    Ed25519(ed25519_dalek::VerifyingKey),
    /// An ECDSA P-256 public key.
    P256(p256::ecdsa::VerifyingKey),
}

impl std::fmt::Debug for Key {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // Secrets never appear in logs or errors.
        f.write_str(match self {
            Key::Secret(_) => "Key::Secret(<redacted>)",
            Key::Ed25519(_) => "Key::Ed25519(..)",
            Key::P256(_) => "Key::P256(..)",
        })
    }
}

/// The key a test (or the `send` subcommand) signs with.
#[derive(Clone)]
pub enum SigningKey {
    /// A shared secret, as configured (the same text the server is given).
    Secret(String),
    /// An Ed25519 private key.
    Ed25519(ed25519_dalek::SigningKey),
    /// An ECDSA P-256 private key.
    P256(p256::ecdsa::SigningKey),
}

impl SigningKey {
    /// The key a test or a tool signs with, from text: a secret as it is; for Discord an
    /// Ed25519 private key (the 32-byte seed, hexadecimal); for SendGrid an ECDSA P-256 private
    /// key (base64 PKCS#8 DER). The error never holds the key.
    ///
    /// ```
    /// use clustaar_webhook::senders::{KeyKind, SigningKey};
    ///
    /// assert!(SigningKey::from_text(KeyKind::Ed25519PublicKeyHex, &"07".repeat(32)).is_ok());
    /// assert!(SigningKey::from_text(KeyKind::Ed25519PublicKeyHex, "zz").is_err());
    /// ```
    pub fn from_text(kind: KeyKind, text: &str) -> Result<Self, KeyError> {
        let text = text.trim();
        match kind {
            KeyKind::Secret => Ok(SigningKey::Secret(text.to_owned())),
            KeyKind::Ed25519PublicKeyHex => {
                let seed: [u8; 32] = hex::decode(text)
                    .ok()
                    .and_then(|bytes| bytes.try_into().ok())
                    .ok_or_else(|| {
                        KeyError("an Ed25519 private key is 32 bytes in hexadecimal".into())
                    })?;
                Ok(SigningKey::Ed25519(ed25519_dalek::SigningKey::from_bytes(
                    &seed,
                )))
            }
            KeyKind::P256PublicKeyBase64 => {
                use base64::Engine as _;
                use p256::pkcs8::DecodePrivateKey as _;
                base64::engine::general_purpose::STANDARD
                    .decode(text)
                    .ok()
                    .and_then(|der| p256::ecdsa::SigningKey::from_pkcs8_der(&der).ok())
                    .map(SigningKey::P256)
                    .ok_or_else(|| {
                        KeyError("an ECDSA P-256 private key is base64 PKCS#8 DER".into())
                    })
            }
        }
    }
}

impl From<&str> for SigningKey {
    /// A shared secret.
    fn from(secret: &str) -> Self {
        SigningKey::Secret(secret.to_owned())
    }
}

impl From<String> for SigningKey {
    /// A shared secret.
    fn from(secret: String) -> Self {
        SigningKey::Secret(secret)
    }
}

impl std::fmt::Debug for SigningKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // Keys never appear in logs or errors.
        f.write_str(match self {
            SigningKey::Secret(_) => "SigningKey::Secret(<redacted>)",
            SigningKey::Ed25519(_) => "SigningKey::Ed25519(<redacted>)",
            SigningKey::P256(_) => "SigningKey::P256(<redacted>)",
        })
    }
}

/// A configured secret that does not decode, or is of the wrong kind.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct KeyError(pub String);

/// A request being signed by [`Preset::sign`]: the preset adds its headers (and, for schemes
/// that carry the signature in the body or the URL, rewrites those).
#[derive(Debug, Clone)]
pub struct Outgoing {
    /// The method.
    pub method: Method,
    /// The absolute URL it is sent to.
    pub url: String,
    /// Headers (the preset adds its own; `content-type` is set by the caller).
    pub headers: HeaderMap,
    /// The body.
    pub body: Vec<u8>,
}

/// An answer a handshake sends instead of running a handler.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Reply {
    /// The status.
    pub status: StatusCode,
    /// The headers (content type included).
    pub headers: Vec<(http::HeaderName, http::HeaderValue)>,
    /// The body, byte for byte what the provider expects.
    pub body: Vec<u8>,
}

/// [`Preset::verify`]: checks a request against the configured keys, at `now`, with the route's
/// tolerance.
pub type VerifyFn = fn(
    keys: &[Key],
    request: &SignedRequest<'_>,
    now: SystemTime,
    tolerance: Option<Duration>,
) -> Result<(), VerifyError>;

/// [`Preset::handshake_unsigned`]: a reply (or a refusal) sent before any signature check.
pub type UnsignedHandshakeFn =
    fn(request: &SignedRequest<'_>, keys: &[Key]) -> Option<Result<Reply, VerifyError>>;

/// A provider's way of sending webhooks.
#[derive(Debug)]
pub struct Preset {
    /// The preset's name, lowercase with dashes: `stripe`, `lemon-squeezy`.
    pub name: &'static str,
    /// The provider's name for people: `Stripe`, `Lemon Squeezy`.
    pub title: &'static str,
    /// What the configured secret is.
    pub key_kind: KeyKind,
    /// Decodes one configured secret (e.g. strips `whsec_` and decodes base64).
    pub parse_key: fn(&str) -> Result<Key, KeyError>,
    /// The default timestamp tolerance, where the scheme signs a timestamp.
    pub tolerance: Option<Duration>,
    /// The header (or body field) carrying the signature, for the presets' table (README, guide).
    pub signature_header: &'static str,
    /// Whether the scheme signs the URL (Twilio, HubSpot, Square): then [`SignedRequest::url`]
    /// is the absolute URL the sender addressed (behind a proxy, the public one); otherwise it
    /// is the request's path and query, which is all the others read (no URL is built).
    pub signs_url: bool,
    /// Checks the request: any one of `keys` may accept it (rotation), any one of several
    /// signatures in one header may match. `tolerance` is the route's (default: the preset's).
    pub verify: VerifyFn,
    /// Signs `request` as the provider would at `now`.
    pub sign: fn(key: &SigningKey, request: &mut Outgoing, now: SystemTime),
    /// The event type as the provider names it (`invoice.paid`, `push`), if the request says.
    pub event: fn(&SignedRequest<'_>) -> Option<String>,
    /// The provider's delivery id (for idempotency), if the request carries one.
    pub delivery_id: fn(&SignedRequest<'_>) -> Option<String>,
    /// The signed timestamp, seconds since the Unix epoch, if the scheme signs one.
    pub timestamp: fn(&SignedRequest<'_>) -> Option<i64>,
    /// A handshake answered *before* any signature check (unsigned ones: Meta's `GET` with
    /// `hub.challenge` checked against the verify token, Dropbox's `GET` challenge, Asana's
    /// `X-Hook-Secret`). `Some(Err(..))` refuses it (a wrong verify token: 401/403).
    pub handshake_unsigned: UnsignedHandshakeFn,
    /// A handshake answered *after* the signature was accepted (Slack's `url_verification`,
    /// Discord's `PING`, Zoom's `endpoint.url_validation`, Twitch's
    /// `webhook_callback_verification`). The keys are there for Zoom's `encryptedToken`.
    pub handshake_signed: fn(&SignedRequest<'_>, &[Key]) -> Option<Reply>,
    /// A sample request body of a typical event, for `send` and the tests.
    pub sample_event: &'static str,
    /// The sample's event type (what `event` reads from it).
    pub sample_event_type: Option<&'static str>,
}

/// No handshake.
pub fn no_handshake_unsigned(
    _: &SignedRequest<'_>,
    _: &[Key],
) -> Option<Result<Reply, VerifyError>> {
    None
}

/// No handshake.
pub fn no_handshake_signed(_: &SignedRequest<'_>, _: &[Key]) -> Option<Reply> {
    None
}

/// Nothing read.
pub fn none(_: &SignedRequest<'_>) -> Option<String> {
    None
}

/// No signed timestamp.
pub fn no_timestamp(_: &SignedRequest<'_>) -> Option<i64> {
    None
}
