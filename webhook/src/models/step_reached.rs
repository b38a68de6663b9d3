//! The `conversation.step_reached` event: the conversation reached a step that calls the webhook.

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use super::actions::Action;
use super::input::Input;

/// A point on Earth, in degrees.
#[derive(Debug, Clone, Copy, PartialEq, Default, Serialize, Deserialize)]
pub struct Coordinates {
    /// Latitude.
    pub lat: f64,
    /// Longitude.
    pub long: f64,
}

/// The person the bot talks with.
///
/// Fields the platform did not send are `None` (and written back as `null`).
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct Interlocutor {
    /// The interlocutor's id on the platform.
    #[serde(default)]
    pub id: Option<String>,
    /// The id given by the channel (Messenger, the web chat, ...).
    #[serde(rename = "userID", default)]
    pub user_id: Option<String>,
    /// The id given by the bot's owner (for a logged-in user of the site).
    #[serde(rename = "externalID", default)]
    pub external_id: Option<String>,
    /// Where the interlocutor is, when they shared it.
    #[serde(default)]
    pub location: Option<Coordinates>,
    /// E-mail address.
    #[serde(default)]
    pub email: Option<String>,
    /// First name.
    #[serde(rename = "firstName", default)]
    pub first_name: Option<String>,
    /// Last name.
    #[serde(rename = "lastName", default)]
    pub last_name: Option<String>,
    /// Phone number.
    #[serde(rename = "phoneNumber", default)]
    pub phone_number: Option<String>,
    /// Attributes set by the bot (`set_user_attribute_action`), string to string.
    #[serde(rename = "customAttributes", default)]
    pub custom_attributes: Option<Map<String, Value>>,
    /// Whether the user is logged in on the bot owner's site.
    #[serde(rename = "isLogged", default)]
    pub is_logged: Option<bool>,
    /// Whether the conversation is a test from the bot's editor.
    #[serde(rename = "usedToTest", default)]
    pub used_to_test: Option<bool>,
}

/// The values stored in the conversation (`store_session_value_action`, or a webhook's answer).
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct ConversationSession {
    /// The values, by key.
    #[serde(default)]
    pub values: Map<String, Value>,
}

impl ConversationSession {
    /// An empty session.
    pub fn new() -> Self {
        Self::default()
    }

    /// Adds (or replaces) a value.
    ///
    /// ```
    /// use webhook::models::ConversationSession;
    /// let session = ConversationSession::new().with("name", "John");
    /// assert_eq!(session.get_str("name"), Some("John"));
    /// ```
    pub fn with(mut self, key: impl Into<String>, value: impl Into<Value>) -> Self {
        self.values.insert(key.into(), value.into());
        self
    }

    /// The value at `key`.
    pub fn get(&self, key: &str) -> Option<&Value> {
        self.values.get(key)
    }

    /// The value at `key`, if it is a string.
    pub fn get_str(&self, key: &str) -> Option<&str> {
        self.get(key).and_then(Value::as_str)
    }
}

impl<K: Into<String>, V: Into<Value>> FromIterator<(K, V)> for ConversationSession {
    fn from_iter<I: IntoIterator<Item = (K, V)>>(iter: I) -> Self {
        Self {
            values: iter
                .into_iter()
                .map(|(key, value)| (key.into(), value.into()))
                .collect(),
        }
    }
}

/// The step the conversation reached.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct Step {
    /// The step's ObjectID.
    #[serde(default)]
    pub id: Option<String>,
    /// The step's name in the editor.
    #[serde(default)]
    pub name: Option<String>,
    /// Free text set on the step in the editor (often JSON).
    #[serde(rename = "userData", default)]
    pub user_data: Option<String>,
    /// The actions configured on the step.
    #[serde(default)]
    pub actions: Vec<Action>,
}

/// The data of a `conversation.step_reached` notification (`data`, of type
/// `step_reached_event`).
///
/// Loaded as the reference loads it, without validation: a field the platform did not send is
/// `None` (or empty).
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct StepReached {
    /// The channel of the conversation (`facebook`, `web`, ...).
    #[serde(default)]
    pub channel: Option<String>,
    /// Who the bot talks with.
    #[serde(default)]
    pub interlocutor: Option<Interlocutor>,
    /// The conversation's stored values.
    #[serde(default)]
    pub session: Option<ConversationSession>,
    /// The step reached.
    #[serde(default)]
    pub step: Option<Step>,
    /// What made the conversation reach it.
    #[serde(default)]
    pub input: Option<Input>,
}

impl StepReached {
    /// The `type` of this event on the wire.
    pub const TYPE: &'static str = "step_reached_event";

    /// The id of the step reached.
    pub fn step_id(&self) -> Option<&str> {
        self.step.as_ref()?.id.as_deref()
    }

    /// The actions configured on the step reached (empty when none).
    pub fn actions(&self) -> &[Action] {
        self.step.as_ref().map_or(&[], |step| &step.actions)
    }

    /// A session value.
    pub fn session_value(&self, key: &str) -> Option<&Value> {
        self.session.as_ref()?.get(key)
    }
}
