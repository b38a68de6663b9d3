//! The echo bot example, in process and as the two programs a new user runs.

mod common;

#[allow(dead_code)]
#[path = "../examples/echo_bot.rs"]
mod echo_bot_example;

use std::process::Command;

use clustaar_webhook::testing::{sample_notification, Signer, TestServer};
use common::programs::{example, free_addr, Running};
use common::{without_empty, FIXTURE, STEP_ID};
use serde_json::json;

#[tokio::test]
async fn answers_with_the_steps_actions_and_a_session() {
    let server = TestServer::spawn(echo_bot_example::echo_bot().private_key("k"))
        .await
        .unwrap();
    let client = server.client().signer(Signer::new().private_key("k"));
    let response = client.post(FIXTURE).send().await;
    assert_eq!(response.status(), 200);
    assert_eq!(
        response.json(),
        json!({
            "actions": [{"type": "pause_bot_action"}],
            "session": {"values": {"name": "John"}},
            "interlocutor": null
        })
    );
    let hello = client.notify(&sample_notification(STEP_ID)).await;
    assert_eq!(
        hello.json(),
        json!({
            "actions": [{"type": "send_text_action", "alternatives": ["hello"]}],
            "session": null,
            "interlocutor": null
        })
    );
    server.shutdown().await.unwrap();
}

/// The three kinds of step that the reference echoes into an answer its own validation refuses
/// (text that grows when sanitised, absent keys that may not be null, absent lists): valid
/// notifications, each answered 200 with the actions as they were sent.
#[tokio::test]
async fn echoes_the_steps_the_reference_would_answer_with_an_invalid_answer() {
    let server = TestServer::spawn(
        echo_bot_example::echo_bot()
            .private_key("k")
            .strict_notifications(true),
    )
    .await
    .unwrap();
    let client = server.client().signer(Signer::new().private_key("k"));
    let steps = [
        json!([{"type": "send_cards_action", "cards": [{
            "type": "card", "title": "Offers",
            "buttons": [
                {"type": "button", "title": "Buy <now> & save", "action": {"type": "share_action"}},
                {"type": "button", "title": "<script>y</script>", "action": {"type": "share_action"}}
            ]
        }]}]),
        json!([{
            "type": "create_zendesk_ticket_action",
            "user": {"email": "a@example.com"},
            "description": "Help"
        }, {
            "type": "transfer_iadvize_conversation_action",
            "distribution_rule": {"label": "Sales", "id": "42"}
        }]),
        json!([{"type": "send_simple_cards_action", "cards": [{"type": "simple_card", "title": "No buttons"}]}]),
    ];
    for actions in steps {
        let mut notification = sample_notification("5a1b2c3d4e5f6a7b8c9d0e1f");
        notification["data"]["step"]["actions"] = actions.clone();
        // Valid by the platform's rules (the server is strict).
        notification["data"]["interlocutor"] =
            json!({"id": "1", "userID": "u-1", "customAttributes": {}});
        notification["data"]["input"] = json!({"type": "custom_event", "name": "event1"});
        let response = client.notify(&notification).await;
        assert_eq!(response.status(), 200, "{actions}: {:?}", response.body());
        assert_eq!(without_empty(&response.json()["actions"]), actions);
    }
    server.shutdown().await.unwrap();
}

#[test]
fn the_two_programs_of_the_readme_talk_to_each_other() {
    let addr = free_addr();
    let env = [
        ("WEBHOOK_ADDR", addr.as_str()),
        ("WEBHOOK_PRIVATE_KEY", "readme-key"),
        ("WEBHOOK_AUTH_USERNAME", "bot"),
        ("WEBHOOK_AUTH_PASSWORD", "secret"),
        ("RUST_LOG", "warn"),
    ];
    let mut bot = Command::new(example("echo_bot"));
    bot.envs(env);
    let _bot = Running::serving(bot, &addr);
    let sent = Command::new(example("send_event"))
        .envs(env)
        .args(["--step-id", STEP_ID])
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&sent.stdout);
    assert!(
        sent.status.success(),
        "{stdout}{}",
        String::from_utf8_lossy(&sent.stderr)
    );
    assert!(stdout.starts_with("200 OK"), "{stdout}");
    assert!(stdout.contains(r#""alternatives":["hello"]"#), "{stdout}");

    // Without the credentials the bot refuses.
    let refused = Command::new(example("send_event"))
        .envs(env)
        .env_remove("WEBHOOK_AUTH_USERNAME")
        .env_remove("WEBHOOK_AUTH_PASSWORD")
        .output()
        .unwrap();
    assert!(!refused.status.success());
    assert!(String::from_utf8_lossy(&refused.stdout).starts_with("403 Forbidden"));
}

#[test]
fn bad_configuration_exits_with_code_2_and_a_message() {
    for (name, value, message) in [
        ("WEBHOOK_ADDR", "nowhere", "WEBHOOK_ADDR must be an address"),
        (
            "WEBHOOK_REQUEST_MAX_AGE",
            "ten",
            "WEBHOOK_REQUEST_MAX_AGE must be",
        ),
        ("WEBHOOK_AUTH_USERNAME", "alone", "must be set together"),
        (
            "WEBHOOK_PUBLIC_URL",
            "hooks.example.com",
            "WEBHOOK_PUBLIC_URL must be an absolute URL such as https://hooks.example.com",
        ),
        (
            "WEBHOOK_TRUST_FORWARDED",
            "maybe",
            "WEBHOOK_TRUST_FORWARDED must be true or false",
        ),
    ] {
        let output = Command::new(example("echo_bot"))
            .env(name, value)
            .output()
            .unwrap();
        assert_eq!(output.status.code(), Some(2), "{name}={value}");
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert!(stderr.contains(message), "{stderr}");
    }
}

#[test]
fn the_dsl_bot_serves_the_same_answers() {
    let addr = free_addr();
    let mut bot = Command::new(example("bot"));
    bot.args([
        "--addr",
        &addr,
        "--private-key",
        "dsl-key",
        "--body-limit",
        "4096",
        "--body-read-timeout=5",
    ])
    .env("RUST_LOG", "warn");
    let _bot = Running::serving(bot, &addr);
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    runtime.block_on(async {
        let client = clustaar_webhook::testing::TestClient::http(format!("http://{addr}"))
            .signer(Signer::new().private_key("dsl-key"));
        let echo = client.post(FIXTURE).send().await;
        assert_eq!(
            echo.json(),
            json!({
                "actions": [{"type": "pause_bot_action"}],
                "session": {"values": {"name": "John"}},
                "interlocutor": null
            })
        );
        let hello = client.notify(&sample_notification(STEP_ID)).await;
        assert_eq!(hello.json()["actions"][0]["alternatives"], json!(["hello"]));
        let unsigned = clustaar_webhook::testing::TestClient::http(format!("http://{addr}"))
            .post(FIXTURE)
            .send()
            .await;
        assert_eq!(unsigned.status(), 400);
        // --body-limit 4096
        let mut large = sample_notification(STEP_ID);
        large["data"]["channel"] = json!("x".repeat(5_000));
        let refused = client.notify(&large).await;
        assert_eq!(refused.status(), 413, "{}", refused.text());
    });
}

#[test]
fn the_dsl_bot_has_help_and_refuses_bad_flags() {
    let help = Command::new(example("bot")).arg("--help").output().unwrap();
    assert!(help.status.success());
    let usage = String::from_utf8_lossy(&help.stdout);
    // It says what the bot is: its package (here the examples'), then its usage; not the
    // `Settings` struct's rustdoc, which clap would take as the program's description.
    let mut lines = usage.lines();
    assert_eq!(
        lines.next(),
        Some(&*format!(
            "{} {}",
            env!("CARGO_PKG_NAME"),
            env!("CARGO_PKG_VERSION")
        )),
        "{usage}"
    );
    assert_eq!(lines.next(), Some(env!("CARGO_PKG_DESCRIPTION")), "{usage}");
    assert_eq!(lines.next(), Some(""), "{usage}");
    assert!(lines.next().unwrap().starts_with("Usage: bot "), "{usage}");
    assert!(!usage.contains("```"), "{usage}");
    assert!(
        !usage.contains("use clustaar_webhook::config::Settings"),
        "{usage}"
    );
    let short = Command::new(example("bot")).arg("-h").output().unwrap();
    assert!(String::from_utf8_lossy(&short.stdout).starts_with(&format!(
        "{} {}\n{}\n",
        env!("CARGO_PKG_NAME"),
        env!("CARGO_PKG_VERSION"),
        env!("CARGO_PKG_DESCRIPTION")
    )));
    assert!(usage.contains("--private-key <KEY>"), "{usage}");
    assert!(usage.contains("--body-limit <BYTES>"), "{usage}");
    assert!(usage.contains("[env: WEBHOOK_BODY_LIMIT=]"), "{usage}");
    assert!(usage.contains("[default: 2097152]"), "{usage}");
    for args in [
        &["--port", "1"][..],
        &["--request-max-age", "soon"],
        &["--body-limit", "2MiB"],
        &["--header-read-timeout", "soon"],
        &["--addr"],
    ] {
        let output = Command::new(example("bot")).args(args).output().unwrap();
        assert_eq!(output.status.code(), Some(2), "{args:?}");
        assert!(!output.stderr.is_empty());
    }
    let env = Command::new(example("bot"))
        .env("WEBHOOK_AUTH_PASSWORD", "alone")
        .output()
        .unwrap();
    assert_eq!(env.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&env.stderr).contains("must be set together"));
}
