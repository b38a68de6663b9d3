//! The AI task of a `send_ai_task_action`: an engine and the behaviours that route its result.

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use super::flow::FlowConnection;
use super::tagged::type_tag;

type_tag! {
    /// Tag of [`AiTaskEngine`].
    AiTaskEngineType = "ai_task_engine";
    /// Tag of [`AiTaskBehavior`].
    AiTaskBehaviorType = "ai_task_behavior";
}

/// The engine running the task, and its options (`ai_task_engine`).
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct AiTaskEngine {
    /// `"type"`.
    #[serde(rename = "type", default)]
    pub kind: AiTaskEngineType,
    /// The engine's name.
    #[serde(default)]
    pub name: Option<String>,
    /// The engine's options, free-form.
    #[serde(default)]
    pub opts: Option<Map<String, Value>>,
}

impl AiTaskEngine {
    /// The engine `name` with no options.
    pub fn new(name: impl Into<String>) -> Self {
        Self {
            name: Some(name.into()),
            opts: Some(Map::new()),
            ..Self::default()
        }
    }

    /// Sets an option.
    pub fn opt(mut self, key: impl Into<String>, value: impl Into<Value>) -> Self {
        self.opts
            .get_or_insert_with(Map::new)
            .insert(key.into(), value.into());
        self
    }
}

/// A named outcome of the task and where it leads (`ai_task_behavior`).
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct AiTaskBehavior {
    /// `"type"`.
    #[serde(rename = "type", default)]
    pub kind: AiTaskBehaviorType,
    /// The behaviour's name.
    #[serde(default)]
    pub name: Option<String>,
    /// Its connections (0 to 10).
    #[serde(default)]
    pub connections: Option<Vec<FlowConnection>>,
}

impl AiTaskBehavior {
    /// The behaviour `name` with `connections`.
    pub fn new(
        name: impl Into<String>,
        connections: impl IntoIterator<Item = FlowConnection>,
    ) -> Self {
        Self {
            name: Some(name.into()),
            connections: Some(connections.into_iter().collect()),
            ..Self::default()
        }
    }
}
