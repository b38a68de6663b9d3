//! The `conversation.step_reached` event: the conversation reached a step that calls the webhook.

use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use super::actions::Action;
use super::input::Input;
use super::interlocutor::Interlocutor;
use super::objects::Objects;
use super::tagged::type_tag;

type_tag! {
    /// Tag of [`StepReached`].
    StepReachedEventType = "step_reached_event";
}

/// The values stored in the conversation (`store_session_value_action`, or a webhook's answer).
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct ConversationSession {
    /// The values, by key.
    #[serde(default)]
    pub values: Option<Map<String, Value>>,
}

impl ConversationSession {
    /// An empty session.
    pub fn new() -> Self {
        Self {
            values: Some(Map::new()),
        }
    }

    /// Adds (or replaces) a value.
    ///
    /// ```
    /// use clustaar_schemas::ConversationSession;
    /// let session = ConversationSession::new().with("name", "John").with("age", 42);
    /// assert_eq!(session.get_str("name"), Some("John"));
    /// assert_eq!(session.get_as::<u8>("age"), Some(42));
    /// ```
    pub fn with(mut self, key: impl Into<String>, value: impl Into<Value>) -> Self {
        self.insert(key, value);
        self
    }

    /// Sets a value.
    pub fn insert(&mut self, key: impl Into<String>, value: impl Into<Value>) {
        self.values
            .get_or_insert_with(Map::new)
            .insert(key.into(), value.into());
    }

    /// The value at `key`.
    pub fn get(&self, key: &str) -> Option<&Value> {
        self.values.as_ref()?.get(key)
    }

    /// The value at `key`, if it is a string.
    pub fn get_str(&self, key: &str) -> Option<&str> {
        self.get(key).and_then(Value::as_str)
    }

    /// The value at `key` as a `T` (`None` when absent or not a `T`).
    pub fn get_as<T: DeserializeOwned>(&self, key: &str) -> Option<T> {
        T::deserialize(Objects(self.get(key)?)).ok()
    }
}

impl<K: Into<String>, V: Into<Value>> FromIterator<(K, V)> for ConversationSession {
    fn from_iter<I: IntoIterator<Item = (K, V)>>(iter: I) -> Self {
        Self {
            values: Some(
                iter.into_iter()
                    .map(|(key, value)| (key.into(), value.into()))
                    .collect(),
            ),
        }
    }
}

/// The step the conversation reached (`webhook_step`).
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
    pub actions: Option<Vec<Action>>,
}

/// The data of a `conversation.step_reached` notification (`data`, of type
/// `step_reached_event`).
///
/// Loaded as the reference loads it, without validation: a field the platform did not send is
/// `None`.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct StepReached {
    /// `"type"`.
    #[serde(rename = "type", default)]
    pub kind: StepReachedEventType,
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
    pub const TYPE: &'static str = StepReachedEventType::TYPE;

    /// The id of the step reached.
    pub fn step_id(&self) -> Option<&str> {
        self.step.as_ref()?.id.as_deref()
    }

    /// The actions configured on the step reached (empty when none).
    pub fn actions(&self) -> &[Action] {
        self.step
            .as_ref()
            .and_then(|step| step.actions.as_deref())
            .unwrap_or_default()
    }

    /// Takes the actions of the step reached (empty when none), without copying them: the way
    /// to answer with the step's own actions.
    ///
    /// ```
    /// use clustaar_schemas::{StepReached, StepReachedResponse};
    ///
    /// fn echo(event: StepReached) -> StepReachedResponse {
    ///     StepReachedResponse::with_actions(event.into_actions())
    /// }
    /// ```
    pub fn into_actions(self) -> Vec<Action> {
        self.step.and_then(|step| step.actions).unwrap_or_default()
    }

    /// A session value.
    pub fn session_value(&self, key: &str) -> Option<&Value> {
        self.session.as_ref()?.get(key)
    }

    /// A session value as a `T` (`None` when absent or not a `T`).
    ///
    /// ```
    /// # use clustaar_schemas::{ConversationSession, StepReached};
    /// let event = StepReached {
    ///     session: Some(ConversationSession::new().with("age", 42)),
    ///     ..StepReached::default()
    /// };
    /// assert_eq!(event.session_value_as::<u32>("age"), Some(42));
    /// assert_eq!(event.session_value_as::<String>("age"), None);
    /// ```
    pub fn session_value_as<T: DeserializeOwned>(&self, key: &str) -> Option<T> {
        self.session.as_ref()?.get_as(key)
    }
}
