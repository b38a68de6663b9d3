//! Actions that steer the conversation or store data: pause, wait, jump, session values,
//! user attributes, webhook requests, AI tasks, searches.

use serde::{Deserialize, Serialize};
use serde_json::Number;

use crate::ai_task::{AiTaskBehavior, AiTaskEngine};
use crate::flow::FlowConnection;
use crate::tagged::type_tag;
use crate::targets::Target;
use crate::text::Text;
use crate::text_fields;

type_tag! {
    /// Tag of [`PauseBotAction`].
    PauseBotActionType = "pause_bot_action";
    /// Tag of [`WaitAction`].
    WaitActionType = "wait_action";
    /// Tag of [`JumpToAction`].
    JumpToActionType = "jump_to_action";
    /// Tag of [`StoreSessionValueAction`].
    StoreSessionValueActionType = "store_session_value_action";
    /// Tag of [`SetUserAttributeAction`].
    SetUserAttributeActionType = "set_user_attribute_action";
    /// Tag of [`GoogleCustomSearchAction`].
    GoogleCustomSearchActionType = "google_custom_search_action";
    /// Tag of [`WebhookRequestField`].
    WebhookRequestFieldType = "webhook_request_field";
    /// Tag of [`SendWebhookRequestAction`].
    SendWebhookRequestActionType = "send_webhook_request_action";
    /// Tag of [`SendAiTaskAction`].
    SendAiTaskActionType = "send_ai_task_action";
}

/// Pauses the bot: a human takes over the conversation (`pause_bot_action`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct PauseBotAction {
    /// `"type"`.
    #[serde(rename = "type", default)]
    pub kind: PauseBotActionType,
}

impl PauseBotAction {
    /// The action.
    pub fn new() -> Self {
        Self::default()
    }
}

fn default_wait_duration() -> Option<Number> {
    Some(Number::from(WaitAction::DEFAULT_DURATION))
}

/// Waits before the next action, showing a typing indicator (`wait_action`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct WaitAction {
    /// `"type"`.
    #[serde(rename = "type", default)]
    pub kind: WaitActionType,
    /// Seconds to wait, between 0.5 and 7 (2 when absent on load). Kept as a JSON number so an
    /// integer stays an integer on the wire.
    #[serde(default = "default_wait_duration")]
    pub duration: Option<Number>,
}

impl WaitAction {
    /// The platform's default duration, in seconds.
    pub const DEFAULT_DURATION: u64 = 2;

    /// Waits `seconds` seconds.
    pub fn new(seconds: impl Into<Number>) -> Self {
        Self {
            kind: WaitActionType,
            duration: Some(seconds.into()),
        }
    }

    /// Waits `seconds` seconds (a fraction); a non-finite value is written `null`.
    pub fn seconds(seconds: f64) -> Self {
        Self {
            kind: WaitActionType,
            duration: Number::from_f64(seconds),
        }
    }
}

impl Default for WaitAction {
    fn default() -> Self {
        Self {
            kind: WaitActionType,
            duration: default_wait_duration(),
        }
    }
}

/// Jumps to the target of the first connection whose predicates hold, or to `defaultTarget`
/// (`jump_to_action`).
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct JumpToAction {
    /// `"type"`.
    #[serde(rename = "type", default)]
    pub kind: JumpToActionType,
    /// The connections, tried in order (0 to 10).
    #[serde(default)]
    pub connections: Option<Vec<FlowConnection>>,
    /// Where to go when no connection holds (a step or a story; nullable).
    #[serde(rename = "defaultTarget", default)]
    pub default_target: Option<Target>,
}

impl JumpToAction {
    /// Jumps to `target`, unconditionally.
    pub fn new(target: impl Into<Target>) -> Self {
        Self {
            connections: Some(Vec::new()),
            default_target: Some(target.into()),
            ..Self::default()
        }
    }

    /// Adds a connection.
    pub fn connection(mut self, connection: FlowConnection) -> Self {
        self.connections
            .get_or_insert_with(Vec::new)
            .push(connection);
        self
    }
}

macro_rules! key_value_action {
    ($(#[$meta:meta])* $name:ident($tag:ident), $what:literal, $value_max:literal) => {
        $(#[$meta])*
        #[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
        pub struct $name {
            /// `"type"`.
            #[serde(rename = "type", default)]
            pub kind: $tag,
            #[doc = concat!("The ", $what, "'s key (1 to 100 word characters).")]
            #[serde(default)]
            pub key: Option<String>,
            #[doc = concat!("The value (1 to ", $value_max, " characters; sanitised and normalised on load).")]
            #[serde(default, deserialize_with = "text_fields::html_nfkc")]
            pub value: Option<Text>,
            /// Adds the value to the current one instead of replacing it (optional, nullable).
            #[serde(default)]
            pub add: Option<bool>,
            /// The value is an integer (optional, nullable).
            #[serde(rename = "isInt", default)]
            pub is_int: Option<bool>,
        }

        impl $name {
            #[doc = concat!("Sets the ", $what, " `key` to `value`.")]
            pub fn new(key: impl Into<String>, value: impl Into<String>) -> Self {
                Self { key: Some(key.into()), value: Some(Text::new(value)), ..Self::default() }
            }
        }
    };
}

key_value_action!(
    /// Stores a value in the conversation's session (`store_session_value_action`).
    StoreSessionValueAction(StoreSessionValueActionType), "session value", 200
);
key_value_action!(
    /// Sets an attribute of the user (`set_user_attribute_action`); the key may not be `id`.
    SetUserAttributeAction(SetUserAttributeActionType), "user attribute", 2000
);

/// Searches with a Google custom search engine and sends the results
/// (`google_custom_search_action`).
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct GoogleCustomSearchAction {
    /// `"type"`.
    #[serde(rename = "type", default)]
    pub kind: GoogleCustomSearchActionType,
    /// The query (1 to 2048 characters).
    #[serde(default)]
    pub query: Option<String>,
    /// The search engine's id (stripped on load; not empty).
    #[serde(
        rename = "customEngineID",
        default,
        deserialize_with = "text_fields::strip"
    )]
    pub custom_engine_id: Option<Text>,
    /// How many results to send (1 to 10).
    #[serde(default)]
    pub limit: Option<i64>,
}

impl GoogleCustomSearchAction {
    /// Searches `query` with engine `engine_id`, sending `limit` results.
    pub fn new(query: impl Into<String>, engine_id: impl Into<String>, limit: i64) -> Self {
        Self {
            query: Some(query.into()),
            custom_engine_id: Some(Text::new(engine_id)),
            limit: Some(limit),
            ..Self::default()
        }
    }
}

/// A field of a webhook request (`webhook_request_field`).
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct WebhookRequestField {
    /// `"type"`.
    #[serde(rename = "type", default)]
    pub kind: WebhookRequestFieldType,
    /// The field's key (1 to 100 word characters).
    #[serde(default)]
    pub key: Option<String>,
    /// The field's value (1 to 2048 characters).
    #[serde(default)]
    pub value: Option<String>,
}

impl WebhookRequestField {
    /// The field `key` = `value`.
    pub fn new(key: impl Into<String>, value: impl Into<String>) -> Self {
        Self {
            key: Some(key.into()),
            value: Some(value.into()),
            ..Self::default()
        }
    }
}

/// Sends an HTTP request to a service (`send_webhook_request_action`).
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct SendWebhookRequestAction {
    /// `"type"`.
    #[serde(rename = "type", default)]
    pub kind: SendWebhookRequestActionType,
    /// Where to send it (1 to 500 characters; stripped on load).
    #[serde(default, deserialize_with = "text_fields::strip")]
    pub url: Option<Text>,
    /// What the request is for (up to 500 characters).
    #[serde(default)]
    pub description: Option<String>,
    /// `custom` or `zapier`.
    #[serde(default)]
    pub service: Option<String>,
    /// The fields sent (up to 100).
    #[serde(default)]
    pub fields: Option<Vec<WebhookRequestField>>,
}

impl SendWebhookRequestAction {
    /// A request to `url` of `service` (`custom` or `zapier`) with `fields`.
    pub fn new(
        url: impl Into<String>,
        service: impl Into<String>,
        fields: impl IntoIterator<Item = WebhookRequestField>,
    ) -> Self {
        Self {
            url: Some(Text::new(url)),
            description: Some(String::new()),
            service: Some(service.into()),
            fields: Some(fields.into_iter().collect()),
            ..Self::default()
        }
    }

    /// Sets the description.
    pub fn description(mut self, description: impl Into<String>) -> Self {
        self.description = Some(description.into());
        self
    }
}

fn default_false() -> Option<bool> {
    Some(false)
}

/// Runs an AI task and follows the behaviour it selects (`send_ai_task_action`).
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct SendAiTaskAction {
    /// `"type"`.
    #[serde(rename = "type", default)]
    pub kind: SendAiTaskActionType,
    /// The engine.
    #[serde(default)]
    pub engine: Option<AiTaskEngine>,
    /// The behaviours.
    #[serde(default)]
    pub behaviors: Option<Vec<AiTaskBehavior>>,
    /// Where to go when no behaviour applies (a step or a story; nullable).
    #[serde(rename = "defaultTarget", default)]
    pub default_target: Option<Target>,
    /// Where to go to select a behaviour (optional, nullable; not written when absent).
    #[serde(
        rename = "selectTarget",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub select_target: Option<Target>,
    /// Whether the user's attributes are sent to the engine (`false` when absent on load).
    #[serde(rename = "userAttributes", default = "default_false")]
    pub user_attributes: Option<bool>,
}

impl SendAiTaskAction {
    /// Runs `engine` with `behaviors`.
    pub fn new(engine: AiTaskEngine, behaviors: impl IntoIterator<Item = AiTaskBehavior>) -> Self {
        Self {
            engine: Some(engine),
            behaviors: Some(behaviors.into_iter().collect()),
            user_attributes: Some(false),
            ..Self::default()
        }
    }
}
