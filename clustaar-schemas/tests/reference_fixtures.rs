//! Load and dump tests for every model, against the examples of the reference's own tests
//! (`tests/fixtures/v1/`, written by `scripts/extract_reference_fixtures.py` from
//! clustaar.schemas 1.10.0): loading `<name>.load.json` gives the model the reference loads, whose
//! processed view (`view::processed_json`, what a handler reads) is `<name>.dump.json`, key order
//! included; and the model's own dump (text as received) loads back into the same model.

use std::path::{Path, PathBuf};

use clustaar_schemas::*;
use serde::de::DeserializeOwned;
use serde::Serialize;
use serde_json::Value;

fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/v1")
}

fn read(name: &str) -> Value {
    let path = fixtures().join(name);
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    serde_json::from_str(&text).unwrap()
}

/// Loads the document as a `T`, dumps it, and compares with the expected dump, key order
/// included (unless the reference cannot dump it: then the expected dump is the document
/// itself, whose key order is the platform's, not the reference's). Returns an error message instead of panicking, so that every fixture is reported.
fn round_trip<T: DeserializeOwned + Serialize>(
    load: &Value,
    dump: &Value,
    order: bool,
) -> Result<(), String> {
    let model: T = serde_json::from_value(load.clone()).map_err(|e| format!("load: {e}"))?;
    let dumped = view::processed_json(&model).map_err(|e| format!("dump: {e}"))?;
    let written = serde_json::to_value(&model).map_err(|e| format!("dump: {e}"))?;
    let reloaded: T = serde_json::from_value(written).map_err(|e| format!("reload: {e}"))?;
    let reloaded = view::processed_json(&reloaded).map_err(|e| format!("dump: {e}"))?;
    if reloaded != dumped {
        return Err(format!(
            "its dump loads into another model:\n  first: {dumped}\n  reloaded: {reloaded}"
        ));
    }
    // The webhook loads notifications straight from the body's bytes when it can: the same
    // model either way.
    let bytes = serde_json::to_vec(load).map_err(|e| format!("to bytes: {e}"))?;
    let from_bytes: T = serde_json::from_slice(&bytes).map_err(|e| format!("load bytes: {e}"))?;
    let from_bytes = view::processed_json(&from_bytes).map_err(|e| format!("dump: {e}"))?;
    if from_bytes != dumped {
        return Err(format!(
            "loaded from bytes, it differs:\n  bytes: {from_bytes}\n  tree: {dumped}"
        ));
    }
    if dumped != *dump {
        return Err(format!(
            "dump differs:\n  ours: {dumped}\n  reference: {dump}"
        ));
    }
    let (ours, theirs) = (dumped.to_string(), dump.to_string());
    if order && ours != theirs {
        return Err(format!(
            "key order differs:\n  ours: {ours}\n  reference: {theirs}"
        ));
    }
    Ok(())
}

/// The Rust model of each schema of the reference.
fn check(schema: &str, load: &Value, dump: &Value, order: bool) -> Result<(), String> {
    match schema {
        "ASK_DOCUMENT_ACTION" => round_trip::<AskDocumentAction>(load, dump, order),
        "ASK_LOCATION_ACTION" => round_trip::<AskLocationAction>(load, dump, order),
        "ASSIGN_INTERCOM_CONVERSATION_ACTION" => {
            round_trip::<AssignIntercomConversationAction>(load, dump, order)
        }
        "AUDIO" => round_trip::<Audio>(load, dump, order),
        "CLOSE_IADVIZE_CONVERSATION_ACTION" => {
            round_trip::<CloseIadvizeConversationAction>(load, dump, order)
        }
        "CLOSE_INTERCOM_CONVERSATION_ACTION" => {
            round_trip::<CloseIntercomConversationAction>(load, dump, order)
        }
        "CONTAIN_CONDITION" => round_trip::<ContainCondition>(load, dump, order),
        "COORDINATES" => round_trip::<Coordinates>(load, dump, order),
        "CREATE_USER_REQUEST_ACTION" => round_trip::<CreateUserRequestAction>(load, dump, order),
        "CREATE_ZENDESK_TICKET_ACTION" => {
            round_trip::<CreateZendeskTicketAction>(load, dump, order)
        }
        "CUSTOMER_SATISFACTION_ACTION" => {
            round_trip::<CustomerSatisfactionAction>(load, dump, order)
        }
        "CUSTOMER_SATISFACTION_CALLBACK_ACTION" => {
            round_trip::<CustomerSatisfactionCallbackAction>(load, dump, order)
        }
        "CUSTOM_EVENT" => round_trip::<CustomEvent>(load, dump, order),
        "EQUALS_CONDITION" => round_trip::<EqualsCondition>(load, dump, order),
        "FILE" => round_trip::<File>(load, dump, order),
        "FLOW_CONNECTION" => round_trip::<FlowConnection>(load, dump, order),
        "FLOW_CONNECTION_PREDICATE" => round_trip::<ConnectionPredicate>(load, dump, order),
        "FLOW_CONNECTION_TEAM_PREDICATE" => {
            round_trip::<ConnectionTeamPredicate>(load, dump, order)
        }
        "FLOW_CONNECTION_USER_PREDICATE" => {
            round_trip::<ConnectionUserPredicate>(load, dump, order)
        }
        "GOOGLE_CUSTOM_SEARCH_ACTION" => round_trip::<GoogleCustomSearchAction>(load, dump, order),
        "GO_TO_ACTION" => round_trip::<GoToAction>(load, dump, order),
        "IMAGE" => round_trip::<Image>(load, dump, order),
        "INCOMING_MESSAGE" => round_trip::<Message>(load, dump, order),
        "IS_GREATER_THAN_CONDITION" => round_trip::<IsGreaterThanCondition>(load, dump, order),
        "IS_GREATER_THAN_OR_EQUAL_CONDITION" => {
            round_trip::<IsGreaterThanOrEqualCondition>(load, dump, order)
        }
        "IS_LESS_THAN_CONDITION" => round_trip::<IsLessThanCondition>(load, dump, order),
        "IS_LESS_THAN_OR_EQUAL_CONDITION" => {
            round_trip::<IsLessThanOrEqualCondition>(load, dump, order)
        }
        "IS_LOGGED_CONDITION" => round_trip::<IsLoggedCondition>(load, dump, order),
        "IS_NOT_LOGGED_CONDITION" => round_trip::<IsNotLoggedCondition>(load, dump, order),
        "IS_NOT_SET_CONDITION" => round_trip::<IsNotSetCondition>(load, dump, order),
        "IS_NUMBER_CONDITION" => round_trip::<IsNumberCondition>(load, dump, order),
        "IS_OFFLINE_CONDITION" => round_trip::<IsOfflineCondition>(load, dump, order),
        "IS_ONLINE_CONDITION" => round_trip::<IsOnlineCondition>(load, dump, order),
        "IS_SET_CONDITION" => round_trip::<IsSetCondition>(load, dump, order),
        "JUMP_TO_ACTION" => round_trip::<JumpToAction>(load, dump, order),
        "LEGACY_REPLY_TO_MESSAGE_ACTION" => {
            round_trip::<LegacyReplyToMessageAction>(load, dump, order)
        }
        "MATCH_INTENT_CONDITION" => round_trip::<MatchIntentCondition>(load, dump, order),
        "MATCH_REGEXP_CONDITION" => round_trip::<MatchRegexpCondition>(load, dump, order),
        "OPEN_URL_ACTION" => round_trip::<OpenUrlAction>(load, dump, order),
        "PAUSE_BOT_ACTION" => round_trip::<PauseBotAction>(load, dump, order),
        "PREDICATE_MESSAGE_GETTER" => round_trip::<MessageGetter>(load, dump, order),
        "PREDICATE_SESSION_VALUE_GETTER" => round_trip::<SessionValueGetter>(load, dump, order),
        "PREDICATE_USER_ATTRIBUTE_GETTER" => round_trip::<UserAttributeGetter>(load, dump, order),
        "PREDICATE_ATTACHMENT_VALUE_GETTER" => {
            round_trip::<AttachmentValueGetter>(load, dump, order)
        }
        "SEND_AI_TASK_ACTION" => round_trip::<SendAiTaskAction>(load, dump, order),
        "SEND_CARDS_ACTIONS" => round_trip::<SendCardsAction>(load, dump, order),
        "SEND_CHOICES_LIST_ACTION" => round_trip::<SendChoicesListAction>(load, dump, order),
        "SEND_EMAIL_ACTION" => round_trip::<SendEmailAction>(load, dump, order),
        "SEND_IMAGE_ACTION" => round_trip::<SendImageAction>(load, dump, order),
        "SEND_JS_EVENT_ACTION" => round_trip::<SendJsEventAction>(load, dump, order),
        "SEND_QUICK_REPLIES_ACTION" => round_trip::<SendQuickRepliesAction>(load, dump, order),
        "SEND_SIMPLE_CARDS_ACTIONS" => round_trip::<SendSimpleCardsAction>(load, dump, order),
        "SEND_TEXT_ACTION" => round_trip::<SendTextAction>(load, dump, order),
        "SEND_WEBHOOK_REQUEST_ACTION" => round_trip::<SendWebhookRequestAction>(load, dump, order),
        "SET_USER_ATTRIBUTE_ACTION" => round_trip::<SetUserAttributeAction>(load, dump, order),
        "SHARE_ACTION" => round_trip::<ShareAction>(load, dump, order),
        "STEP_TARGET" => round_trip::<StepTarget>(load, dump, order),
        "STORE_SESSION_VALUE_ACTION" => round_trip::<StoreSessionValueAction>(load, dump, order),
        "STORY_TARGET" => round_trip::<StoryTarget>(load, dump, order),
        "TRANSFER_IADVIZE_CONVERSATION_ACTION" => {
            round_trip::<TransferIadvizeConversationAction>(load, dump, order)
        }
        "URL_LOADED_EVENT" => round_trip::<UrlLoadedEvent>(load, dump, order),
        "VIDEO" => round_trip::<Video>(load, dump, order),
        "WAIT_ACTION" => round_trip::<WaitAction>(load, dump, order),
        "WEBHOOK_INTERLOCUTOR" => round_trip::<Interlocutor>(load, dump, order),
        "WEBHOOK_REQUEST" => round_trip::<WebhookRequest>(load, dump, order),
        "WEBHOOK_STEP_REACHED_RESPONSE" => round_trip::<StepReachedResponse>(load, dump, order),
        "ACTION" => round_trip::<Action>(load, dump, order),
        other => Err(format!("no model for the schema {other}")),
    }
}

#[test]
fn every_reference_example_loads_and_dumps_as_the_reference() {
    let manifest = read("manifest.json");
    let entries = manifest.as_array().unwrap();
    assert!(entries.len() >= 60, "{} fixtures", entries.len());
    let mut failures = Vec::new();
    for entry in entries {
        let name = entry["name"].as_str().unwrap();
        let schema = entry["schema"].as_str().unwrap();
        let load = read(&format!("{name}.load.json"));
        let dump = read(&format!("{name}.dump.json"));
        let order = entry.get("reference_error").is_none();
        if let Err(error) = check(schema, &load, &dump, order) {
            failures.push(format!("{name} ({schema}): {error}"));
        }
    }
    assert!(
        failures.is_empty(),
        "{} failures:\n{}",
        failures.len(),
        failures.join("\n")
    );
}
