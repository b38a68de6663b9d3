//! Discord (interactions and webhook events): `X-Signature-Ed25519` is the hex Ed25519
//! signature of `X-Signature-Timestamp` followed by the body, under the application's key;
//! the configured key is the application's public key, in hex.

use std::time::{Duration, SystemTime};

use ed25519_dalek::{Signer as _, Verifier as _};
use http::StatusCode;

use super::common::{self, Unit};
use crate::http::VerifyError;
use crate::senders::scheme::{
    Key, KeyError, KeyKind, Outgoing, Preset, Reply, SignedRequest, SigningKey,
};

const SIGNATURE: &str = "x-signature-ed25519";
const TIMESTAMP: &str = "x-signature-timestamp";

fn parse_key(text: &str) -> Result<Key, KeyError> {
    let text = text.trim();
    if text.is_empty() {
        return Err(KeyError("the public key is empty".into()));
    }
    let bytes =
        hex::decode(text).map_err(|_| KeyError("the public key is not hexadecimal".into()))?;
    let bytes: [u8; 32] = bytes
        .try_into()
        .map_err(|_| KeyError("the public key is not 32 bytes (64 hex digits)".into()))?;
    ed25519_dalek::VerifyingKey::from_bytes(&bytes)
        .map(Key::Ed25519)
        .map_err(|_| KeyError("the public key is not a valid Ed25519 point".into()))
}

/// Discord documents no timestamp tolerance, so none is applied unless the route sets one.
fn verify(
    keys: &[Key],
    request: &SignedRequest<'_>,
    now: SystemTime,
    tolerance: Option<Duration>,
) -> Result<(), VerifyError> {
    let sig_text = common::header(request, SIGNATURE)?;
    let ts = common::header(request, TIMESTAMP)?;
    let bytes = common::from_hex(SIGNATURE, sig_text)?;
    let signature = ed25519_dalek::Signature::from_slice(&bytes)
        .map_err(|_| common::malformed(SIGNATURE, "the signature is not 64 bytes"))?;
    if tolerance.is_some() {
        common::check_fresh(
            TIMESTAMP,
            common::parse_int(TIMESTAMP, ts)?,
            Unit::Secs,
            Unit::Secs,
            now,
            tolerance,
        )?;
    }
    let message = [ts.as_bytes(), request.body].concat();
    let ok = keys
        .iter()
        .any(|k| matches!(k, Key::Ed25519(vk) if vk.verify(&message, &signature).is_ok()));
    if ok {
        Ok(())
    } else {
        Err(common::mismatch(SIGNATURE))
    }
}

fn sign(key: &SigningKey, out: &mut Outgoing, now: SystemTime) {
    let SigningKey::Ed25519(sk) = key else { return };
    let ts = common::unix_secs(now).to_string();
    let signature = sk.sign(&[ts.as_bytes(), &out.body].concat());
    common::set_header(out, SIGNATURE, &hex::encode(signature.to_bytes()));
    common::set_header(out, TIMESTAMP, &ts);
}

/// The interaction types' names, by number.
const INTERACTION_TYPES: [&str; 6] = [
    "",
    "PING",
    "APPLICATION_COMMAND",
    "MESSAGE_COMPONENT",
    "APPLICATION_COMMAND_AUTOCOMPLETE",
    "MODAL_SUBMIT",
];

/// A webhook event's `event.type` (`APPLICATION_AUTHORIZED`), `WEBHOOK_PING` for a webhook
/// events ping, else the interaction type's name (`APPLICATION_COMMAND`).
fn event(request: &SignedRequest<'_>) -> Option<String> {
    let body = common::json(request)?;
    if let Some(t) = body.pointer("/event/type").and_then(|t| t.as_str()) {
        return Some(t.to_owned());
    }
    let kind = body.get("type")?.as_u64()?;
    if kind == 0 {
        return Some("WEBHOOK_PING".to_owned());
    }
    let name = INTERACTION_TYPES.get(usize::try_from(kind).ok()?)?;
    (!name.is_empty()).then(|| (*name).to_owned())
}

/// The interaction's `id` (webhook events carry none).
fn delivery_id(request: &SignedRequest<'_>) -> Option<String> {
    common::body_field(request, "/id")
}

fn timestamp(request: &SignedRequest<'_>) -> Option<i64> {
    common::header_opt(request, TIMESTAMP)?.parse().ok()
}

/// An interaction `PING` (`"type": 1` without `event`) gets `{"type":1}` as JSON; a webhook
/// events `PING` (`"type": 0`) gets `204 No Content`.
fn handshake_signed(request: &SignedRequest<'_>, _: &[Key]) -> Option<Reply> {
    let body = common::json(request)?;
    match body.get("type")?.as_u64()? {
        0 => Some(common::reply(StatusCode::NO_CONTENT, None, b"")),
        1 if body.get("event").is_none() => Some(common::reply(
            StatusCode::OK,
            Some("application/json"),
            br#"{"type":1}"#,
        )),
        _ => None,
    }
}

/// Discord interactions endpoint and webhook events.
pub static PRESET: Preset = Preset {
    name: "discord",
    title: "Discord",
    key_kind: KeyKind::Ed25519PublicKeyHex,
    parse_key,
    tolerance: None,
    signature_header: SIGNATURE,
    signs_url: false,
    verify,
    sign,
    event,
    delivery_id,
    timestamp,
    handshake_unsigned: crate::senders::scheme::no_handshake_unsigned,
    handshake_signed,
    sample_event: r#"{"type":2,"token":"A_UNIQUE_TOKEN","member":{"user":{"id":"53908232506183680","username":"Mason","avatar":"a_d5efa99b3eeaa7dd43acca82f5692432","discriminator":"1337","public_flags":131141},"roles":["539082325061836999"],"premium_since":null,"permissions":"2147483647","pending":false,"nick":null,"mute":false,"joined_at":"2017-03-13T19:19:14.040000+00:00","is_pending":false,"deaf":false},"id":"786008729715212338","guild_id":"290926798626357999","app_permissions":"442368","guild_locale":"en-US","locale":"en-US","data":{"options":[{"type":3,"name":"cardname","value":"The Gitrog Monster"}],"type":1,"name":"cardsearch","id":"771825006014889984"},"channel_id":"645027906669510667","version":1,"application_id":"775799577604522054"}"#,
    sample_event_type: Some("APPLICATION_COMMAND"),
};

#[cfg(test)]
mod tests {
    use super::*;
    use crate::senders::presets::common::testing::{check_preset, headers, Case};

    const SEED: &str = "9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60";
    const PUBLIC: &str = "d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a";
    const OTHER_PUBLIC: &str = "3d4017c3e843895a92b70aa74d1b7ebc9c982ccf2ec4968cc0cd55f12af4660c";

    fn signing_key() -> SigningKey {
        let seed: [u8; 32] = hex::decode(SEED)
            .expect("hex")
            .try_into()
            .expect("32 bytes");
        SigningKey::Ed25519(ed25519_dalek::SigningKey::from_bytes(&seed))
    }

    #[test]
    fn common() {
        check_preset(
            &PRESET,
            &Case {
                sign_key: signing_key(),
                key: PUBLIC,
                other_key: OTHER_PUBLIC,
                required: &[PRESET.signature_header],
                ..Case::secret("https://bot.example.com/hook")
            },
        );
    }

    #[test]
    fn keys() {
        assert!(parse_key("zz").is_err());
        assert!(parse_key("abcd").is_err());
        assert!(parse_key(PUBLIC).is_ok());
    }

    #[test]
    fn ping_answered() {
        let h = headers(&[]);
        let req = |body: &'static [u8]| SignedRequest {
            method: &http::Method::POST,
            url: "https://x/d",
            headers: &h,
            body,
        };
        let reply = handshake_signed(
            &req(br#"{"id":"1","application_id":"2","type":1,"token":"t","version":1}"#),
            &[],
        )
        .expect("ping");
        assert_eq!(reply.status, StatusCode::OK);
        assert_eq!(reply.body, br#"{"type":1}"#);
        assert_eq!(
            reply.headers,
            vec![(
                http::header::CONTENT_TYPE,
                http::HeaderValue::from_static("application/json")
            )]
        );
        let reply = handshake_signed(&req(br#"{"version":1,"application_id":"2","type":0}"#), &[])
            .expect("webhook ping");
        assert_eq!(
            (reply.status, reply.body.len()),
            (StatusCode::NO_CONTENT, 0)
        );
        let ev = br#"{"version":1,"application_id":"2","type":1,"event":{"type":"APPLICATION_AUTHORIZED","timestamp":"2024-10-18T14:42:53.064834","data":{}}}"#;
        assert!(handshake_signed(&req(ev), &[]).is_none());
        assert_eq!(event(&req(ev)).as_deref(), Some("APPLICATION_AUTHORIZED"));
    }
}

/// Cross-checks with the provider's SDK (or, where none signs or verifies, its documented HMAC).
#[cfg(test)]
mod sdk_vectors {
    use super::*;
    use crate::senders::presets::common::testing::{at, post, sign, signing_key, verify};

    /// Verification key of both vectors.
    const KEY: &str = "d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a";

    /// Produced by PyPI PyNaCl 1.6.2 `SigningKey.sign`, at 1_700_000_000.
    const SDK_SIGNED: &[(&str, &str)] = &[
        ("x-signature-ed25519", "ca217f3eae648382ad0ffc91122e1cf420561a58b0020425a698404beed99f102ab56861cabc2682962c61d266c5dcbfa94529b53c043d04ef81e985bfc48c02"),
        ("x-signature-timestamp", "1700000000")
    ];

    #[test]
    fn sdk_signed_vector_verifies() {
        let body = PRESET.sample_event.as_bytes();
        let request = post("https://bot.example.com/hook", SDK_SIGNED, body);
        let now = at(1_700_000_010);
        assert_eq!(verify(&PRESET, &[KEY], &request, now), Ok(()));
        assert_eq!(verify(&PRESET, &[KEY, KEY], &request, now), Ok(()));
    }

    /// Our `sign` of the sample at 1_700_000_000; PyPI discord-interactions 0.4.0 `verify_key` accepted it (and refused it with
    /// the body tampered).
    const OURS_ACCEPTED_BY_SDK: &[(&str, &str)] = &[
        ("x-signature-ed25519", "ca217f3eae648382ad0ffc91122e1cf420561a58b0020425a698404beed99f102ab56861cabc2682962c61d266c5dcbfa94529b53c043d04ef81e985bfc48c02"),
        ("x-signature-timestamp", "1700000000")
    ];

    #[test]
    fn our_signature_is_the_one_the_sdk_accepted() {
        let key = signing_key(
            PRESET.name,
            "9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60",
        );
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
