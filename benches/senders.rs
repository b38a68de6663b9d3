//! What checking a provider's signature costs a request: each sender preset's `verify` on its
//! sample event padded to a 2 kB body, signed by its own `sign` (the HMAC schemes, Discord's
//! Ed25519, SendGrid's ECDSA P-256).
//!
//! ```sh
//! cargo bench --bench senders            # measure (targets: HMAC <= 2 us, Ed25519/ECDSA <= 60 us)
//! cargo bench --bench senders -- --test  # smoke test: every preset once, checked
//! ```

use std::hint::black_box;
use std::time::{Duration, SystemTime};

use clustaar_webhook::senders::{
    presets, Key, KeyKind, Outgoing, Preset, SignedRequest, SigningKey,
};
use criterion::{criterion_group, criterion_main, Criterion};
use http::Method;

/// The preset's sample event, padded to about 2 kB where it is JSON (a `"padding"` key).
fn body(preset: &Preset) -> Vec<u8> {
    let sample = preset.sample_event.trim();
    if sample.starts_with('{') && sample.ends_with('}') && sample.len() < 2048 {
        let padding = "x".repeat(2048 - sample.len());
        let inner = &sample[..sample.len() - 1];
        let separator = if inner.trim_end().ends_with('{') {
            ""
        } else {
            ","
        };
        format!("{inner}{separator}\"padding\":\"{padding}\"}}").into_bytes()
    } else {
        sample.as_bytes().to_vec()
    }
}

/// A signing key of the preset's kind, and the keys its routes are configured with.
fn keys(preset: &Preset) -> (SigningKey, Vec<Key>) {
    match preset.key_kind {
        KeyKind::Secret => {
            let secret = match preset.name {
                "standard-webhooks" | "svix" => "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw",
                _ => "a-benchmark-secret-of-32-chars!!",
            };
            let key = (preset.parse_key)(secret).expect("a valid secret");
            (SigningKey::Secret(secret.to_owned()), vec![key])
        }
        KeyKind::Ed25519PublicKeyHex => {
            let signing = ed25519_dalek::SigningKey::from_bytes(&[7; 32]);
            let public = hex::encode(signing.verifying_key().to_bytes());
            let key = (preset.parse_key)(&public).expect("a valid public key");
            (SigningKey::Ed25519(signing), vec![key])
        }
        KeyKind::P256PublicKeyBase64 => {
            use p256::pkcs8::EncodePublicKey;
            let signing = p256::ecdsa::SigningKey::from_slice(&[7; 32]).expect("a scalar");
            let der = signing
                .verifying_key()
                .to_public_key_der()
                .expect("a DER public key");
            let public =
                base64::Engine::encode(&base64::engine::general_purpose::STANDARD, der.as_bytes());
            let key = (preset.parse_key)(&public).expect("a valid public key");
            (SigningKey::P256(signing), vec![key])
        }
    }
}

fn verify(c: &mut Criterion) {
    let mut group = c.benchmark_group("verify");
    let now = SystemTime::now();
    for preset in presets::ALL {
        let (signing, keys) = keys(preset);
        let mut request = Outgoing {
            method: Method::POST,
            url: format!("https://bot.example.com/{}", preset.name),
            headers: http::HeaderMap::new(),
            body: body(preset),
        };
        (preset.sign)(&signing, &mut request, now);
        let signed = SignedRequest {
            method: &request.method,
            url: &request.url,
            headers: &request.headers,
            body: &request.body,
        };
        let tolerance = Some(Duration::from_secs(600));
        assert_eq!(
            (preset.verify)(&keys, &signed, now, tolerance),
            Ok(()),
            "{}",
            preset.name
        );
        group.bench_function(preset.name, |b| {
            b.iter(|| (preset.verify)(black_box(&keys), black_box(&signed), now, tolerance));
        });
    }
    group.finish();
}

criterion_group! {
    name = benches;
    config = Criterion::default()
        .warm_up_time(Duration::from_millis(300))
        .measurement_time(Duration::from_secs(1));
    targets = verify
}
criterion_main!(benches);
