//! The sender presets, one file per provider, each exposing `pub static PRESET: Preset`;
//! [`ALL`] lists them.

pub(crate) mod common;

pub mod asana;
pub mod bitbucket;
pub mod calendly;
pub mod coinbase_commerce;
pub mod discord;
pub mod dropbox;
pub mod github;
pub mod gitlab;
pub mod hubspot;
pub mod intercom;
pub mod lemon_squeezy;
pub mod line;
pub mod linear;
pub mod mailgun;
pub mod meta;
pub mod mux;
pub mod paddle;
pub mod pagerduty;
pub mod sendgrid;
pub mod sentry;
pub mod shopify;
pub mod slack;
pub mod square;
pub mod standard_webhooks;
pub mod stripe;
pub mod svix;
pub mod twilio;
pub mod twitch;
pub mod typeform;
pub mod vercel;
pub mod workos;
pub mod zoom;

use crate::senders::scheme::Preset;

/// Every preset.
pub static ALL: &[&Preset] = &[
    &stripe::PRESET,
    &github::PRESET,
    &gitlab::PRESET,
    &bitbucket::PRESET,
    &slack::PRESET,
    &shopify::PRESET,
    &twilio::PRESET,
    &discord::PRESET,
    &standard_webhooks::PRESET,
    &svix::PRESET,
    &paddle::PRESET,
    &linear::PRESET,
    &zoom::PRESET,
    &intercom::PRESET,
    &hubspot::PRESET,
    &square::PRESET,
    &sendgrid::PRESET,
    &mailgun::PRESET,
    &twitch::PRESET,
    &typeform::PRESET,
    &calendly::PRESET,
    &vercel::PRESET,
    &meta::PRESET,
    &line::PRESET,
    &mux::PRESET,
    &workos::PRESET,
    &pagerduty::PRESET,
    &sentry::PRESET,
    &lemon_squeezy::PRESET,
    &coinbase_commerce::PRESET,
    &dropbox::PRESET,
    &asana::PRESET,
];

#[cfg(test)]
mod tests {
    use super::common::testing::{sign, signing_key, verify};
    use super::ALL;

    /// The keys each preset's round trip signs and verifies with: an RFC 8032 test seed and its
    /// public key (Discord), a P-256 key (SendGrid), a `whsec_` secret (everything else: a
    /// plain secret for most, base64 for Standard Webhooks and Svix).
    fn keys(name: &str) -> (&'static str, &'static str) {
        match name {
            "discord" => (
                "9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60",
                "d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a",
            ),
            "sendgrid" => (
                super::sendgrid::tests::PRIVATE,
                super::sendgrid::tests::PUBLIC,
            ),
            _ => (
                "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw",
                "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw",
            ),
        }
    }

    /// The header naming the event, for the providers that send it beside the signature.
    fn event_header(name: &str) -> Option<&'static str> {
        match name {
            "github" => Some("X-GitHub-Event"),
            "gitlab" => Some("X-Gitlab-Event"),
            "bitbucket" => Some("X-Event-Key"),
            "shopify" => Some("X-Shopify-Topic"),
            _ => None,
        }
    }

    #[test]
    fn names_are_unique_lowercase_with_dashes() {
        let mut names: Vec<&str> = ALL.iter().map(|preset| preset.name).collect();
        assert_eq!(names.len(), 32);
        names.sort_unstable();
        names.dedup();
        assert_eq!(names.len(), ALL.len(), "unique names");
        for preset in ALL {
            assert!(
                preset
                    .name
                    .chars()
                    .all(|c| c.is_ascii_lowercase() || c == '-'),
                "{}",
                preset.name
            );
            assert_eq!(
                crate::senders::preset(preset.name).map(|found| found.name),
                Some(preset.name)
            );
        }
        for name in ["lemon-squeezy", "standard-webhooks", "coinbase-commerce"] {
            assert!(crate::senders::preset(name).is_some(), "{name}");
        }
        assert!(crate::senders::preset("lemon_squeezy").is_none());
    }

    #[test]
    fn samples_are_json_except_twilio_form() {
        for preset in ALL {
            let parsed = serde_json::from_str::<serde_json::Value>(preset.sample_event);
            assert_eq!(parsed.is_ok(), preset.name != "twilio", "{}", preset.name);
        }
    }

    /// Each preset's `sign` of its sample verifies with its own `verify`, and `event` reads
    /// the sample's event type back.
    #[test]
    fn every_sample_round_trips() {
        for preset in ALL {
            let (sign_text, verify_text) = keys(preset.name);
            let content_type = if preset.name == "twilio" {
                "application/x-www-form-urlencoded"
            } else {
                "application/json"
            };
            let now = super::common::testing::at(1_700_000_000);
            let signed = sign(
                preset,
                &signing_key(preset.name, sign_text),
                "https://bot.example.com/hook",
                content_type,
                preset.sample_event,
                now,
            );
            assert_eq!(
                verify(preset, &[verify_text], &signed, now),
                Ok(()),
                "{}",
                preset.name
            );
            // The providers that name the event in a header beside the signature (which `sign`
            // does not add) send it as this.
            let signed = match (event_header(preset.name), preset.sample_event_type) {
                (Some(name), Some(event)) => signed.with(name, event),
                _ => signed,
            };
            let event = (preset.event)(&signed.signed());
            assert_eq!(
                event.as_deref(),
                preset.sample_event_type,
                "{}",
                preset.name
            );
        }
    }
}
