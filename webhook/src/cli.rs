//! The subcommands of `main!()` bots: what a bot does instead of serving.
//!
//! ```text
//! bot inbox list [--state queued|running|done|dead] [--limit N]
//! bot inbox show ID
//! bot inbox dead [--limit N]
//! bot inbox replay ID | --dead
//! bot inbox purge --done|--dead --older-than 7d
//! bot send stripe [--event invoice.paid] [--to http://127.0.0.1:8000/stripe] [--body FILE] [--print]
//! ```
//!
//! The `inbox` commands read the store of the settings (`WEBHOOK_STORE`, `WEBHOOK_DATA_DIR`): run
//! them in the bot's directory, with its environment. `send` signs a sample event (or a body of
//! your own) as the provider would, with the secret the bot's route is configured with, and
//! sends it to the bot (as `stripe trigger` does).

use crate::config::Span;

/// A command of a bot.
#[derive(Debug, Clone, PartialEq, Eq, clap::Subcommand)]
pub enum BotCommand {
    /// The events of the durable routes (list, show, dead letters, replay, purge)
    #[command(subcommand)]
    Inbox(InboxCommand),
    /// Signs a sample event as a provider would, with the bot's secret, and sends it
    Send(SendCommand),
}

/// `send <preset>`: a signed event, to try a route.
#[derive(Debug, Clone, PartialEq, Eq, clap::Args)]
pub struct SendCommand {
    /// The sender preset of one of the bot's routes: stripe, github, slack...
    pub preset: String,
    /// The event type, put in the preset's sample in place of its own (JSON samples)
    #[arg(long)]
    pub event: Option<String>,
    /// Where to send it (default: the bot's address and the route's path)
    #[arg(long)]
    pub to: Option<String>,
    /// The body to sign and send, from a file (default: the preset's sample event)
    #[arg(long)]
    pub body: Option<std::path::PathBuf>,
    /// Prints the signed request (JSON: method, url, headers, body) instead of sending it
    #[arg(long)]
    pub print: bool,
}

/// The `inbox` subcommands.
#[derive(Debug, Clone, PartialEq, Eq, clap::Subcommand)]
pub enum InboxCommand {
    /// Events, oldest first, one JSON object a line (without their bodies)
    List {
        /// Only the events in this state: queued, running, done or dead
        #[arg(long, value_name = "STATE", value_parser = parse_state)]
        state: Option<String>,
        /// Most events listed
        #[arg(long, default_value = "1000")]
        limit: u32,
    },
    /// One event, with its request and its attempts (start, end, duration, outcome, error,
    /// worker), as JSON
    Show {
        /// The event's id
        id: i64,
    },
    /// Dead letters, one JSON object a line: id, route, idempotency key, attempts, last error,
    /// received time, body (as text when it is UTF-8)
    Dead {
        /// Most events listed
        #[arg(long, default_value = "1000")]
        limit: u32,
    },
    /// Queues a done or dead event again (its attempts reset), or every dead letter
    Replay {
        /// The event's id
        #[arg(required_unless_present = "dead", conflicts_with = "dead")]
        id: Option<i64>,
        /// Every dead letter
        #[arg(long)]
        dead: bool,
    },
    /// Deletes finished events (and their idempotency keys) older than a duration
    Purge {
        /// The done events
        #[arg(long, required_unless_present = "dead")]
        done: bool,
        /// The dead letters
        #[arg(long)]
        dead: bool,
        /// Finished longer ago than this (30s, 1h, 7d...)
        #[arg(long, value_name = "DURATION")]
        older_than: Span,
    },
}

fn parse_state(value: &str) -> Result<String, String> {
    match value {
        "queued" | "running" | "done" | "dead" => Ok(value.to_owned()),
        _ => Err("queued, running, done or dead".to_owned()),
    }
}
