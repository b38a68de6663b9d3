//! The page's actions (`POST`): replay, dead-letter now and purge one event; replay or purge
//! chosen dead letters, or all. Each checks the read-only mode and the CSRF token, asks for a
//! confirmation (a page, when the form did not say `confirm=yes`), is logged with its user,
//! then redirects to a page that says what it did.

use std::sync::Arc;

use axum::extract::{Path, State};
use axum::response::{IntoResponse, Redirect, Response};
use axum::Extension;
use bytes::Bytes;
use http::StatusCode;
use maud::html;

use super::access::{PageContext, UiAccessError};
use super::pages::{layout, PageError};
use super::Ui;
use crate::error::ApiError;
use crate::inbox::EventState;

/// The fields of an action's form.
#[derive(Debug, Default)]
struct ActionForm {
    csrf: Option<String>,
    confirmed: bool,
    ids: Vec<i64>,
}

impl ActionForm {
    fn parse(body: &[u8]) -> Self {
        let mut form = Self::default();
        for (name, value) in form_urlencoded::parse(body) {
            match name.as_ref() {
                "csrf" => form.csrf = Some(value.into_owned()),
                "confirm" => form.confirmed = value == "yes",
                "id" => form.ids.extend(value.parse::<i64>().ok()),
                _ => {}
            }
        }
        form.ids.sort_unstable();
        form.ids.dedup();
        form
    }
}

/// The checks every action passes first.
fn admit(ui: &Ui, form: &ActionForm) -> Result<(), UiAccessError> {
    if ui.read_only {
        return Err(UiAccessError::ReadOnly);
    }
    match &form.csrf {
        Some(token) if ui.csrf.verify(token) => Ok(()),
        _ => Err(UiAccessError::Csrf),
    }
}

/// An action this page does not have (`404`).
fn unknown(action: &str) -> Response {
    ApiError::new(
        StatusCode::NOT_FOUND,
        "Unknown action",
        format!("The inbox's page has no action {action:?}"),
    )
    .into_response()
}

/// The page asking to confirm `question`, whose form sends `form` again with `confirm=yes`.
fn confirmation(page: &PageContext, question: &str, form: &ActionForm, back: &str) -> Response {
    let main = html! {
        p.question { (question) }
        @if !form.ids.is_empty() {
            p.muted { "Events: " (form.ids.iter().map(ToString::to_string).collect::<Vec<_>>().join(", ")) }
        }
        form.confirm method="post" {
            input type="hidden" name="csrf" value=(page.csrf);
            input type="hidden" name="confirm" value="yes";
            @for id in &form.ids {
                input type="hidden" name="id" value=(id);
            }
            button type="submit" autofocus { "Yes" }
            " "
            a href=(back) { "Cancel" }
        }
    };
    layout(page, "Confirm", None, main).into_response()
}

/// Where an action sends the browser: `to`, with what it did.
fn done(to: &str, notice: &str, n: u64) -> Response {
    let separator = if to.contains('?') { '&' } else { '?' };
    Redirect::to(&format!("{to}{separator}notice={notice}&n={n}")).into_response()
}

/// `POST /inbox/events/{id}/{replay|dead-letter|purge}`.
pub(crate) async fn one(
    State(ui): State<Arc<Ui>>,
    Extension(page): Extension<PageContext>,
    Path((id, action)): Path<(i64, String)>,
    body: Bytes,
) -> Response {
    let form = ActionForm::parse(&body);
    if let Err(refused) = admit(&ui, &form) {
        return refused.into_response();
    }
    let here = format!("{}/events/{id}", page.base);
    let question = match action.as_str() {
        "replay" => format!("Queue event {id} again?"),
        "dead-letter" => format!("Dead-letter event {id} now? A running attempt is stopped."),
        "purge" => format!("Delete event {id} and its history for good?"),
        _ => return unknown(&action),
    };
    if !form.confirmed {
        return confirmation(&page, &question, &form, &here);
    }
    let user = page.user.as_deref().unwrap_or("-");
    let changed = match action.as_str() {
        "replay" => ui.store.replay(id).await.map(u64::from),
        "dead-letter" => {
            let reason = format!("dead-lettered from the inbox's page by {user}");
            ui.store.dead_letter(id, &reason).await.map(u64::from)
        }
        _ => ui.store.delete(&[id]).await,
    };
    let changed = match changed {
        Ok(changed) => changed,
        Err(error) => return PageError::from(error).into_response(),
    };
    tracing::info!(target: "clustaar_webhook::inbox::ui", user, action = %action, event = id, changed, "inbox action");
    match (action.as_str(), changed) {
        (_, 0) => done(&here, "unchanged", 0),
        ("replay", _) => done(&here, "replayed", 1),
        ("dead-letter", _) => done(&here, "dead-lettered", 1),
        _ => done(&format!("{}/events", page.base), "purged", 1),
    }
}

/// `POST /inbox/dead/{replay|purge|replay-all|purge-all}`: the chosen dead letters (`id`
/// fields), or all of them.
pub(crate) async fn dead(
    State(ui): State<Arc<Ui>>,
    Extension(page): Extension<PageContext>,
    Path(action): Path<String>,
    body: Bytes,
) -> Response {
    let form = ActionForm::parse(&body);
    if let Err(refused) = admit(&ui, &form) {
        return refused.into_response();
    }
    let back = format!("{}/dead", page.base);
    let chosen = form.ids.len();
    let question = match action.as_str() {
        "replay" | "purge" if chosen == 0 => {
            return done(&back, "none-selected", 0);
        }
        "replay" => format!("Queue the {chosen} chosen dead letters again?"),
        "purge" => format!("Delete the {chosen} chosen dead letters and their history for good?"),
        "replay-all" => "Queue every dead letter again?".to_owned(),
        "purge-all" => "Delete every dead letter and its history for good?".to_owned(),
        _ => return unknown(&action),
    };
    if !form.confirmed {
        return confirmation(&page, &question, &form, &back);
    }
    let changed = match action.as_str() {
        "replay" => replay_each(&ui, &form.ids).await,
        "purge" => purge_dead(&ui, &form.ids).await,
        "replay-all" => ui.store.replay_dead().await,
        _ => ui.store.purge(EventState::Dead, i64::MAX).await,
    };
    let changed = match changed {
        Ok(changed) => changed,
        Err(error) => return PageError::from(error).into_response(),
    };
    let user = page.user.as_deref().unwrap_or("-");
    tracing::info!(target: "clustaar_webhook::inbox::ui", user, action = %action, events = ?form.ids, changed, "inbox action");
    let notice = if action.starts_with("replay") {
        "replayed"
    } else {
        "purged"
    };
    done(&back, notice, changed)
}

/// Queues each of `ids` again (those done or dead); how many.
async fn replay_each(ui: &Ui, ids: &[i64]) -> Result<u64, crate::inbox::StoreError> {
    let mut replayed = 0;
    for id in ids {
        replayed += u64::from(ui.store.replay(*id).await?);
    }
    Ok(replayed)
}

/// Deletes those of `ids` that are dead letters (one replayed meanwhile stays); how many.
async fn purge_dead(ui: &Ui, ids: &[i64]) -> Result<u64, crate::inbox::StoreError> {
    let mut dead = Vec::with_capacity(ids.len());
    for id in ids {
        if let Some(record) = ui.store.show(*id).await?
            && record.state == EventState::Dead
        {
            dead.push(*id);
        }
    }
    ui.store.delete(&dead).await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn forms_read_their_ids_token_and_confirmation() {
        let form = ActionForm::parse(b"csrf=abc&id=3&id=1&id=3&id=x&confirm=yes");
        assert_eq!(form.csrf.as_deref(), Some("abc"));
        assert_eq!(form.ids, [1, 3]);
        assert!(form.confirmed);
        assert!(!ActionForm::parse(b"confirm=no").confirmed);
    }
}
