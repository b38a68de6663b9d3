//! Where a button, a jump or a flow connection sends the conversation: a step, a story or an
//! actions block.

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use super::tagged::{tagged_enum, type_tag};

type_tag! {
    /// Tag of [`StepTarget`].
    StepType = "step";
    /// Tag of [`StoryTarget`].
    StoryType = "story";
    /// Tag of [`ActionsBlockTarget`].
    ActionsBlockType = "actions_block";
    /// Tag of [`GoToAction`].
    GoToActionType = "go_to_action";
}

macro_rules! target {
    ($(#[$meta:meta])* $name:ident, $tag:ident, $what:literal) => {
        $(#[$meta])*
        #[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
        pub struct $name {
            #[doc = concat!("The ", $what, "'s ObjectID (24 hexadecimal characters).")]
            #[serde(default)]
            pub id: Option<String>,
            /// `"type"`.
            #[serde(rename = "type", default)]
            pub kind: $tag,
            #[doc = concat!("The ", $what, "'s name in the editor, informative only (optional, nullable).")]
            #[serde(default)]
            pub name: Option<String>,
        }

        impl $name {
            #[doc = concat!("A target for the ", $what, " `id`.")]
            pub fn new(id: impl Into<String>) -> Self {
                Self { id: Some(id.into()), ..Self::default() }
            }

            /// Sets the informative name.
            pub fn named(mut self, name: impl Into<String>) -> Self {
                self.name = Some(name.into());
                self
            }
        }
    };
}

target!(
    /// A step of the bot (`{"id": "…", "type": "step", "name": "…"}`).
    StepTarget, StepType, "step"
);
target!(
    /// A story of the bot: the conversation goes to its first step
    /// (`{"id": "…", "type": "story", "name": "…"}`).
    StoryTarget, StoryType, "story"
);
target!(
    /// A block of actions of the bot (`{"id": "…", "type": "actions_block", "name": "…"}`).
    /// The reference declares it but accepts it in no field; it loads here so that a document
    /// holding one round-trips, and strict validation refuses it where a step or story is expected.
    ActionsBlockTarget, ActionsBlockType, "actions block"
);

tagged_enum! {
    /// Where the conversation goes: a step or a story (or an actions block).
    pub enum Target {
        /// `"type": "step"`
        "step" => Step(StepTarget),
        /// `"type": "story"`
        "story" => Story(StoryTarget),
        /// `"type": "actions_block"`
        "actions_block" => ActionsBlock(ActionsBlockTarget),
    }
}

/// Sends the conversation to a target, optionally storing session values on the way
/// (`go_to_action`). Used by buttons, quick replies, choices lists and location requests, and
/// as an input when the user clicked one.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct GoToAction {
    /// `"type"`.
    #[serde(rename = "type", default)]
    pub kind: GoToActionType,
    /// Where to go: a step or a story.
    #[serde(default)]
    pub target: Option<Target>,
    /// Session values to set when the action runs (optional, nullable).
    #[serde(rename = "sessionValues", default)]
    pub session_values: Option<Map<String, Value>>,
}

impl GoToAction {
    /// Goes to `target` without session values.
    pub fn new(target: impl Into<Target>) -> Self {
        Self {
            target: Some(target.into()),
            ..Self::default()
        }
    }

    /// Goes to the step `step_id`.
    pub fn to_step(step_id: impl Into<String>) -> Self {
        Self::new(StepTarget::new(step_id))
    }

    /// Goes to the story `story_id`.
    pub fn to_story(story_id: impl Into<String>) -> Self {
        Self::new(StoryTarget::new(story_id))
    }

    /// Adds a session value set when the action runs.
    pub fn session_value(mut self, key: impl Into<String>, value: impl Into<Value>) -> Self {
        self.session_values
            .get_or_insert_with(Map::new)
            .insert(key.into(), value.into());
        self
    }
}
