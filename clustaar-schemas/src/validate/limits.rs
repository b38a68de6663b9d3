//! The platform's limits (the reference's `constants.py`, 1.10.0).

/// Wait: minimum duration, seconds.
pub const WAIT_ACTION_MIN_DURATION: f64 = 0.5;
/// Wait: maximum duration, seconds.
pub const WAIT_ACTION_MAX_DURATION: f64 = 7.0;
/// E-mail: subject.
pub const SEND_EMAIL_ACTION_SUBJECT_MAX_LENGTH: usize = 150;
/// E-mail: sender's address.
pub const SEND_EMAIL_ACTION_FROM_EMAIL_MAX_LENGTH: usize = 150;
/// E-mail: sender's name.
pub const SEND_EMAIL_ACTION_FROM_NAME_MAX_LENGTH: usize = 50;
/// E-mail: body.
pub const SEND_EMAIL_ACTION_CONTENT_MAX_LENGTH: usize = 1500;
/// E-mail: recipient.
pub const SEND_EMAIL_ACTION_RECIPIENT_MAX_LENGTH: usize = 150;
/// E-mail: reply-to address.
pub const SEND_EMAIL_ACTION_REPLY_TO_EMAIL_MAX_LENGTH: usize = 150;
/// E-mail: reply-to name.
pub const SEND_EMAIL_ACTION_REPLY_TO_NAME_MAX_LENGTH: usize = 50;
/// Any external URL.
pub const EXTERNAL_URL_MAX_LENGTH: usize = 500;
/// A text message (and the messages of most actions).
pub const SEND_TEXT_ACTION_MESSAGE_MAX_LENGTH: usize = 1000;
/// Alternatives of a text action.
pub const SEND_TEXT_ACTION_MAX_MESSAGES_COUNT: usize = 10;
/// Quick replies of an action.
pub const SEND_QUICK_REPLIES_ACTION_MAX_BUTTONS_COUNT: usize = 11;
/// A quick reply's title.
pub const QUICK_REPLY_TITLE_MAX_LENGTH: usize = 60;
/// A button's title.
pub const BUTTON_TITLE_MAX_LENGTH: usize = 20;
/// Buttons of a card.
pub const CARD_MAX_BUTTONS_COUNT: usize = 3;
/// A card's title.
pub const CARD_TITLE_MAX_LENGTH: usize = 80;
/// A card's subtitle.
pub const CARD_SUBTITLE_MAX_LENGTH: usize = 80;
/// Cards of an action.
pub const SEND_CARDS_ACTION_MAX_CARDS_COUNT: usize = 25;
/// A session value's key.
pub const STORE_SESSION_VALUE_ACTION_KEY_MAX_LENGTH: usize = 100;
/// A session value.
pub const STORE_SESSION_VALUE_ACTION_VALUE_MAX_LENGTH: usize = 200;
/// A user attribute's key.
pub const SET_USER_ATTRIBUTE_ACTION_KEY_MAX_LENGTH: usize = 100;
/// A user attribute's value (and the interlocutor's names, e-mail, phone).
pub const SET_USER_ATTRIBUTE_ACTION_VALUE_MAX_LENGTH: usize = 2000;
/// A Google search query.
pub const GOOGLE_CUSTOM_SEARCH_ACTION_QUERY_MAX_LENGTH: usize = 2048;
/// Results of a Google search.
pub const GOOGLE_CUSTOM_SEARCH_ACTION_MAX_LIMIT: i64 = 10;
/// An Intercom assignee id.
pub const ASSIGN_INTERCOM_CONVERSATION_ACTION_ASSIGNEE_ID_MAX_LENGTH: usize = 100;
/// A JavaScript event's name.
pub const SEND_JS_EVENT_ACTION_EVENT_MAX_LENGTH: usize = 200;
/// A Zendesk user's name.
pub const ZENDESK_USER_NAME_MAX_LENGTH: usize = 100;
/// A Zendesk user's e-mail.
pub const ZENDESK_USER_EMAIL_MAX_LENGTH: usize = 100;
/// A Zendesk tag.
pub const ZENDESK_TICKET_TAG_MAX_LENGTH: usize = 80;
/// Tags of a Zendesk ticket.
pub const ZENDESK_TICKET_TAGS_MAX_COUNT: usize = 10;
/// A Zendesk ticket's subject.
pub const ZENDESK_TICKET_SUBJECT_MAX_LENGTH: usize = 100;
/// A Zendesk id (the reference checks group and assignee ids against the assignee's limit).
pub const ZENDESK_TICKET_ASSIGNEE_ID_MAX_LENGTH: usize = 24;
/// A Zendesk ticket's description.
pub const ZENDESK_TICKET_DESCRIPTION_MAX_LENGTH: usize = 1500;
/// Zendesk priorities (`""` is accepted too).
pub const ZENDESK_TICKET_PRIORITIES: &[&str] = &["urgent", "high", "normal", "low", ""];
/// Zendesk ticket types (`""` is accepted too).
pub const ZENDESK_TICKET_TYPES: &[&str] = &["question", "incident", "problem", "task", ""];
/// Predicates of a flow connection.
pub const FLOW_CONNECTION_MAX_PREDICATES_COUNT: usize = 10;
/// Connections of a jump (and of an AI behaviour).
pub const JUMP_TO_ACTION_MAX_CONNECTIONS_COUNT: usize = 10;
/// Satisfaction kinds.
pub const CUSTOMER_SATISFACTION_CHOICE_KINDS: &[&str] = &["positive", "neutral", "negative"];
/// Choices of a satisfaction survey, minimum.
pub const CUSTOMER_SATISFACTION_ACTION_MIN_BUTTONS_COUNT: usize = 2;
/// Choices of a satisfaction survey, maximum.
pub const CUSTOMER_SATISFACTION_ACTION_MAX_BUTTONS_COUNT: usize = 3;
/// A webhook request field's key.
pub const WEBHOOK_REQUEST_FIELD_KEY_MAX_LENGTH: usize = 100;
/// A webhook request field's value.
pub const WEBHOOK_REQUEST_FIELD_VALUE_MAX_LENGTH: usize = 2048;
/// Fields of a webhook request.
pub const SEND_WEBHOOK_REQUEST_ACTION_MAX_FIELD_COUNT: usize = 100;
/// A webhook request's description.
pub const SEND_WEBHOOK_REQUEST_ACTION_DESCRIPTION_MAX_LENGTH: usize = 500;
/// Webhook request services.
pub const SEND_WEBHOOK_REQUEST_ACTION_TYPES: &[&str] = &["custom", "zapier"];
/// A user request's message.
pub const CREATE_USER_REQUEST_ACTION_MESSAGE_MAX_LENGTH: usize = 1000;
/// An image's alternative text.
pub const ALT_MESSAGE_MAX_LENGTH: usize = 500;
/// A choices list's message.
pub const SEND_CHOICES_LIST_ACTION_MESSAGE_MAX_LENGTH: usize = 500;
/// A choices list's placeholder.
pub const SEND_CHOICES_LIST_ACTION_PLACEHOLDER_MAX_LENGTH: usize = 45;
/// Sections of a choices list.
pub const SEND_CHOICES_LIST_ACTION_SECTIONS_MAX_COUNT: usize = 50;
/// A section's title.
pub const SECTION_TITLE_MAX_LENGTH: usize = 500;
/// Choices of a section.
pub const SECTION_CHOICES_MAX_COUNT: usize = 100;
/// A choice's title.
pub const CHOICE_TITLE_MAX_LENGTH: usize = 500;
/// A document's name.
pub const DOCUMENT_NAME_MAX_LENGTH: usize = 150;
/// An asked document's message, and an ask-document action's message.
pub const ASK_DOCUMENT_MESSAGE_MAX_LENGTH: usize = 300;
/// Documents of an ask-document action.
pub const ASK_DOCUMENT_ACTION_MAX_DOCUMENTS_COUNT: usize = 20;
/// The content types a document may have.
pub const S3_CONTENT_TYPES: &[&str] = &[
    "application/pdf",
    "application/zip",
    "image/",
    "image/jpeg",
    "image/png",
    "image/gif",
    "image/webp",
    "image/svg+xml",
    "audio/",
    "audio/mpeg",
    "audio/ogg",
    "audio/wav",
    "video",
    "video/mp4",
    "video/mpeg",
    "video/ogg",
    "video/webm",
];
