//! Twilio SendGrid Event Webhook (signed): `X-Twilio-Email-Event-Webhook-Signature` is the
//! base64 DER ECDSA P-256/SHA-256 signature of `X-Twilio-Email-Event-Webhook-Timestamp`
//! followed by the body; the configured key is the verification key SendGrid shows (base64 DER
//! SubjectPublicKeyInfo; a PEM block is accepted too).

use std::time::{Duration, SystemTime};

use base64::Engine as _;
use p256::ecdsa::signature::Signer as _;
use p256::pkcs8::DecodePublicKey as _;

use super::common::{self, Unit, B64};
use crate::http::VerifyError;
use crate::senders::scheme::{
    self, Key, KeyError, KeyKind, Outgoing, Preset, SignedRequest, SigningKey,
};

const SIGNATURE: &str = "x-twilio-email-event-webhook-signature";
const TIMESTAMP: &str = "x-twilio-email-event-webhook-timestamp";

fn parse_key(text: &str) -> Result<Key, KeyError> {
    let b64: String = text
        .lines()
        .filter(|l| !l.starts_with("-----"))
        .flat_map(|l| l.trim().chars())
        .collect();
    if b64.is_empty() {
        return Err(KeyError("the verification key is empty".into()));
    }
    let der = B64
        .decode(b64)
        .map_err(|_| KeyError("the verification key is not base64".into()))?;
    p256::ecdsa::VerifyingKey::from_public_key_der(&der)
        .map(Key::P256)
        .map_err(|_| {
            KeyError(
                "the verification key is not a P-256 public key (DER SubjectPublicKeyInfo)".into(),
            )
        })
}

/// SendGrid documents no timestamp tolerance; one applies only when the route sets it.
fn verify(
    keys: &[Key],
    request: &SignedRequest<'_>,
    now: SystemTime,
    tolerance: Option<Duration>,
) -> Result<(), VerifyError> {
    let sig_text = common::header(request, SIGNATURE)?;
    let ts = common::header(request, TIMESTAMP)?;
    let der = common::from_base64(SIGNATURE, sig_text)?;
    let signature = p256::ecdsa::Signature::from_der(&der)
        .map_err(|_| common::malformed(SIGNATURE, "the signature is not a DER ECDSA signature"))?;
    // Both forms of `s` are valid ECDSA; accept the high one as OpenSSL and Node do.
    let signature = signature.normalize_s().unwrap_or(signature);
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
    // ring's P-256 verification (about 5 times faster than the pure-Rust arithmetic of `p256`,
    // which still parses the keys and the DER signature): r || s, and the uncompressed point.
    let fixed = signature.to_bytes();
    let ok = keys.iter().any(|k| match k {
        Key::P256(vk) => {
            let point = vk.to_encoded_point(false);
            ring::signature::UnparsedPublicKey::new(
                &ring::signature::ECDSA_P256_SHA256_FIXED,
                point.as_bytes(),
            )
            .verify(&message, &fixed)
            .is_ok()
        }
        _ => false,
    });
    if ok {
        Ok(())
    } else {
        Err(common::mismatch(SIGNATURE))
    }
}

fn sign(key: &SigningKey, out: &mut Outgoing, now: SystemTime) {
    let SigningKey::P256(sk) = key else { return };
    let ts = common::unix_secs(now).to_string();
    let signature: p256::ecdsa::Signature = sk.sign(&[ts.as_bytes(), &out.body].concat());
    common::set_header(out, SIGNATURE, &B64.encode(signature.to_der().as_bytes()));
    common::set_header(out, TIMESTAMP, &ts);
}

fn event(request: &SignedRequest<'_>) -> Option<String> {
    common::body_field(request, "/0/event")
}

fn delivery_id(request: &SignedRequest<'_>) -> Option<String> {
    common::body_field(request, "/0/sg_event_id")
}

fn timestamp(request: &SignedRequest<'_>) -> Option<i64> {
    common::header_opt(request, TIMESTAMP)?.parse().ok()
}

/// SendGrid's signed Event Webhook.
pub static PRESET: Preset = Preset {
    name: "sendgrid",
    title: "SendGrid",
    key_kind: KeyKind::P256PublicKeyBase64,
    parse_key,
    tolerance: None,
    signature_header: SIGNATURE,
    signs_url: false,
    verify,
    sign,
    event,
    delivery_id,
    timestamp,
    handshake_unsigned: scheme::no_handshake_unsigned,
    handshake_signed: scheme::no_handshake_signed,
    sample_event: r#"[{"email":"example@test.com","timestamp":1513299569,"smtp-id":"<14c5d75ce93.dfd.64b469@ismtpd-555>","event":"delivered","category":"cat facts","sg_event_id":"sg_event_id","sg_message_id":"sg_message_id","response":"250 OK"}]"#,
    sample_event_type: Some("delivered"),
};

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use crate::senders::presets::common::testing::{check_preset, Case};
    use p256::pkcs8::{DecodePrivateKey as _, EncodePublicKey as _};

    /// A P-256 key generated with Node's `crypto.generateKeyPairSync('ec', {namedCurve:
    /// 'prime256v1'})`, PKCS#8 DER, base64.
    pub const PRIVATE: &str = "MIGHAgEAMBMGByqGSM49AgEGCCqGSM49AwEHBG0wawIBAQQgP8ntOSv6lmsmlwzKScH4NcTEiza5pDmz5/mFc2xTbaKhRANCAARBwcvReEYzQJMnbIDHlU3FMfwflvpKWWw43C5qgaASnFt4CM/vIBHG09w5Vg7jrd5iCXKLgxRvnX92ptqgnZo2";
    /// Its public key, base64 DER SubjectPublicKeyInfo (as SendGrid shows a verification key).
    pub const PUBLIC: &str = "MFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAEQcHL0XhGM0CTJ2yAx5VNxTH8H5b6SllsONwuaoGgEpxbeAjP7yARxtPcOVYO463eYglyi4MUb51/dqbaoJ2aNg==";

    fn signing_key(b64: &str) -> p256::ecdsa::SigningKey {
        p256::ecdsa::SigningKey::from_pkcs8_der(&B64.decode(b64).expect("b64")).expect("pkcs8")
    }

    fn public_b64(sk: &p256::ecdsa::SigningKey) -> String {
        B64.encode(
            sk.verifying_key()
                .to_public_key_der()
                .expect("der")
                .as_bytes(),
        )
    }

    #[test]
    fn common() {
        let sk = signing_key(PRIVATE);
        let other = p256::ecdsa::SigningKey::from_bytes(&[7u8; 32].into()).expect("scalar");
        assert_eq!(public_b64(&sk), PUBLIC);
        check_preset(
            &PRESET,
            &Case {
                sign_key: SigningKey::P256(sk.clone()),
                key: PUBLIC,
                other_key: &public_b64(&other),
                required: &[PRESET.signature_header],
                ..Case::secret("https://bot.example.com/hook")
            },
        );
        assert!(parse_key("bm90IGEga2V5").is_err());
    }
}

/// Cross-checks with the provider's SDK (or, where none signs or verifies, its documented HMAC).
#[cfg(test)]
mod sdk_vectors {
    use super::*;
    use crate::senders::presets::common::testing::{at, post, sign, signing_key, verify};

    /// Verification key of both vectors.
    const KEY: &str = "MFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAEQcHL0XhGM0CTJ2yAx5VNxTH8H5b6SllsONwuaoGgEpxbeAjP7yARxtPcOVYO463eYglyi4MUb51/dqbaoJ2aNg==";

    /// Produced by Node 20 `crypto.sign('sha256')` with the P-256 key (SendGrid's SDK does not sign), at 1_700_000_000.
    const SDK_SIGNED: &[(&str, &str)] = &[
        ("x-twilio-email-event-webhook-signature", "MEUCIQCZoBULgkesO3EaFYGcmygIBz7+AKbUj1P5VIIw4k/QTwIgZ6vNmXpooc8ulGgOSiQD0AYkdUJJP+XKkZ5dFB1BSeU="),
        ("x-twilio-email-event-webhook-timestamp", "1700000000")
    ];

    #[test]
    fn sdk_signed_vector_verifies() {
        let body = PRESET.sample_event.as_bytes();
        let request = post("https://bot.example.com/hook", SDK_SIGNED, body);
        let now = at(1_700_000_010);
        assert_eq!(verify(&PRESET, &[KEY], &request, now), Ok(()));
        assert_eq!(verify(&PRESET, &[KEY, KEY], &request, now), Ok(()));
    }

    /// Our `sign` of the sample at 1_700_000_000; npm @sendgrid/eventwebhook 8.0.0 `verifySignature` accepted it (and refused it with
    /// the body tampered).
    const OURS_ACCEPTED_BY_SDK: &[(&str, &str)] = &[
        ("x-twilio-email-event-webhook-signature", "MEUCIQCDNgIOandj+OmoplRwukgYGxaESCyqHRSF9UvkKJbNaQIgXoPpA2bZ4RorzEu8Fjg0tUL/6adnhkAAtMMM2M5uQhE="),
        ("x-twilio-email-event-webhook-timestamp", "1700000000")
    ];

    #[test]
    fn our_signature_is_the_one_the_sdk_accepted() {
        let key = signing_key(PRESET.name, "MIGHAgEAMBMGByqGSM49AgEGCCqGSM49AwEHBG0wawIBAQQgP8ntOSv6lmsmlwzKScH4NcTEiza5pDmz5/mFc2xTbaKhRANCAARBwcvReEYzQJMnbIDHlU3FMfwflvpKWWw43C5qgaASnFt4CM/vIBHG09w5Vg7jrd5iCXKLgxRvnX92ptqgnZo2");
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
