//! The sender presets: one file per provider, each exposing `pub static PRESET: Preset`.

pub mod common;

pub mod bitbucket;
pub mod calendly;
pub mod github;
pub mod gitlab;
pub mod hubspot;
pub mod intercom;
pub mod linear;
pub mod paddle;
pub mod shopify;
pub mod slack;
pub mod square;
pub mod stripe;
pub mod twilio;
pub mod typeform;
pub mod vercel;
pub mod zoom;

use crate::senders::scheme::Preset;

/// Every preset in this module, by name.
pub static ALL: &[&Preset] = &[
    &bitbucket::PRESET,
    &calendly::PRESET,
    &github::PRESET,
    &gitlab::PRESET,
    &hubspot::PRESET,
    &intercom::PRESET,
    &linear::PRESET,
    &paddle::PRESET,
    &shopify::PRESET,
    &slack::PRESET,
    &square::PRESET,
    &stripe::PRESET,
    &twilio::PRESET,
    &typeform::PRESET,
    &vercel::PRESET,
    &zoom::PRESET,
];

#[cfg(test)]
mod tests {
    use super::ALL;

    #[test]
    fn names_are_unique_lowercase_and_samples_parse() {
        let mut names: Vec<&str> = ALL.iter().map(|preset| preset.name).collect();
        names.sort_unstable();
        names.dedup();
        assert_eq!(names.len(), ALL.len());
        for preset in ALL {
            assert!(preset
                .name
                .chars()
                .all(|c| c.is_ascii_lowercase() || c == '-'));
            if preset.name != "twilio" {
                let parsed: Result<serde_json::Value, _> =
                    serde_json::from_str(preset.sample_event);
                assert!(parsed.is_ok(), "{} sample is JSON", preset.name);
            }
        }
    }
}
