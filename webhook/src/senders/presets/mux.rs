//! Mux: `Mux-Signature: t=<unix seconds>,v1=<hex>`, the HMAC-SHA256 of `<t>.<body>` under the
//! webhook signing secret; five minutes of tolerance, as Mux's SDK.

use std::time::{Duration, SystemTime};

use super::common::{self, Unit};
use crate::http::VerifyError;
use crate::senders::scheme::{
    self, Key, KeyError, KeyKind, Outgoing, Preset, SignedRequest, SigningKey,
};

const HEADER: &str = "mux-signature";

/// The secret, trimmed.
fn parse_key(text: &str) -> Result<Key, KeyError> {
    common::parse_secret(text.trim())
}

fn verify(
    keys: &[Key],
    request: &SignedRequest<'_>,
    now: SystemTime,
    tolerance: Option<Duration>,
) -> Result<(), VerifyError> {
    common::verify_t_v1(keys, request, HEADER, Unit::Secs, now, tolerance)
}

fn sign(key: &SigningKey, out: &mut Outgoing, now: SystemTime) {
    let t = common::unix_secs(now).to_string();
    common::sign_t_v1(key, parse_key, out, HEADER, &t, ",");
}

fn event(request: &SignedRequest<'_>) -> Option<String> {
    common::body_field(request, "/type")
}

fn delivery_id(request: &SignedRequest<'_>) -> Option<String> {
    common::body_field(request, "/id")
}

fn timestamp(request: &SignedRequest<'_>) -> Option<i64> {
    common::pair_int(request, HEADER, ',', "t")
}

/// Mux webhooks.
pub static PRESET: Preset = Preset {
    name: "mux",
    title: "Mux",
    key_kind: KeyKind::Secret,
    parse_key,
    tolerance: Some(Duration::from_secs(300)),
    signature_header: HEADER,
    signs_url: false,
    verify,
    sign,
    event,
    delivery_id,
    timestamp,
    handshake_unsigned: scheme::no_handshake_unsigned,
    handshake_signed: scheme::no_handshake_signed,
    sample_event: r#"{"type":"video.asset.ready","object":{"type":"asset","id":"0201p02fGKPE7MrbC269XRD7LpcHhrmbu0002"},"id":"3a56ac3d-33da-4366-855b-f592d898409d","environment":{"name":"Demo pages","id":"j0863n"},"data":{"tracks":[{"type":"video","max_width":1280,"max_height":544,"max_frame_rate":23.976,"id":"0201p02fGKPE7MrbC269XRD7LpcHhrmbu0002","duration":153.361542},{"type":"audio","max_channels":2,"id":"FzB95vBizv02bYNqO5QVzNWRrVo5SnQju","duration":153.361497}],"status":"ready","playback_ids":[{"policy":"public","id":"88Kvx7DR26pNBsvVOGZ5QoSkTnLPQK026"}],"mp4_support":"none","max_stored_resolution":"HD","aspect_ratio":"40:17","duration":153.361542,"created_at":1556577600},"created_at":"2019-04-29T21:20:00.000000Z","attempts":[],"accessor_source":null,"accessor":null,"request_id":null}"#,
    sample_event_type: Some("video.asset.ready"),
};

#[cfg(test)]
mod tests {
    use super::*;
    use crate::senders::presets::common::testing::{check_preset, Case};

    const SECRET: &str = "SuperSecret123";

    #[test]
    fn common() {
        check_preset(
            &PRESET,
            &Case {
                sign_key: SigningKey::Secret(SECRET.into()),
                key: SECRET,
                other_key: "OtherSecret456",
                required: &[PRESET.signature_header],
                ..Case::secret("https://bot.example.com/hook")
            },
        );
    }
}

/// Cross-checks with the provider's SDK (or, where none signs or verifies, its documented HMAC).
#[cfg(test)]
mod sdk_vectors {
    use super::*;
    use crate::senders::presets::common::testing::{at, post, sign, signing_key, verify};

    /// Verification key of both vectors.
    const KEY: &str = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";

    /// Produced by the HMAC the provider documents, written with Node 20 `node:crypto` in judge.mjs (no SDK signs), at 1_700_000_000.
    const SDK_SIGNED: &[(&str, &str)] = &[(
        "mux-signature",
        "t=1700000000,v1=77084e52ff13809b8fbc4fdc32b8e09f09992463dae17d39c9e11b38ce4f00e5",
    )];

    #[test]
    fn sdk_signed_vector_verifies() {
        let body = PRESET.sample_event.as_bytes();
        let request = post("https://bot.example.com/hook", SDK_SIGNED, body);
        let now = at(1_700_000_010);
        assert_eq!(verify(&PRESET, &[KEY], &request, now), Ok(()));
        assert_eq!(
            verify(&PRESET, &["not-the-key-0123", KEY], &request, now),
            Ok(())
        );
    }

    /// Our `sign` of the sample at 1_700_000_000; npm @mux/mux-node 15.3.0 `webhooks.verifySignature` accepted it (and refused it with
    /// the body tampered).
    const OURS_ACCEPTED_BY_SDK: &[(&str, &str)] = &[(
        "mux-signature",
        "t=1700000000,v1=77084e52ff13809b8fbc4fdc32b8e09f09992463dae17d39c9e11b38ce4f00e5",
    )];

    #[test]
    fn our_signature_is_the_one_the_sdk_accepted() {
        let key = signing_key(PRESET.name, "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw");
        let out = sign(
            &PRESET,
            &key,
            "https://bot.example.com/hook",
            "application/json",
            PRESET.sample_event.as_bytes(),
            at(1_700_000_000),
        );
        for (name, value) in OURS_ACCEPTED_BY_SDK {
            assert_eq!(
                out.headers.get(*name).and_then(|v| v.to_str().ok()),
                Some(*value),
                "{name}"
            );
        }
    }
}
