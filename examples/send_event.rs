//! Posts a signed, dated `conversation.step_reached` notification to a webhook and prints the
//! answer, as the platform would.
//!
//! ```sh
//! cargo run --example send_event -- --step-id 507f191e810c19729de860ea --url http://127.0.0.1:8000
//! ```
//!
//! The key and credentials come from the same variables as the bot's:
//! `WEBHOOK_PRIVATE_KEY`, `WEBHOOK_AUTH_USERNAME`, `WEBHOOK_AUTH_PASSWORD`. The default URL is
//! `http://` + `WEBHOOK_ADDR` (default `127.0.0.1:8000`).

use std::process::ExitCode;

use clustaar_webhook::config::Settings;
use clustaar_webhook::testing::{sample_notification, Signer, TestClient};

const USAGE: &str = "usage: send_event [--step-id ID] [--url URL]

Posts a signed, dated sample conversation.step_reached notification and prints the answer.
  --step-id ID   the step reached (default 507f191e810c19729de860ea)
  --url URL      the webhook (default http://$WEBHOOK_ADDR, or http://127.0.0.1:8000)
Key and credentials: WEBHOOK_PRIVATE_KEY, WEBHOOK_AUTH_USERNAME, WEBHOOK_AUTH_PASSWORD.";

struct Options {
    step_id: String,
    url: Option<String>,
}

fn parse_options(mut args: impl Iterator<Item = String>) -> Result<Options, String> {
    let mut options = Options {
        step_id: "507f191e810c19729de860ea".to_owned(),
        url: None,
    };
    while let Some(arg) = args.next() {
        let (name, inline) = match arg.split_once('=') {
            Some((name, value)) => (name.to_owned(), Some(value.to_owned())),
            None => (arg, None),
        };
        let mut value = |name: &str| {
            inline
                .clone()
                .or_else(|| args.next())
                .ok_or_else(|| format!("{name} needs a value"))
        };
        match name.as_str() {
            "--step-id" => options.step_id = value("--step-id")?,
            "--url" => options.url = Some(value("--url")?),
            "-h" | "--help" => return Err(String::new()),
            other => return Err(format!("unknown argument {other:?}")),
        }
    }
    Ok(options)
}

#[tokio::main(flavor = "current_thread")]
async fn main() -> ExitCode {
    let options = match parse_options(std::env::args().skip(1)) {
        Ok(options) => options,
        Err(message) if message.is_empty() => {
            println!("{USAGE}");
            return ExitCode::SUCCESS;
        }
        Err(message) => {
            eprintln!("send_event: {message}\n\n{USAGE}");
            return ExitCode::from(2);
        }
    };
    let settings = match Settings::from_env() {
        Ok(settings) => settings,
        Err(error) => {
            eprintln!("send_event: {error}");
            return ExitCode::from(2);
        }
    };
    let url = options
        .url
        .unwrap_or_else(|| format!("http://{}", settings.addr));
    let mut signer = Signer::new();
    if let Some(key) = &settings.private_key {
        signer = signer.private_key(key);
    }
    if let Some((username, password)) = settings.credentials() {
        signer = signer.basic_auth(username, password);
    }
    let client = TestClient::http(url.clone()).signer(signer);
    let notification = sample_notification(&options.step_id);
    let request = client.post(serde_json::to_vec(&notification).unwrap_or_default());
    let response = match tokio::time::timeout(
        std::time::Duration::from_secs(10),
        request
            .header("content-type", "application/json")
            .try_send(),
    )
    .await
    {
        Ok(Ok(response)) => response,
        Ok(Err(error)) => {
            eprintln!("send_event: {url}: {error}");
            return ExitCode::FAILURE;
        }
        Err(_) => {
            eprintln!("send_event: {url} did not answer within 10 seconds");
            return ExitCode::FAILURE;
        }
    };
    println!("{}", response.status());
    println!("{}", response.text());
    if response.status().is_success() {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    }
}
