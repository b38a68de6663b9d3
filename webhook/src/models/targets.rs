//! Where a button or a jump sends the conversation: a step or a story.

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use super::tagged::tagged_enum;

/// A step of the bot, by id (`{"type": "step", "id": "…", "name": "…"}`).
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct StepTarget {
    /// The step's ObjectID.
    #[serde(default)]
    pub id: Option<String>,
    /// The step's name, informative only.
    #[serde(default)]
    pub name: Option<String>,
}

impl StepTarget {
    /// A target for the step `id`.
    pub fn new(id: impl Into<String>) -> Self {
        Self {
            id: Some(id.into()),
            name: None,
        }
    }
}

/// A story of the bot, by id (`{"type": "story", "id": "…", "name": "…"}`).
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct StoryTarget {
    /// The story's ObjectID.
    #[serde(default)]
    pub id: Option<String>,
    /// The story's name, informative only.
    #[serde(default)]
    pub name: Option<String>,
}

impl StoryTarget {
    /// A target for the story `id`.
    pub fn new(id: impl Into<String>) -> Self {
        Self {
            id: Some(id.into()),
            name: None,
        }
    }
}

tagged_enum! {
    /// The target of a [`GoToAction`]: a step or a story.
    pub enum Target {
        /// `"type": "step"`
        "step" => Step(StepTarget),
        /// `"type": "story"`
        "story" => Story(StoryTarget),
    }
}

/// Sends the conversation to a target, optionally storing session values on the way
/// (`go_to_action`). Used by buttons and quick replies, and as an input when the user clicked one.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct GoToAction {
    /// Where to go.
    pub target: Option<Target>,
    /// Session values to set when the action runs.
    #[serde(rename = "sessionValues", default)]
    pub session_values: Option<Map<String, Value>>,
}

impl GoToAction {
    /// Goes to `target` without session values.
    pub fn new(target: impl Into<Target>) -> Self {
        Self {
            target: Some(target.into()),
            session_values: None,
        }
    }

    /// Goes to the step `step_id`.
    pub fn to_step(step_id: impl Into<String>) -> Self {
        Self::new(StepTarget::new(step_id))
    }
}
