//! Loads and dumps documents through the typed models, for the differential test against the
//! reference (`scripts/differential.sh`).
//!
//! Reads JSON lines `{"schema": "SEND_TEXT_ACTION", "document": {...}}` on stdin and writes,
//! for each, on stdout, `{"error": "..."}` or:
//!
//! - `dump`: what is sent to the platform (loaded text as received);
//! - `processed`: the processed view (`clustaar_webhook::models::view::processed_json`), what a handler
//!   reads, which is what the reference dumps;
//! - `invalid`: the paths of the broken rules of the dump (`null` when no model validates this
//!   schema alone);
//! - for a `WEBHOOK_REQUEST` of a step: `echo`, the answer made of the step's own actions, and
//!   `echo_invalid`, the paths of its broken rules.
//!
//! `schema` is the name of a schema of the reference's `v1.py`.

use std::io::{self, BufRead, Write};

use clustaar_webhook::models::validate::Validate;
use clustaar_webhook::models::*;
use serde::de::DeserializeOwned;
use serde::Serialize;
use serde_json::{json, Value};

fn paths_of<T: DeserializeOwned + Validate>(dump: &Value) -> Option<Vec<String>> {
    let model: T = serde_json::from_value(dump.clone()).ok()?;
    Some(match model.validate() {
        Ok(()) => Vec::new(),
        Err(errors) => errors.0.into_iter().map(|error| error.path).collect(),
    })
}

/// The paths of the broken rules of the dumped document, through the model that validates it.
fn invalid_paths(schema: &str, dump: &Value) -> Option<Vec<String>> {
    match schema {
        "GO_TO_ACTION" => paths_of::<GoToAction>(dump),
        "LEGACY_REPLY_TO_MESSAGE_ACTION"
        | "OPEN_URL_ACTION"
        | "SHARE_ACTION"
        | "CUSTOMER_SATISFACTION_CALLBACK_ACTION" => paths_of::<ButtonAction>(dump),
        "FLOW_CONNECTION" => paths_of::<FlowConnection>(dump),
        "WEBHOOK_INTERLOCUTOR" => paths_of::<Interlocutor>(dump),
        "WEBHOOK_STEP_REACHED_RESPONSE" => paths_of::<StepReachedResponse>(dump),
        "COORDINATES" => paths_of::<Coordinates>(dump),
        "WEBHOOK_REQUEST" => paths_of::<WebhookRequest>(dump),
        "STEP_TARGET" | "STORY_TARGET" => paths_of::<Target>(dump),
        "AUDIO" | "FILE" | "IMAGE" | "VIDEO" => paths_of::<Attachment>(dump),
        "INCOMING_MESSAGE" | "CUSTOM_EVENT" | "URL_LOADED_EVENT" => paths_of::<Input>(dump),
        s if s.starts_with("FLOW_CONNECTION_") => paths_of::<Predicate>(dump),
        s if s.starts_with("PREDICATE_") => paths_of::<ValueGetter>(dump),
        s if s.ends_with("_CONDITION") => paths_of::<Condition>(dump),
        s if s.ends_with("_ACTION") || s.ends_with("_ACTIONS") => paths_of::<Action>(dump),
        _ => None,
    }
}

/// What a loaded document gives.
struct Loaded {
    dump: Value,
    processed: Value,
    echo: Option<(Value, Vec<String>)>,
}

fn dump<T: DeserializeOwned + Serialize>(document: Value) -> Result<Loaded, String> {
    let model: T = serde_json::from_value(document).map_err(|e| e.to_string())?;
    Ok(Loaded {
        dump: serde_json::to_value(&model).map_err(|e| e.to_string())?,
        processed: view::processed_json(&model).map_err(|e| e.to_string())?,
        echo: None,
    })
}

/// A notification, and the echo of its step's actions.
fn dump_notification(document: Value) -> Result<Loaded, String> {
    let notification: WebhookRequest =
        serde_json::from_value(document.clone()).map_err(|e| e.to_string())?;
    let mut loaded = dump::<WebhookRequest>(document)?;
    if let Event::StepReached(event) = &notification.data {
        let answer = StepReachedResponse::with_actions(event.actions().iter().cloned());
        let invalid = match answer.validate() {
            Ok(()) => Vec::new(),
            Err(errors) => errors.0.into_iter().map(|error| error.path).collect(),
        };
        let echo = serde_json::to_value(&answer).map_err(|e| e.to_string())?;
        loaded.echo = Some((echo, invalid));
    }
    Ok(loaded)
}

fn load_and_dump(schema: &str, document: Value) -> Result<Loaded, String> {
    match schema {
        "ASK_DOCUMENT_ACTION" => dump::<AskDocumentAction>(document),
        "ASK_LOCATION_ACTION" => dump::<AskLocationAction>(document),
        "ASSIGN_INTERCOM_CONVERSATION_ACTION" => dump::<AssignIntercomConversationAction>(document),
        "AUDIO" => dump::<Audio>(document),
        "CLOSE_IADVIZE_CONVERSATION_ACTION" => dump::<CloseIadvizeConversationAction>(document),
        "CLOSE_INTERCOM_CONVERSATION_ACTION" => dump::<CloseIntercomConversationAction>(document),
        "CONTAIN_CONDITION" => dump::<ContainCondition>(document),
        "COORDINATES" => dump::<Coordinates>(document),
        "CREATE_USER_REQUEST_ACTION" => dump::<CreateUserRequestAction>(document),
        "CREATE_ZENDESK_TICKET_ACTION" => dump::<CreateZendeskTicketAction>(document),
        "CUSTOMER_SATISFACTION_ACTION" => dump::<CustomerSatisfactionAction>(document),
        "CUSTOMER_SATISFACTION_CALLBACK_ACTION" => {
            dump::<CustomerSatisfactionCallbackAction>(document)
        }
        "CUSTOM_EVENT" => dump::<CustomEvent>(document),
        "EQUALS_CONDITION" => dump::<EqualsCondition>(document),
        "FILE" => dump::<File>(document),
        "FLOW_CONNECTION" => dump::<FlowConnection>(document),
        "FLOW_CONNECTION_PREDICATE" => dump::<ConnectionPredicate>(document),
        "FLOW_CONNECTION_TEAM_PREDICATE" => dump::<ConnectionTeamPredicate>(document),
        "FLOW_CONNECTION_USER_PREDICATE" => dump::<ConnectionUserPredicate>(document),
        "GOOGLE_CUSTOM_SEARCH_ACTION" => dump::<GoogleCustomSearchAction>(document),
        "GO_TO_ACTION" => dump::<GoToAction>(document),
        "IMAGE" => dump::<Image>(document),
        "INCOMING_MESSAGE" => dump::<Message>(document),
        "IS_GREATER_THAN_CONDITION" => dump::<IsGreaterThanCondition>(document),
        "IS_GREATER_THAN_OR_EQUAL_CONDITION" => dump::<IsGreaterThanOrEqualCondition>(document),
        "IS_LESS_THAN_CONDITION" => dump::<IsLessThanCondition>(document),
        "IS_LESS_THAN_OR_EQUAL_CONDITION" => dump::<IsLessThanOrEqualCondition>(document),
        "IS_LOGGED_CONDITION" => dump::<IsLoggedCondition>(document),
        "IS_NOT_LOGGED_CONDITION" => dump::<IsNotLoggedCondition>(document),
        "IS_NOT_SET_CONDITION" => dump::<IsNotSetCondition>(document),
        "IS_NUMBER_CONDITION" => dump::<IsNumberCondition>(document),
        "IS_OFFLINE_CONDITION" => dump::<IsOfflineCondition>(document),
        "IS_ONLINE_CONDITION" => dump::<IsOnlineCondition>(document),
        "IS_SET_CONDITION" => dump::<IsSetCondition>(document),
        "JUMP_TO_ACTION" => dump::<JumpToAction>(document),
        "LEGACY_REPLY_TO_MESSAGE_ACTION" => dump::<LegacyReplyToMessageAction>(document),
        "MATCH_INTENT_CONDITION" => dump::<MatchIntentCondition>(document),
        "MATCH_REGEXP_CONDITION" => dump::<MatchRegexpCondition>(document),
        "OPEN_URL_ACTION" => dump::<OpenUrlAction>(document),
        "PAUSE_BOT_ACTION" => dump::<PauseBotAction>(document),
        "PREDICATE_ATTACHMENT_VALUE_GETTER" => dump::<AttachmentValueGetter>(document),
        "PREDICATE_MESSAGE_GETTER" => dump::<MessageGetter>(document),
        "PREDICATE_SESSION_VALUE_GETTER" => dump::<SessionValueGetter>(document),
        "PREDICATE_USER_ATTRIBUTE_GETTER" => dump::<UserAttributeGetter>(document),
        "SEND_AI_TASK_ACTION" => dump::<SendAiTaskAction>(document),
        "SEND_CARDS_ACTIONS" => dump::<SendCardsAction>(document),
        "SEND_CHOICES_LIST_ACTION" => dump::<SendChoicesListAction>(document),
        "SEND_EMAIL_ACTION" => dump::<SendEmailAction>(document),
        "SEND_IMAGE_ACTION" => dump::<SendImageAction>(document),
        "SEND_JS_EVENT_ACTION" => dump::<SendJsEventAction>(document),
        "SEND_QUICK_REPLIES_ACTION" => dump::<SendQuickRepliesAction>(document),
        "SEND_SIMPLE_CARDS_ACTIONS" => dump::<SendSimpleCardsAction>(document),
        "SEND_TEXT_ACTION" => dump::<SendTextAction>(document),
        "SEND_WEBHOOK_REQUEST_ACTION" => dump::<SendWebhookRequestAction>(document),
        "SET_USER_ATTRIBUTE_ACTION" => dump::<SetUserAttributeAction>(document),
        "SHARE_ACTION" => dump::<ShareAction>(document),
        "STEP_TARGET" => dump::<StepTarget>(document),
        "STORE_SESSION_VALUE_ACTION" => dump::<StoreSessionValueAction>(document),
        "STORY_TARGET" => dump::<StoryTarget>(document),
        "TRANSFER_IADVIZE_CONVERSATION_ACTION" => {
            dump::<TransferIadvizeConversationAction>(document)
        }
        "URL_LOADED_EVENT" => dump::<UrlLoadedEvent>(document),
        "VIDEO" => dump::<Video>(document),
        "WAIT_ACTION" => dump::<WaitAction>(document),
        "WEBHOOK_INTERLOCUTOR" => dump::<Interlocutor>(document),
        "WEBHOOK_REQUEST" => dump_notification(document),
        "WEBHOOK_STEP_REACHED_RESPONSE" => dump::<StepReachedResponse>(document),
        other => Err(format!("no model for the schema {other}")),
    }
}

fn main() -> io::Result<()> {
    let stdin = io::stdin();
    let mut stdout = io::BufWriter::new(io::stdout().lock());
    for line in stdin.lock().lines() {
        let line = line?;
        if line.trim().is_empty() {
            continue;
        }
        let answer = match serde_json::from_str::<Value>(&line) {
            Ok(mut request) => {
                let schema = request["schema"].as_str().unwrap_or_default().to_owned();
                match load_and_dump(&schema, request["document"].take()) {
                    Ok(loaded) => {
                        let invalid = invalid_paths(&schema, &loaded.dump);
                        let mut answer = json!({
                            "dump": loaded.dump,
                            "processed": loaded.processed,
                            "invalid": invalid,
                        });
                        if let Some((echo, echo_invalid)) = loaded.echo {
                            answer["echo"] = echo;
                            answer["echo_invalid"] = json!(echo_invalid);
                        }
                        answer
                    }
                    Err(error) => json!({ "error": error }),
                }
            }
            Err(error) => json!({ "error": error.to_string() }),
        };
        writeln!(stdout, "{answer}")?;
    }
    stdout.flush()
}
