//! The sender presets as the macros see them: each preset's name and the kind of key it is
//! configured with, and the event types each provider publishes ([`catalogue`]), so that
//! `#[on(..., sender = stripe(secret = env("...")), event = "invoice.paid")]` is checked at
//! compile time. The runtime (`clustaar_webhook::senders`) checks at start that its presets are these.

pub mod catalogue;

/// The kind of key a preset is configured with.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum KeyKind {
    /// A shared secret: written `secret = env("VARIABLE")`.
    Secret,
    /// A public key: written `public_key = env("VARIABLE")` (Discord, SendGrid).
    PublicKey,
}

/// Every preset: its name and the kind of its key.
pub const PRESETS: &[(&str, KeyKind)] = &[
    ("stripe", KeyKind::Secret),
    ("github", KeyKind::Secret),
    ("gitlab", KeyKind::Secret),
    ("bitbucket", KeyKind::Secret),
    ("slack", KeyKind::Secret),
    ("shopify", KeyKind::Secret),
    ("twilio", KeyKind::Secret),
    ("discord", KeyKind::PublicKey),
    ("standard-webhooks", KeyKind::Secret),
    ("svix", KeyKind::Secret),
    ("paddle", KeyKind::Secret),
    ("linear", KeyKind::Secret),
    ("zoom", KeyKind::Secret),
    ("intercom", KeyKind::Secret),
    ("hubspot", KeyKind::Secret),
    ("square", KeyKind::Secret),
    ("sendgrid", KeyKind::PublicKey),
    ("mailgun", KeyKind::Secret),
    ("twitch", KeyKind::Secret),
    ("typeform", KeyKind::Secret),
    ("calendly", KeyKind::Secret),
    ("vercel", KeyKind::Secret),
    ("meta", KeyKind::Secret),
    ("line", KeyKind::Secret),
    ("mux", KeyKind::Secret),
    ("workos", KeyKind::Secret),
    ("pagerduty", KeyKind::Secret),
    ("sentry", KeyKind::Secret),
    ("lemon-squeezy", KeyKind::Secret),
    ("coinbase-commerce", KeyKind::Secret),
    ("dropbox", KeyKind::Secret),
    ("asana", KeyKind::Secret),
];

/// The kind of key of the preset called `name`.
pub fn key_kind(name: &str) -> Option<KeyKind> {
    PRESETS
        .iter()
        .find(|(known, _)| *known == name)
        .map(|(_, kind)| *kind)
}

/// The preset's name as it is written in Rust (`lemon_squeezy`) for the one written in URLs
/// and settings (`lemon-squeezy`).
pub fn from_ident(ident: &str) -> String {
    ident.replace('_', "-")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_catalogued_preset_is_a_preset() {
        for (name, _) in PRESETS {
            let _ = catalogue::catalogue(name);
        }
        assert_eq!(key_kind("discord"), Some(KeyKind::PublicKey));
        assert_eq!(from_ident("lemon_squeezy"), "lemon-squeezy");
        assert!(catalogue::catalogue("stripe")
            .unwrap()
            .contains(&"invoice.paid"));
    }
}
