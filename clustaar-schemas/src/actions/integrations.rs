//! Actions that involve another service or a human: e-mail, Intercom, Zendesk, iAdvize,
//! satisfaction surveys, user requests.

use serde::ser::SerializeStruct;
use serde::{Deserialize, Serialize, Serializer};

use crate::flow::MatchIntentConditionIntent;
use crate::tagged::type_tag;
use crate::targets::Target;
use crate::text::Text;
use crate::text_fields;
use crate::view::Origin;

type_tag! {
    /// Tag of [`SendEmailAction`].
    SendEmailActionType = "send_email_action";
    /// Tag of [`CloseIntercomConversationAction`].
    CloseIntercomConversationActionType = "close_intercom_conversation_action";
    /// Tag of [`AssignIntercomConversationAction`].
    AssignIntercomConversationActionType = "assign_intercom_conversation_action";
    /// Tag of [`CreateZendeskTicketAction`].
    CreateZendeskTicketActionType = "create_zendesk_ticket_action";
    /// Tag of [`CustomerSatisfactionChoice`].
    CustomerSatisfactionChoiceType = "customer_satisfaction_choice";
    /// Tag of [`CustomerSatisfactionAction`].
    CustomerSatisfactionActionType = "customer_satisfaction_action";
    /// Tag of [`CreateUserRequestAction`].
    CreateUserRequestActionType = "create_user_request_action";
    /// Tag of [`CloseIadvizeConversationAction`].
    CloseIadvizeConversationActionType = "close_iadvize_conversation_action";
    /// Tag of [`TransferIadvizeConversationAction`].
    TransferIadvizeConversationActionType = "transfer_iadvize_conversation_action";
}

/// Sends an e-mail (`send_email_action`).
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct SendEmailAction {
    /// `"type"`.
    #[serde(rename = "type", default)]
    pub kind: SendEmailActionType,
    /// The sender's address (up to 150 characters, not a `@clustaar.` address; optional,
    /// nullable; stripped and sanitised on load).
    #[serde(
        rename = "fromEmail",
        default,
        deserialize_with = "text_fields::strip_html"
    )]
    pub from_email: Option<Text>,
    /// The sender's name (up to 50 characters; optional, nullable).
    #[serde(
        rename = "fromName",
        default,
        deserialize_with = "text_fields::strip_html_nfkc"
    )]
    pub from_name: Option<Text>,
    /// The recipient's address (up to 150 characters).
    #[serde(default, deserialize_with = "text_fields::strip_html_nfkc")]
    pub recipient: Option<Text>,
    /// The subject (up to 150 characters).
    #[serde(default, deserialize_with = "text_fields::html_nfkc")]
    pub subject: Option<Text>,
    /// The body (up to 1500 characters).
    #[serde(default, deserialize_with = "text_fields::html_nfkc")]
    pub content: Option<Text>,
    /// The reply-to address (up to 150 characters; optional, nullable).
    #[serde(
        rename = "replyToEmail",
        default,
        deserialize_with = "text_fields::strip_html"
    )]
    pub reply_to_email: Option<Text>,
    /// The reply-to name (up to 50 characters; optional, nullable).
    #[serde(
        rename = "replyToName",
        default,
        deserialize_with = "text_fields::strip_html_nfkc"
    )]
    pub reply_to_name: Option<Text>,
    /// Attach the documents the user uploaded (optional, nullable).
    #[serde(rename = "userAttachments", default)]
    pub user_attachments: Option<bool>,
}

impl SendEmailAction {
    /// Sends `subject` and `content` to `recipient`.
    pub fn new(
        recipient: impl Into<String>,
        subject: impl Into<String>,
        content: impl Into<String>,
    ) -> Self {
        Self {
            recipient: Some(Text::new(recipient)),
            subject: Some(Text::new(subject)),
            content: Some(Text::new(content)),
            ..Self::default()
        }
    }
}

/// Closes the Intercom conversation (`close_intercom_conversation_action`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct CloseIntercomConversationAction {
    /// `"type"`.
    #[serde(rename = "type", default)]
    pub kind: CloseIntercomConversationActionType,
}

/// Assigns the Intercom conversation to an admin or a team
/// (`assign_intercom_conversation_action`).
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct AssignIntercomConversationAction {
    /// `"type"`.
    #[serde(rename = "type", default)]
    pub kind: AssignIntercomConversationActionType,
    /// The assignee's Intercom id (digits, up to 100; optional, nullable; stripped on load).
    #[serde(
        rename = "assigneeID",
        default,
        deserialize_with = "text_fields::strip"
    )]
    pub assignee_id: Option<Text>,
}

/// The requester of a Zendesk ticket (`zendesk_user`).
///
/// Its fields may be absent on the platform but not `null`: a loaded requester leaves out the
/// `None` ones when it is written, a built one writes them `null` (see [`Origin`]).
#[derive(Debug, Clone, PartialEq, Default, Deserialize)]
pub struct ZendeskUser {
    /// E-mail address (up to 100 characters; optional; stripped and sanitised on load).
    #[serde(default, deserialize_with = "text_fields::strip_html")]
    pub email: Option<Text>,
    /// Name (up to 100 characters; optional; stripped, sanitised and normalised on load).
    #[serde(default, deserialize_with = "text_fields::strip_html_nfkc")]
    pub name: Option<Text>,
    /// Phone number (optional).
    #[serde(rename = "phoneNumber", default)]
    pub phone_number: Option<String>,
    /// Loaded or built.
    #[serde(skip_deserializing, default = "Origin::loaded")]
    pub origin: Origin,
}

impl Serialize for ZendeskUser {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut object = serializer.serialize_struct("ZendeskUser", 3)?;
        self.origin
            .not_null_field(&mut object, "email", &self.email)?;
        self.origin
            .not_null_field(&mut object, "name", &self.name)?;
        self.origin
            .not_null_field(&mut object, "phoneNumber", &self.phone_number)?;
        object.end()
    }
}

/// Creates a Zendesk ticket (`create_zendesk_ticket_action`).
///
/// Its optional fields may be absent on the platform but not `null`: a loaded ticket leaves
/// out the `None` ones when it is written, a built one writes them `null` (see [`Origin`]).
#[derive(Debug, Clone, PartialEq, Default, Deserialize)]
pub struct CreateZendeskTicketAction {
    /// The requester.
    #[serde(default)]
    pub user: Option<ZendeskUser>,
    /// `"type"` (written after `user`, as the reference does).
    #[serde(rename = "type", default)]
    pub kind: CreateZendeskTicketActionType,
    /// `question`, `incident`, `problem`, `task` or `""` (optional).
    #[serde(rename = "ticketType", default)]
    pub ticket_type: Option<String>,
    /// `urgent`, `high`, `normal`, `low` or `""` (optional).
    #[serde(rename = "ticketPriority", default)]
    pub ticket_priority: Option<String>,
    /// The subject (up to 100 characters; optional).
    #[serde(default, deserialize_with = "text_fields::html_nfkc")]
    pub subject: Option<Text>,
    /// The description (1 to 1500 characters).
    #[serde(default, deserialize_with = "text_fields::html_nfkc")]
    pub description: Option<Text>,
    /// Tags (up to 10, each up to 80 characters; optional).
    #[serde(default)]
    pub tags: Option<Vec<String>>,
    /// The group's id (digits, up to 24; optional).
    #[serde(rename = "groupID", default)]
    pub group_id: Option<String>,
    /// The assignee's id (digits, up to 24; optional; stripped on load).
    #[serde(
        rename = "assigneeID",
        default,
        deserialize_with = "text_fields::strip"
    )]
    pub assignee_id: Option<Text>,
    /// Loaded or built.
    #[serde(skip_deserializing, default = "Origin::loaded")]
    pub origin: Origin,
}

impl Serialize for CreateZendeskTicketAction {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let origin = self.origin;
        let mut object = serializer.serialize_struct("CreateZendeskTicketAction", 9)?;
        object.serialize_field("user", &self.user)?;
        object.serialize_field("type", &self.kind)?;
        origin.not_null_field(&mut object, "ticketType", &self.ticket_type)?;
        origin.not_null_field(&mut object, "ticketPriority", &self.ticket_priority)?;
        origin.not_null_field(&mut object, "subject", &self.subject)?;
        object.serialize_field("description", &self.description)?;
        origin.not_null_field(&mut object, "tags", &self.tags)?;
        origin.not_null_field(&mut object, "groupID", &self.group_id)?;
        origin.not_null_field(&mut object, "assigneeID", &self.assignee_id)?;
        object.end()
    }
}

impl CreateZendeskTicketAction {
    /// A ticket with `description`, requested by `user`; the other fields are empty (they may
    /// not be `null` on the platform).
    pub fn new(description: impl Into<String>, user: ZendeskUser) -> Self {
        Self {
            user: Some(user),
            ticket_type: Some(String::new()),
            ticket_priority: Some(String::new()),
            subject: Some(Text::default()),
            description: Some(Text::new(description)),
            tags: Some(Vec::new()),
            group_id: Some(String::new()),
            assignee_id: Some(Text::default()),
            ..Self::default()
        }
    }
}

impl ZendeskUser {
    /// The requester `name` at `email`, without phone number.
    pub fn new(name: impl Into<String>, email: impl Into<String>) -> Self {
        Self {
            email: Some(Text::new(email)),
            name: Some(Text::new(name)),
            phone_number: Some(String::new()),
            origin: Origin::default(),
        }
    }
}

/// One answer of a satisfaction survey (`customer_satisfaction_choice`).
///
/// The reference loads only the id of `matchingIntent` and cannot dump a choice (a `500`);
/// here the intent round-trips whole.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct CustomerSatisfactionChoice {
    /// `"type"`.
    #[serde(rename = "type", default)]
    pub kind: CustomerSatisfactionChoiceType,
    /// Where the conversation goes when the user picks it (a step or a story; nullable).
    #[serde(default)]
    pub target: Option<Target>,
    /// `positive`, `neutral` or `negative`.
    #[serde(rename = "kind", default)]
    pub satisfaction: Option<String>,
    /// The button's text (up to 60 characters; sanitised and normalised on load).
    #[serde(default, deserialize_with = "text_fields::html_nfkc")]
    pub label: Option<Text>,
    /// The intent that also selects this choice when the user types it (nullable).
    #[serde(rename = "matchingIntent", default)]
    pub matching_intent: Option<MatchIntentConditionIntent>,
    /// The id of that intent, as the platform's editor writes it: read on load, never written
    /// (the reference's write-only `matching_intent_id`).
    #[serde(default, skip_serializing)]
    pub matching_intent_id: Option<String>,
}

impl CustomerSatisfactionChoice {
    /// A choice of `satisfaction` (`positive`, `neutral`, `negative`) labelled `label`.
    pub fn new(satisfaction: impl Into<String>, label: impl Into<String>) -> Self {
        Self {
            satisfaction: Some(satisfaction.into()),
            label: Some(Text::new(label)),
            ..Self::default()
        }
    }

    /// Sets the target.
    pub fn target(mut self, target: impl Into<Target>) -> Self {
        self.target = Some(target.into());
        self
    }

    /// The matching intent's id, from `matchingIntent` or `matching_intent_id`.
    pub fn intent_id(&self) -> Option<&str> {
        self.matching_intent
            .as_ref()
            .and_then(|intent| intent.id.as_deref())
            .or(self.matching_intent_id.as_deref())
    }
}

/// Asks the user to rate the conversation (`customer_satisfaction_action`).
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct CustomerSatisfactionAction {
    /// `"type"`.
    #[serde(rename = "type", default)]
    pub kind: CustomerSatisfactionActionType,
    /// The question (1 to 1000 characters).
    #[serde(default, deserialize_with = "text_fields::html_nfkc")]
    pub message: Option<Text>,
    /// The answers (2 or 3).
    #[serde(default)]
    pub choices: Option<Vec<CustomerSatisfactionChoice>>,
}

impl CustomerSatisfactionAction {
    /// Asks `message` with `choices`.
    pub fn new(
        message: impl Into<String>,
        choices: impl IntoIterator<Item = CustomerSatisfactionChoice>,
    ) -> Self {
        Self {
            message: Some(Text::new(message)),
            choices: Some(choices.into_iter().collect()),
            ..Self::default()
        }
    }
}

/// Creates a request for a human agent (`create_user_request_action`).
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct CreateUserRequestAction {
    /// `"type"`.
    #[serde(rename = "type", default)]
    pub kind: CreateUserRequestActionType,
    /// The request (1 to 1000 characters; stripped, sanitised and normalised on load).
    #[serde(default, deserialize_with = "text_fields::strip_html_nfkc")]
    pub message: Option<Text>,
    /// The agent assigned (optional, nullable; stripped on load).
    #[serde(
        rename = "assigneeID",
        default,
        deserialize_with = "text_fields::strip"
    )]
    pub assignee_id: Option<Text>,
    /// The group assigned (optional, nullable; stripped on load).
    #[serde(rename = "groupID", default, deserialize_with = "text_fields::strip")]
    pub group_id: Option<Text>,
}

impl CreateUserRequestAction {
    /// A request with `message`.
    pub fn new(message: impl Into<String>) -> Self {
        Self {
            message: Some(Text::new(message)),
            ..Self::default()
        }
    }
}

/// Closes the iAdvize conversation (`close_iadvize_conversation_action`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct CloseIadvizeConversationAction {
    /// `"type"`.
    #[serde(rename = "type", default)]
    pub kind: CloseIadvizeConversationActionType,
}

/// An iAdvize distribution rule: who receives a transferred conversation
/// (`iadvize_distribution_rule`).
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct IadvizeDistributionRule {
    /// The rule's label.
    #[serde(default)]
    pub label: Option<String>,
    /// The rule's id.
    #[serde(default)]
    pub id: Option<String>,
}

/// Transfers the iAdvize conversation to a human (`transfer_iadvize_conversation_action`).
///
/// `failed_transfer_message` may be absent on the platform but not `null`: a loaded action
/// leaves it out when it is `None`, a built one writes `null` (see [`Origin`]).
#[derive(Debug, Clone, PartialEq, Default, Deserialize)]
pub struct TransferIadvizeConversationAction {
    /// `"type"`.
    #[serde(rename = "type", default)]
    pub kind: TransferIadvizeConversationActionType,
    /// Sent to the user when the transfer fails (optional).
    #[serde(default)]
    pub failed_transfer_message: Option<String>,
    /// Who receives the conversation.
    #[serde(default)]
    pub distribution_rule: Option<IadvizeDistributionRule>,
    /// Loaded or built.
    #[serde(skip_deserializing, default = "Origin::loaded")]
    pub origin: Origin,
}

impl Serialize for TransferIadvizeConversationAction {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut object = serializer.serialize_struct("TransferIadvizeConversationAction", 3)?;
        object.serialize_field("type", &self.kind)?;
        self.origin.not_null_field(
            &mut object,
            "failed_transfer_message",
            &self.failed_transfer_message,
        )?;
        object.serialize_field("distribution_rule", &self.distribution_rule)?;
        object.end()
    }
}

impl TransferIadvizeConversationAction {
    /// Transfers by the rule `id` labelled `label`, with no message on failure.
    pub fn new(id: impl Into<String>, label: impl Into<String>) -> Self {
        Self {
            failed_transfer_message: Some(String::new()),
            distribution_rule: Some(IadvizeDistributionRule {
                label: Some(label.into()),
                id: Some(id.into()),
            }),
            ..Self::default()
        }
    }
}
