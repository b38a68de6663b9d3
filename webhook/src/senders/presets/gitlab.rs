//! GitLab: no signature; `X-Gitlab-Token` carries the secret token configured on the hook, and
//! is compared with it in constant time. Event from `X-Gitlab-Event` (`Push Hook`), delivery id
//! from `X-Gitlab-Event-UUID` (else `X-Gitlab-Webhook-UUID`). No timestamp.

use std::time::{Duration, SystemTime};

use super::common;
use crate::http::VerifyError;
use crate::senders::scheme::{
    no_handshake_signed, no_handshake_unsigned, no_timestamp, Key, KeyKind, Outgoing, Preset,
    SignedRequest, SigningKey,
};

const HEADER: &str = "X-Gitlab-Token";

/// GitLab's preset.
pub static PRESET: Preset = Preset {
    name: "gitlab",
    title: "GitLab",
    key_kind: KeyKind::Secret,
    parse_key: common::parse_secret,
    tolerance: None,
    signature_header: HEADER,
    signs_url: false,
    verify,
    sign,
    event,
    delivery_id,
    timestamp: no_timestamp,
    handshake_unsigned: no_handshake_unsigned,
    handshake_signed: no_handshake_signed,
    sample_event: SAMPLE,
    sample_event_type: Some("Push Hook"),
};

const SAMPLE: &str = r#"{"object_kind":"push","event_name":"push","before":"95790bf891e76fee5e1747ab589903a6a1f80f22","after":"da1560886d4f094c3e6c9ef40349f7d38b5d27d7","ref":"refs/heads/master","ref_protected":true,"checkout_sha":"da1560886d4f094c3e6c9ef40349f7d38b5d27d7","user_id":4,"user_name":"John Smith","user_username":"jsmith","project_id":15,"project":{"id":15,"name":"Diaspora","path_with_namespace":"mike/diaspora","default_branch":"master","web_url":"http://example.com/mike/diaspora"},"commits":[{"id":"b6568db1bc1dcd7f8b4d5a946b0b91f9dacd7327","message":"Update Catalan translation to e38cb41.\n\nSee https://gitlab.com/gitlab-org/gitlab for more information","title":"Update Catalan translation to e38cb41.","timestamp":"2011-12-12T14:27:31+02:00","author":{"name":"Jordi Mallach","email":"jordi@softcatala.org"},"added":["CHANGELOG"],"modified":["app/controller/application.rb"],"removed":[]}],"total_commits_count":1}"#;

fn verify(
    keys: &[Key],
    request: &SignedRequest<'_>,
    _now: SystemTime,
    _tolerance: Option<Duration>,
) -> Result<(), VerifyError> {
    let token = common::header(request, HEADER)?;
    common::any_match(keys, HEADER, &[token.as_bytes().to_vec()], |secret| {
        [secret.to_vec()]
    })
}

fn sign(key: &SigningKey, request: &mut Outgoing, _now: SystemTime) {
    let Some(secret) = common::signing_secret(key, common::parse_secret) else {
        return;
    };
    let token = String::from_utf8_lossy(&secret).into_owned();
    common::set_header(request, "x-gitlab-token", &token);
}

fn event(request: &SignedRequest<'_>) -> Option<String> {
    common::header_opt(request, "X-Gitlab-Event")
}

fn delivery_id(request: &SignedRequest<'_>) -> Option<String> {
    common::first_header(request, &["X-Gitlab-Event-UUID", "X-Gitlab-Webhook-UUID"])
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::senders::presets::common::testing::{at, post, secret, sign, verify};

    const URL: &str = "https://example.com/webhooks/gitlab";

    #[test]
    fn common_checks() {
        let extra = [("X-Gitlab-Event", "Push Hook")];
        // The token is not a signature of the body (a changed body still passes), so the shared
        // check, which tampers with the body, does not apply: its other parts are done here.
        let now = at(1_700_000_000);
        let request = post(URL, &[(HEADER, "first-secret"), extra[0]], SAMPLE);
        assert_eq!(
            verify(&PRESET, &["old", "first-secret"], &request, now),
            Ok(())
        );
        assert!(matches!(
            verify(&PRESET, &["wrong-secret"], &request, now),
            Err(VerifyError::Mismatch { .. })
        ));
        assert!(matches!(
            verify(&PRESET, &["first-secret"], &request.without(HEADER), now),
            Err(VerifyError::Missing { header }) if header == HEADER
        ));
        assert!((PRESET.parse_key)("").is_err());
        assert_eq!(
            (PRESET.event)(&request.signed()).as_deref(),
            Some("Push Hook")
        );
    }

    /// GitLab has no SDK that signs or verifies hooks; its docs define the scheme as the
    /// configured token sent verbatim in `X-Gitlab-Token`.
    #[test]
    fn documented_token_and_ids() {
        let request = post(
            URL,
            &[
                (HEADER, "my-secret-token"),
                ("X-Gitlab-Event", "Push Hook"),
                (
                    "X-Gitlab-Webhook-UUID",
                    "16b2a3c4-0000-4000-8000-000000000001",
                ),
                (
                    "X-Gitlab-Event-UUID",
                    "13792a34-cac6-4fda-95a8-c58e00a3954e",
                ),
            ],
            SAMPLE,
        );
        assert_eq!(
            verify(&PRESET, &["my-secret-token"], &request, at(0)),
            Ok(())
        );
        assert!(verify(&PRESET, &["my-secret-token "], &request, at(0)).is_err());
        assert_eq!(
            (PRESET.delivery_id)(&request.signed()).as_deref(),
            Some("13792a34-cac6-4fda-95a8-c58e00a3954e")
        );
        let signed = sign(
            &PRESET,
            &secret("my-secret-token"),
            URL,
            "application/json",
            SAMPLE,
            at(0),
        );
        assert_eq!(signed.headers[HEADER], "my-secret-token");
    }
}
