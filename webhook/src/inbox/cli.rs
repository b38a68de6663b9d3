//! Runs the `inbox` subcommands ([`InboxCommand`]) against a store.

use std::io::Write;

use super::error::StoreError;
use super::record::{duration_ms, now_ms, rfc3339, EventState};
use super::store::Store;
pub use crate::cli::InboxCommand;

/// An `inbox` subcommand failed.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum CliError {
    /// The store failed.
    #[error(transparent)]
    Store(#[from] StoreError),
    /// The output cannot be written.
    #[error("cannot write the output: {0}")]
    Output(#[from] std::io::Error),
    /// No event has this id (or it cannot be replayed).
    #[error("{0}")]
    NotFound(String),
    /// The command is missing something.
    #[error("{0}")]
    Usage(String),
}

/// Runs `command` on `store`, writing to `out`.
///
/// # Errors
///
/// The store failed, or the event asked for does not exist.
pub async fn run(
    command: &InboxCommand,
    store: &dyn Store,
    out: &mut dyn Write,
) -> Result<(), CliError> {
    match command {
        InboxCommand::List { state, limit } => {
            let state = state
                .as_deref()
                .map(str::parse::<EventState>)
                .transpose()
                .map_err(CliError::Usage)?;
            for event in store.list(state, *limit).await? {
                let mut json = event.to_json();
                if let Some(fields) = json.as_object_mut() {
                    fields.remove("body");
                    fields.remove("body_base64");
                }
                writeln!(out, "{json}")?;
            }
        }
        InboxCommand::Show { id } => {
            let record = store
                .show(*id)
                .await?
                .ok_or_else(|| CliError::NotFound(format!("no event has the id {id}")))?;
            let mut json = record.to_json();
            if let Some(fields) = json.as_object_mut() {
                let headers: serde_json::Map<String, serde_json::Value> = record
                    .event
                    .headers
                    .iter()
                    .map(|(name, value)| {
                        (
                            name.to_string(),
                            String::from_utf8_lossy(value.as_bytes())
                                .into_owned()
                                .into(),
                        )
                    })
                    .collect();
                fields.insert("headers".to_owned(), headers.into());
                let history: Vec<serde_json::Value> = store
                    .history(*id)
                    .await?
                    .iter()
                    .map(super::AttemptRecord::to_json)
                    .collect();
                fields.insert("history".to_owned(), history.into());
            }
            writeln!(
                out,
                "{}",
                serde_json::to_string_pretty(&json).unwrap_or_default()
            )?;
        }
        InboxCommand::Dead { limit } => {
            for record in store.list(Some(EventState::Dead), *limit).await? {
                let full = record.to_json();
                let mut line = serde_json::json!({
                    "id": record.id,
                    "route": record.event.route,
                    "idempotency_key": record.event.idempotency_key,
                    "attempts": record.attempts,
                    "last_error": record.last_error,
                    "received_at": rfc3339(record.event.received_at),
                });
                if let (Some(fields), Some(all)) = (line.as_object_mut(), full.as_object()) {
                    for name in ["body", "body_base64"] {
                        if let Some(body) = all.get(name) {
                            fields.insert(name.to_owned(), body.clone());
                        }
                    }
                }
                writeln!(out, "{line}")?;
            }
        }
        InboxCommand::Replay { id: Some(id), .. } => {
            if !store.replay(*id).await? {
                return Err(CliError::NotFound(format!(
                    "no done or dead event has the id {id}"
                )));
            }
            writeln!(out, "queued event {id} again")?;
        }
        InboxCommand::Replay { id: None, .. } => {
            let count = store.replay_dead().await?;
            writeln!(out, "queued {count} dead events again")?;
        }
        InboxCommand::Purge {
            done,
            dead,
            older_than,
        } => {
            let before = now_ms() - older_than.0.map_or(0, duration_ms);
            let mut states = Vec::new();
            if *done {
                states.push(EventState::Done);
            }
            if *dead {
                states.push(EventState::Dead);
            }
            if states.is_empty() {
                return Err(CliError::Usage(
                    "say what to purge: --done, --dead".to_owned(),
                ));
            }
            for state in states {
                let purged = store.purge(state, before).await?;
                writeln!(out, "purged {purged} {state} events")?;
            }
        }
    }
    Ok(())
}
