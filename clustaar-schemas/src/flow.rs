//! Flow connections: the conditional jumps of a `jump_to_action` or of an AI task behaviour.
//!
//! A connection leads to a target when all its predicates hold. A predicate is one of three
//! kinds: a condition on a value (the message, a session value, a user attribute or an
//! attachment, read by a *value getter*), on the team's availability, or on the user being
//! logged in.

use serde::{Deserialize, Serialize};
use serde_json::Number;

use super::tagged::{tagged_enum, type_tag};
use super::targets::Target;

type_tag! {
    /// Tag of [`MessageGetter`].
    MessageGetterType = "message";
    /// Tag of [`SessionValueGetter`].
    SessionValueGetterType = "session_value";
    /// Tag of [`UserAttributeGetter`].
    UserAttributeGetterType = "user_attribute";
    /// Tag of [`AttachmentValueGetter`].
    AttachmentValueGetterType = "attachment_value";
    /// Tag of [`IsNotSetCondition`].
    IsNotSetType = "is_not_set";
    /// Tag of [`IsSetCondition`].
    IsSetType = "is_set";
    /// Tag of [`ContainCondition`].
    ContainsType = "contains";
    /// Tag of [`EqualsCondition`].
    EqualsType = "equals";
    /// Tag of [`MatchRegexpCondition`].
    MatchRegexpType = "match_regexp";
    /// Tag of [`MatchIntentCondition`].
    MatchIntentType = "match_intent";
    /// Tag of [`MatchIntentConditionIntent`].
    IntentType = "intent";
    /// Tag of [`IsLessThanCondition`].
    IsLessThanType = "is_less_than";
    /// Tag of [`IsLessThanOrEqualCondition`].
    IsLessThanOrEqualType = "is_less_than_or_equal";
    /// Tag of [`IsGreaterThanCondition`].
    IsGreaterThanType = "is_greater_than";
    /// Tag of [`IsGreaterThanOrEqualCondition`].
    IsGreaterThanOrEqualType = "is_greater_than_or_equal";
    /// Tag of [`IsNumberCondition`].
    IsNumberType = "is_number";
    /// Tag of [`IsOnlineCondition`].
    IsOnlineType = "is_online";
    /// Tag of [`IsOfflineCondition`].
    IsOfflineType = "is_offline";
    /// Tag of [`IsLoggedCondition`].
    IsLoggedType = "is_logged";
    /// Tag of [`IsNotLoggedCondition`].
    IsNotLoggedType = "is_not_logged";
    /// Tag of [`ConnectionPredicate`].
    ConnectionPredicateType = "connection_predicate";
    /// Tag of [`ConnectionTeamPredicate`].
    ConnectionTeamPredicateType = "connection_team_predicate";
    /// Tag of [`ConnectionUserPredicate`].
    ConnectionUserPredicateType = "connection_user_predicate";
    /// Tag of [`FlowConnection`].
    FlowConnectionType = "flow_connection";
}

/// Declares models whose only field is their type tag.
macro_rules! unit_model {
    ($( $(#[$meta:meta])* $name:ident($tag:ident); )*) => {$(
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
        pub struct $name {
            /// `"type"`.
            #[serde(rename = "type", default)]
            pub kind: $tag,
        }

        impl $name {
            /// The model.
            pub fn new() -> Self {
                Self::default()
            }
        }
    )*};
}

/// Declares models with a `key` (a session value, a user attribute, an attachment).
macro_rules! keyed_getter {
    ($( $(#[$meta:meta])* $name:ident($tag:ident), $max:literal; )*) => {$(
        $(#[$meta])*
        #[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
        pub struct $name {
            /// `"type"`.
            #[serde(rename = "type", default)]
            pub kind: $tag,
            #[doc = concat!("The key read (1 to ", $max, " word characters).")]
            #[serde(default)]
            pub key: Option<String>,
        }

        impl $name {
            /// Reads `key`.
            pub fn new(key: impl Into<String>) -> Self {
                Self { key: Some(key.into()), ..Self::default() }
            }
        }
    )*};
}

unit_model! {
    /// Reads the user's message (`message`).
    MessageGetter(MessageGetterType);
    /// The value is absent (`is_not_set`).
    IsNotSetCondition(IsNotSetType);
    /// The value is present (`is_set`).
    IsSetCondition(IsSetType);
    /// The value is a number (`is_number`).
    IsNumberCondition(IsNumberType);
    /// A member of the team is online (`is_online`).
    IsOnlineCondition(IsOnlineType);
    /// No member of the team is online (`is_offline`).
    IsOfflineCondition(IsOfflineType);
    /// The user is logged in on the bot owner's site (`is_logged`).
    IsLoggedCondition(IsLoggedType);
    /// The user is not logged in (`is_not_logged`).
    IsNotLoggedCondition(IsNotLoggedType);
}

keyed_getter! {
    /// Reads a session value (`session_value`).
    SessionValueGetter(SessionValueGetterType), 100;
    /// Reads a user attribute (`user_attribute`).
    UserAttributeGetter(UserAttributeGetterType), 100;
    /// Reads a document the user attached (`attachment_value`).
    AttachmentValueGetter(AttachmentValueGetterType), 150;
}

tagged_enum! {
    /// What a [`ConnectionPredicate`] tests.
    pub enum ValueGetter {
        /// `message`
        "message" => Message(MessageGetter),
        /// `session_value`
        "session_value" => SessionValue(SessionValueGetter),
        /// `user_attribute`
        "user_attribute" => UserAttribute(UserAttributeGetter),
        /// `attachment_value`
        "attachment_value" => AttachmentValue(AttachmentValueGetter),
    }
}

/// The value contains one of `values` (`contains`).
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct ContainCondition {
    /// `"type"`.
    #[serde(rename = "type", default)]
    pub kind: ContainsType,
    /// The strings looked for.
    #[serde(default)]
    pub values: Option<Vec<String>>,
}

/// The value equals `expected` (`equals`).
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct EqualsCondition {
    /// `"type"`.
    #[serde(rename = "type", default)]
    pub kind: EqualsType,
    /// The expected value.
    #[serde(default)]
    pub expected: Option<String>,
}

/// The value matches a regular expression (`match_regexp`).
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct MatchRegexpCondition {
    /// `"type"`.
    #[serde(rename = "type", default)]
    pub kind: MatchRegexpType,
    /// The regular expression (Python syntax on the platform; validated as a regex here).
    #[serde(default)]
    pub pattern: Option<String>,
}

/// The intent a [`MatchIntentCondition`] (or a satisfaction choice) refers to.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct MatchIntentConditionIntent {
    /// `"type"`.
    #[serde(rename = "type", default)]
    pub kind: IntentType,
    /// The intent's ObjectID.
    #[serde(default)]
    pub id: Option<String>,
    /// The intent's name, written by the platform (the reference does not load it; it is kept
    /// here so that the condition round-trips).
    #[serde(default)]
    pub name: Option<String>,
}

impl MatchIntentConditionIntent {
    /// The intent `id`.
    pub fn new(id: impl Into<String>) -> Self {
        Self {
            id: Some(id.into()),
            ..Self::default()
        }
    }
}

/// The message matches an intent of the bot's NLU (`match_intent`).
///
/// The reference loads only the intent's id and cannot dump this condition (a `500`); here it
/// round-trips as `{"type": "match_intent", "intent": {"type": "intent", "id": …, "name": …}}`.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct MatchIntentCondition {
    /// `"type"`.
    #[serde(rename = "type", default)]
    pub kind: MatchIntentType,
    /// The intent.
    #[serde(default)]
    pub intent: Option<MatchIntentConditionIntent>,
}

impl MatchIntentCondition {
    /// Matches the intent `id`.
    pub fn new(intent_id: impl Into<String>) -> Self {
        Self {
            intent: Some(MatchIntentConditionIntent::new(intent_id)),
            ..Self::default()
        }
    }

    /// The intent's id.
    pub fn intent_id(&self) -> Option<&str> {
        self.intent.as_ref()?.id.as_deref()
    }
}

macro_rules! bound_condition {
    ($( $(#[$meta:meta])* $name:ident($tag:ident), $field:ident; )*) => {$(
        $(#[$meta])*
        #[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
        pub struct $name {
            /// The bound.
            #[serde(default)]
            pub $field: Option<Number>,
            /// `"type"` (written after the bound, as the reference does).
            #[serde(rename = "type", default)]
            pub kind: $tag,
        }

        impl $name {
            /// The condition with its bound.
            pub fn new(bound: impl Into<Number>) -> Self {
                Self { $field: Some(bound.into()), ..Self::default() }
            }
        }
    )*};
}

bound_condition! {
    /// The value is a number below `maximum` (`is_less_than`).
    IsLessThanCondition(IsLessThanType), maximum;
    /// The value is a number at most `maximum` (`is_less_than_or_equal`).
    IsLessThanOrEqualCondition(IsLessThanOrEqualType), maximum;
    /// The value is a number above `minimum` (`is_greater_than`).
    IsGreaterThanCondition(IsGreaterThanType), minimum;
    /// The value is a number at least `minimum` (`is_greater_than_or_equal`).
    IsGreaterThanOrEqualCondition(IsGreaterThanOrEqualType), minimum;
}

tagged_enum! {
    /// A condition on a value, on the team or on the user. Which conditions a predicate accepts
    /// depends on its kind (strict validation checks it).
    pub enum Condition {
        /// `is_not_set`
        "is_not_set" => IsNotSet(IsNotSetCondition),
        /// `is_set`
        "is_set" => IsSet(IsSetCondition),
        /// `contains`
        "contains" => Contains(ContainCondition),
        /// `equals`
        "equals" => Equals(EqualsCondition),
        /// `match_regexp`
        "match_regexp" => MatchRegexp(MatchRegexpCondition),
        /// `match_intent`
        "match_intent" => MatchIntent(MatchIntentCondition),
        /// `is_less_than`
        "is_less_than" => IsLessThan(IsLessThanCondition),
        /// `is_less_than_or_equal`
        "is_less_than_or_equal" => IsLessThanOrEqual(IsLessThanOrEqualCondition),
        /// `is_greater_than`
        "is_greater_than" => IsGreaterThan(IsGreaterThanCondition),
        /// `is_greater_than_or_equal`
        "is_greater_than_or_equal" => IsGreaterThanOrEqual(IsGreaterThanOrEqualCondition),
        /// `is_number`
        "is_number" => IsNumber(IsNumberCondition),
        /// `is_online`
        "is_online" => IsOnline(IsOnlineCondition),
        /// `is_offline`
        "is_offline" => IsOffline(IsOfflineCondition),
        /// `is_logged`
        "is_logged" => IsLogged(IsLoggedCondition),
        /// `is_not_logged`
        "is_not_logged" => IsNotLogged(IsNotLoggedCondition),
    }
}

impl Condition {
    /// The conditions a [`ConnectionPredicate`] accepts.
    pub const VALUE_CONDITIONS: &'static [&'static str] = &[
        "is_not_set",
        "is_set",
        "contains",
        "equals",
        "match_regexp",
        "match_intent",
        "is_less_than",
        "is_less_than_or_equal",
        "is_greater_than",
        "is_greater_than_or_equal",
        "is_number",
    ];
    /// The conditions a [`ConnectionTeamPredicate`] accepts.
    pub const TEAM_CONDITIONS: &'static [&'static str] = &["is_online", "is_offline"];
    /// The conditions a [`ConnectionUserPredicate`] accepts.
    pub const USER_CONDITIONS: &'static [&'static str] = &["is_logged", "is_not_logged"];
}

/// A condition on a value read by a getter (`connection_predicate`).
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct ConnectionPredicate {
    /// `"type"`.
    #[serde(rename = "type", default)]
    pub kind: ConnectionPredicateType,
    /// The condition (one of [`Condition::VALUE_CONDITIONS`]).
    #[serde(default)]
    pub condition: Option<Condition>,
    /// What the condition tests.
    #[serde(rename = "valueGetter", default)]
    pub value_getter: Option<ValueGetter>,
}

impl ConnectionPredicate {
    /// Tests `condition` on the value read by `getter`.
    pub fn new(getter: impl Into<ValueGetter>, condition: impl Into<Condition>) -> Self {
        Self {
            condition: Some(condition.into()),
            value_getter: Some(getter.into()),
            ..Self::default()
        }
    }
}

/// A condition on the team's availability (`connection_team_predicate`).
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct ConnectionTeamPredicate {
    /// `"type"`.
    #[serde(rename = "type", default)]
    pub kind: ConnectionTeamPredicateType,
    /// `is_online` or `is_offline`.
    #[serde(default)]
    pub condition: Option<Condition>,
}

/// A condition on the user being logged in (`connection_user_predicate`).
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct ConnectionUserPredicate {
    /// `"type"`.
    #[serde(rename = "type", default)]
    pub kind: ConnectionUserPredicateType,
    /// `is_logged` or `is_not_logged`.
    #[serde(default)]
    pub condition: Option<Condition>,
}

tagged_enum! {
    /// One of the predicates of a [`FlowConnection`].
    pub enum Predicate {
        /// `connection_predicate`
        "connection_predicate" => Value(ConnectionPredicate),
        /// `connection_team_predicate`
        "connection_team_predicate" => Team(ConnectionTeamPredicate),
        /// `connection_user_predicate`
        "connection_user_predicate" => User(ConnectionUserPredicate),
    }
}

/// Leads to `target` when all `predicates` hold (`flow_connection`).
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct FlowConnection {
    /// `"type"`.
    #[serde(rename = "type", default)]
    pub kind: FlowConnectionType,
    /// Where the conversation goes (a step or a story).
    #[serde(default)]
    pub target: Option<Target>,
    /// The predicates, all of which must hold (1 to 10).
    #[serde(default)]
    pub predicates: Option<Vec<Predicate>>,
}

impl FlowConnection {
    /// A connection to `target` under `predicates`.
    pub fn new(target: impl Into<Target>, predicates: impl IntoIterator<Item = Predicate>) -> Self {
        Self {
            target: Some(target.into()),
            predicates: Some(predicates.into_iter().collect()),
            ..Self::default()
        }
    }
}
