//! What a handler answers to a `conversation.step_reached` notification.

use serde::{Deserialize, Serialize};

use super::actions::Action;
use super::interlocutor::Interlocutor;
use super::step_reached::ConversationSession;

/// The answer to a `conversation.step_reached` notification: the actions the platform runs, and
/// optionally a new session and interlocutor.
///
/// On the wire, absent `session` and `interlocutor` are written as `null`, as the reference
/// does.
///
/// ```
/// use clustaar_schemas::{SendTextAction, StepReachedResponse};
///
/// let response = StepReachedResponse::new()
///     .action(SendTextAction::new(["hello"]))
///     .session_value("name", "John");
/// assert_eq!(
///     serde_json::to_string(&response).unwrap(),
///     r#"{"actions":[{"type":"send_text_action","alternatives":["hello"]}],"session":{"values":{"name":"John"}},"interlocutor":null}"#
/// );
/// ```
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct StepReachedResponse {
    /// The actions to run, in order.
    #[serde(default)]
    pub actions: Vec<Action>,
    /// Replaces the conversation's session when present.
    #[serde(default)]
    pub session: Option<ConversationSession>,
    /// Updates the interlocutor when present.
    #[serde(default)]
    pub interlocutor: Option<Interlocutor>,
}

impl StepReachedResponse {
    /// An answer with no action.
    pub fn new() -> Self {
        Self::default()
    }

    /// An answer running `actions`.
    pub fn with_actions(actions: impl IntoIterator<Item = Action>) -> Self {
        Self {
            actions: actions.into_iter().collect(),
            ..Self::default()
        }
    }

    /// Appends an action.
    pub fn action(mut self, action: impl Into<Action>) -> Self {
        self.actions.push(action.into());
        self
    }

    /// Appends actions.
    pub fn actions<A: Into<Action>>(mut self, actions: impl IntoIterator<Item = A>) -> Self {
        self.actions.extend(actions.into_iter().map(Into::into));
        self
    }

    /// Sets the session.
    pub fn session(mut self, session: ConversationSession) -> Self {
        self.session = Some(session);
        self
    }

    /// Sets one session value (creating the session if needed).
    pub fn session_value(
        mut self,
        key: impl Into<String>,
        value: impl Into<serde_json::Value>,
    ) -> Self {
        self.session
            .get_or_insert_with(ConversationSession::new)
            .insert(key, value);
        self
    }

    /// Sets the interlocutor.
    pub fn interlocutor(mut self, interlocutor: Interlocutor) -> Self {
        self.interlocutor = Some(interlocutor);
        self
    }
}

impl<A: Into<Action>> FromIterator<A> for StepReachedResponse {
    /// An answer running the actions, in order.
    ///
    /// ```
    /// use clustaar_schemas::{PauseBotAction, SendTextAction, StepReachedResponse, Action};
    /// let answer: StepReachedResponse = [SendTextAction::new(["bye"])].into_iter().collect();
    /// assert_eq!(answer.actions.len(), 1);
    /// ```
    fn from_iter<I: IntoIterator<Item = A>>(actions: I) -> Self {
        Self::with_actions(actions.into_iter().map(Into::into))
    }
}

impl From<Vec<Action>> for StepReachedResponse {
    fn from(actions: Vec<Action>) -> Self {
        Self::with_actions(actions)
    }
}

impl From<Action> for StepReachedResponse {
    fn from(action: Action) -> Self {
        Self::new().action(action)
    }
}
