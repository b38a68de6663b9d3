//! [`Sender`]: a preset with its keys, the signature check of a route.

use std::fmt;
use std::sync::Arc;
use std::time::{Duration, SystemTime};

use super::event::SenderEvent;
use super::scheme::{Key, KeyError, KeyKind, Preset, Reply, SignedRequest};
use crate::http::{Verify, VerifyError};

/// A sender that cannot be configured. Never holds a secret's text.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum SenderError {
    /// No preset has this name.
    #[error("no sender preset is called {name:?}{suggestion}")]
    UnknownPreset {
        /// The name given.
        name: String,
        /// ": did you mean ...?", or nothing.
        suggestion: String,
    },
    /// The environment variable that holds the secret is not set (or empty).
    #[error("the {preset} sender's {what} is read from the environment variable {variable}, which is not set")]
    MissingVariable {
        /// The preset.
        preset: &'static str,
        /// What the variable holds: "secret", "public key".
        what: &'static str,
        /// The variable.
        variable: String,
    },
    /// No key was given.
    #[error("the {preset} sender needs at least one {what}")]
    NoKey {
        /// The preset.
        preset: &'static str,
        /// What it needs.
        what: &'static str,
    },
    /// A key does not decode.
    #[error("the {preset} sender's {what}{from} is invalid: {reason}")]
    InvalidKey {
        /// The preset.
        preset: &'static str,
        /// What it is.
        what: &'static str,
        /// " (from VARIABLE)", or nothing.
        from: String,
        /// Why (never the key itself).
        reason: KeyError,
    },
}

/// What a preset's key is called, for people.
pub(crate) fn key_name(kind: KeyKind) -> &'static str {
    match kind {
        KeyKind::Secret => "secret",
        KeyKind::Ed25519PublicKeyHex => "public key (hexadecimal Ed25519)",
        KeyKind::P256PublicKeyBase64 => "public key (base64 ECDSA P-256)",
    }
}

/// A provider's preset with its keys: the signature check of a route
/// ([`HttpRoute::sender`](crate::http::HttpRoute::sender)), its handshakes and the facts it
/// reads ([`SenderEvent`]). Cloning is cheap; `Debug` shows no key.
#[derive(Clone)]
pub struct Sender {
    preset: &'static Preset,
    keys: Arc<[Key]>,
    tolerance: Option<Duration>,
    public_url: Option<Arc<str>>,
    /// The environment variable the keys were read from.
    variable: Option<Arc<str>>,
}

impl fmt::Debug for Sender {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Sender")
            .field("preset", &self.preset.name)
            .field("keys", &self.keys.len())
            .field("tolerance", &self.tolerance)
            .field("public_url", &self.public_url)
            .finish()
    }
}

impl Sender {
    /// The preset called `preset` with `keys` (secrets, or public keys for Discord and
    /// SendGrid): several during a rotation, any one of them accepting a request.
    ///
    /// ```
    /// use clustaar_webhook::senders::Sender;
    ///
    /// let github = Sender::new("github", ["old secret", "new secret"]).unwrap();
    /// assert_eq!(github.preset().name, "github");
    /// assert!(Sender::new("stirpe", ["s"]).unwrap_err().to_string().contains("did you mean \"stripe\""));
    /// ```
    pub fn new<K: AsRef<str>>(
        preset: &str,
        keys: impl IntoIterator<Item = K>,
    ) -> Result<Self, SenderError> {
        Self::with_keys(find(preset)?, keys, None)
    }

    /// The preset called `preset`, its keys read from the environment variable `variable`
    /// (several separated by white space, for a rotation).
    pub fn from_env(preset: &str, variable: &str) -> Result<Self, SenderError> {
        let preset = find(preset)?;
        let what = key_name(preset.key_kind);
        let text = std::env::var(variable)
            .ok()
            .filter(|text| !text.trim().is_empty())
            .ok_or_else(|| SenderError::MissingVariable {
                preset: preset.name,
                what,
                variable: variable.to_owned(),
            })?;
        let mut sender = Self::with_keys(preset, text.split_whitespace(), Some(variable))?;
        sender.variable = Some(variable.into());
        Ok(sender)
    }

    fn with_keys<K: AsRef<str>>(
        preset: &'static Preset,
        keys: impl IntoIterator<Item = K>,
        variable: Option<&str>,
    ) -> Result<Self, SenderError> {
        let what = key_name(preset.key_kind);
        let keys = keys
            .into_iter()
            .map(|key| {
                (preset.parse_key)(key.as_ref()).map_err(|reason| SenderError::InvalidKey {
                    preset: preset.name,
                    what,
                    from: variable.map(|v| format!(" (from {v})")).unwrap_or_default(),
                    reason,
                })
            })
            .collect::<Result<Vec<Key>, SenderError>>()?;
        if keys.is_empty() {
            return Err(SenderError::NoKey {
                preset: preset.name,
                what,
            });
        }
        Ok(Self {
            preset,
            keys: keys.into(),
            tolerance: preset.tolerance,
            public_url: None,
            variable: None,
        })
    }

    /// The preset.
    pub fn preset(&self) -> &'static Preset {
        self.preset
    }

    /// The environment variable the keys were read from ([`Sender::from_env`]).
    pub fn variable(&self) -> Option<&str> {
        self.variable.as_deref()
    }

    /// How far a signed timestamp may be from now (default: the preset's); `None` disables the
    /// check (for tests that replay recorded requests).
    pub fn tolerance(mut self, tolerance: impl Into<Option<Duration>>) -> Self {
        self.tolerance = tolerance.into();
        self
    }

    /// The public base URL the provider sends to (`https://bot.example.com`), for the schemes
    /// that sign the URL (Twilio, HubSpot, Square) when a proxy changes what the server sees:
    /// the URL checked is this base followed by the request's path and query. It comes before
    /// the webhook's ([`Webhook::public_url`](crate::Webhook::public_url), `WEBHOOK_PUBLIC_URL`)
    /// and the trusted forwarded headers; without any, the URL is `http://` + the `Host` header
    /// + the path and query (see [`PublicUrl`](super::PublicUrl)).
    pub fn public_url(mut self, url: impl AsRef<str>) -> Self {
        self.public_url = Some(url.as_ref().trim_end_matches('/').into());
        self
    }

    /// The sender's own public base URL ([`Sender::public_url`]).
    pub fn public_base(&self) -> Option<&str> {
        self.public_url.as_deref()
    }

    /// Checks `request` as if the time were `now`.
    pub fn verify_at(
        &self,
        request: &SignedRequest<'_>,
        now: SystemTime,
    ) -> Result<(), VerifyError> {
        (self.preset.verify)(&self.keys, request, now, self.tolerance)
    }

    /// What the preset reads from `request`.
    pub fn event(&self, request: &SignedRequest<'_>) -> SenderEvent {
        SenderEvent {
            sender: self.preset.name,
            event: (self.preset.event)(request),
            id: (self.preset.delivery_id)(request),
            timestamp: (self.preset.timestamp)(request),
        }
    }

    /// The answer to a handshake that comes before any signature (Meta's and Dropbox's `GET`,
    /// Asana's `X-Hook-Secret`), when `request` is one.
    pub fn handshake_unsigned(
        &self,
        request: &SignedRequest<'_>,
    ) -> Option<Result<Reply, VerifyError>> {
        (self.preset.handshake_unsigned)(request, &self.keys)
    }

    /// The answer to a signed handshake (Slack's `url_verification`, Discord's `PING`, Zoom's
    /// and Twitch's validations), when `request`, already verified, is one.
    pub fn handshake_signed(&self, request: &SignedRequest<'_>) -> Option<Reply> {
        (self.preset.handshake_signed)(request, &self.keys)
    }
}

impl Verify for Sender {
    fn verify(&self, request: &SignedRequest<'_>) -> Result<(), VerifyError> {
        self.verify_at(request, SystemTime::now())
    }
}

fn find(name: &str) -> Result<&'static Preset, SenderError> {
    super::preset(name).ok_or_else(|| {
        let names: Vec<&str> = super::presets::ALL.iter().map(|p| p.name).collect();
        let suggestion = names
            .iter()
            .map(|candidate| (strsim::levenshtein(name, candidate), *candidate))
            .filter(|(distance, _)| *distance <= 2)
            .min()
            .map(|(_, candidate)| format!(": did you mean {candidate:?}?"))
            .unwrap_or_default();
        SenderError::UnknownPreset {
            name: name.to_owned(),
            suggestion,
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_sender_from_the_environment_names_the_variable_and_never_the_secret() {
        let missing = Sender::from_env("stripe", "WEBHOOK_TEST_NO_SUCH_VARIABLE").unwrap_err();
        assert_eq!(
            missing.to_string(),
            "the stripe sender's secret is read from the environment variable \
             WEBHOOK_TEST_NO_SUCH_VARIABLE, which is not set"
        );
        let sender = Sender::new("stripe", ["top-secret-value"]).unwrap();
        assert!(!format!("{sender:?}").contains("top-secret-value"));
        assert!(matches!(
            Sender::new("stripe", Vec::<String>::new()),
            Err(SenderError::NoKey { .. })
        ));
    }

    /// The macros check names and kinds of key against `clustaar_webhook_core::senders`: the same presets.
    #[test]
    fn the_macros_know_every_preset_and_its_kind_of_key() {
        use clustaar_webhook_core::senders::{KeyKind as Core, PRESETS};
        let names: Vec<&str> = super::super::presets::ALL.iter().map(|p| p.name).collect();
        let core: Vec<&str> = PRESETS.iter().map(|(name, _)| *name).collect();
        assert_eq!(names, core);
        for preset in super::super::presets::ALL {
            let kind = clustaar_webhook_core::senders::key_kind(preset.name).unwrap();
            assert_eq!(
                kind == Core::PublicKey,
                preset.key_kind != KeyKind::Secret,
                "{}",
                preset.name
            );
        }
    }

    #[test]
    fn a_public_url_loses_its_trailing_slash() {
        let sender = Sender::new("twilio", ["t"]).unwrap();
        assert_eq!(sender.public_base(), None);
        let public = sender.public_url("https://bot.example.com/");
        assert_eq!(public.public_base(), Some("https://bot.example.com"));
    }
}
