//! The constraints of each model, as `v1.py` declares them.

use serde_json::Number;

use super::limits::*;
use super::rules::{Checker, Rule};
use super::Validate;
use crate::view::Origin;
use crate::*;

/// The form of a text that the platform validates: what is written ([`Text::dumped`]).
trait Dumped {
    fn dumped(&self) -> Option<&str>;
}

impl Dumped for Option<Text> {
    fn dumped(&self) -> Option<&str> {
        self.as_ref().map(Text::dumped)
    }
}

const ANY: usize = usize::MAX;
const HTTP: &[&str] = &["http", "https"];
const STEP_OR_STORY: &[&str] = &["step", "story"];
const GO_TO: &[&str] = &["go_to_action"];

impl<T: Validate> Validate for Box<T> {
    fn check(&self, c: &mut Checker) {
        (**self).check(c);
    }
}

fn number(c: &mut Checker, key: &'static str, value: Option<&Number>, range: Option<(f64, f64)>) {
    c.field(key, |c| match value.and_then(Number::as_f64) {
        Some(value) => {
            if let Some((min, max)) = range {
                c.range(value, min, max);
            }
        }
        None => match range {
            Some((min, max)) => c.error(Rule::Range { min, max }),
            None => c.error(Rule::Required),
        },
    });
}

fn required_map<T>(c: &mut Checker, key: &'static str, value: Option<&T>) {
    if value.is_none() {
        c.field(key, |c| c.error(Rule::Required));
    }
}

/// A step or a story (an actions block, or an unknown target, is refused).
fn target(c: &mut Checker, key: &'static str, value: Option<&Target>, required: bool) {
    c.field(key, |c| match value {
        Some(target) => {
            c.type_allowed(target.type_name(), STEP_OR_STORY);
            target.check(c);
        }
        None if required => c.error(Rule::Required),
        None => {}
    });
}

fn target_id(c: &mut Checker, id: Option<&str>) {
    c.text("id", id, true, |c, id| c.object_id(id));
}

impl Validate for StepTarget {
    fn check(&self, c: &mut Checker) {
        target_id(c, self.id.as_deref());
    }
}

impl Validate for StoryTarget {
    fn check(&self, c: &mut Checker) {
        target_id(c, self.id.as_deref());
    }
}

impl Validate for ActionsBlockTarget {
    fn check(&self, c: &mut Checker) {
        target_id(c, self.id.as_deref());
    }
}

impl Validate for Target {
    fn check(&self, c: &mut Checker) {
        match self {
            Target::Step(target) => target.check(c),
            Target::Story(target) => target.check(c),
            Target::ActionsBlock(target) => target.check(c),
            Target::Unknown(_) => {}
        }
    }
}

impl Validate for GoToAction {
    fn check(&self, c: &mut Checker) {
        target(c, "target", self.target.as_ref(), true);
    }
}

// Buttons.

impl Validate for DocumentAttachment {
    fn check(&self, c: &mut Checker) {
        c.text("name", self.name.as_deref(), true, |c, name| {
            c.length(name, 1, DOCUMENT_NAME_MAX_LENGTH);
            c.word(name);
        });
        c.text("url", self.url.as_deref(), true, |_, _| {});
    }
}

impl Validate for LegacyReplyToMessageAction {
    fn check(&self, c: &mut Checker) {
        c.text("message", self.message.dumped(), true, |c, text| {
            c.length(text, 1, SEND_TEXT_ACTION_MESSAGE_MAX_LENGTH);
        });
        c.list("attachments", self.attachments.as_deref(), false, 0, ANY);
    }
}

fn open_url(c: &mut Checker, url: Option<&str>) {
    c.text("url", url, true, |c, url| {
        c.length(url, 1, EXTERNAL_URL_MAX_LENGTH);
        c.url(url, &[]);
    });
}

impl Validate for OpenUrlAction {
    fn check(&self, c: &mut Checker) {
        open_url(c, self.url.dumped());
    }
}

impl Validate for ShareAction {
    fn check(&self, _: &mut Checker) {}
}

fn satisfaction(c: &mut Checker, kind: Option<&str>) {
    c.text("kind", kind, true, |c, kind| {
        c.one_of(kind, CUSTOMER_SATISFACTION_CHOICE_KINDS);
    });
}

impl Validate for CustomerSatisfactionCallbackAction {
    fn check(&self, c: &mut Checker) {
        target(c, "target", self.target.as_ref(), false);
        satisfaction(c, self.satisfaction.as_deref());
    }
}

impl Validate for ButtonAction {
    fn check(&self, c: &mut Checker) {
        match self {
            ButtonAction::GoTo(action) => action.check(c),
            ButtonAction::LegacyReplyToMessage(action) => action.check(c),
            ButtonAction::OpenUrl(action) => action.check(c),
            ButtonAction::Share(action) => action.check(c),
            ButtonAction::CustomerSatisfactionCallback(action) => action.check(c),
            _ => {}
        }
    }
}

fn title(c: &mut Checker, title: Option<&str>, min: usize, max: usize) {
    c.text("title", title, true, |c, title| c.length(title, min, max));
}

impl Validate for QuickReply {
    fn check(&self, c: &mut Checker) {
        title(c, self.title.dumped(), 1, QUICK_REPLY_TITLE_MAX_LENGTH);
        c.model("action", self.action.as_ref(), true);
    }
}

impl Validate for Button {
    fn check(&self, c: &mut Checker) {
        title(c, self.title.dumped(), 1, BUTTON_TITLE_MAX_LENGTH);
        c.model("action", self.action.as_ref(), true);
    }
}

impl Validate for OpenUrlButton {
    fn check(&self, c: &mut Checker) {
        title(c, self.title.dumped(), 1, BUTTON_TITLE_MAX_LENGTH);
        c.model("action", self.action.as_ref(), true);
    }
}

// Cards.

fn card_image(c: &mut Checker, url: Option<&str>) {
    c.text("imageURL", url, false, |c, url| {
        if !url.is_empty() {
            c.length(url, 0, EXTERNAL_URL_MAX_LENGTH);
            c.url(url, HTTP);
        }
    });
}

fn subtitle(c: &mut Checker, subtitle: Option<&str>) {
    c.text("subtitle", subtitle, false, |c, text| {
        c.length(text, 0, CARD_SUBTITLE_MAX_LENGTH);
    });
}

impl Validate for Card {
    fn check(&self, c: &mut Checker) {
        title(c, self.title.dumped(), 1, CARD_TITLE_MAX_LENGTH);
        subtitle(c, self.subtitle.dumped());
        c.text("alt", self.alt.as_deref(), false, |c, alt| {
            c.length(alt, 0, ALT_MESSAGE_MAX_LENGTH);
        });
        card_image(c, self.image_url.dumped());
        c.text("url", self.url.dumped(), false, |c, url| {
            c.length(url, 0, EXTERNAL_URL_MAX_LENGTH);
        });
        c.list(
            "buttons",
            self.buttons.as_deref(),
            false,
            0,
            CARD_MAX_BUTTONS_COUNT,
        );
    }
}

impl Validate for SimpleCard {
    fn check(&self, c: &mut Checker) {
        title(c, self.title.dumped(), 1, CARD_TITLE_MAX_LENGTH);
        subtitle(c, self.subtitle.dumped());
        card_image(c, self.image_url.dumped());
        c.list(
            "buttons",
            self.buttons.as_deref(),
            false,
            1,
            CARD_MAX_BUTTONS_COUNT,
        );
    }
}

// Flow connections.

fn getter_key(c: &mut Checker, key: Option<&str>, max: usize) {
    c.text("key", key, true, |c, key| {
        c.length(key, 1, max);
        c.word(key);
    });
}

impl Validate for ValueGetter {
    fn check(&self, c: &mut Checker) {
        match self {
            ValueGetter::SessionValue(getter) => getter_key(
                c,
                getter.key.as_deref(),
                STORE_SESSION_VALUE_ACTION_KEY_MAX_LENGTH,
            ),
            ValueGetter::UserAttribute(getter) => getter_key(
                c,
                getter.key.as_deref(),
                SET_USER_ATTRIBUTE_ACTION_KEY_MAX_LENGTH,
            ),
            ValueGetter::AttachmentValue(getter) => {
                getter_key(c, getter.key.as_deref(), DOCUMENT_NAME_MAX_LENGTH);
            }
            _ => {}
        }
    }
}

impl Validate for MatchIntentConditionIntent {
    fn check(&self, c: &mut Checker) {
        c.text("id", self.id.as_deref(), true, |c, id| c.object_id(id));
    }
}

impl Validate for Condition {
    fn check(&self, c: &mut Checker) {
        match self {
            Condition::Contains(condition) => {
                c.field("values", |c| {
                    if condition.values.is_none() {
                        c.error(Rule::Required);
                    }
                });
            }
            Condition::Equals(condition) => {
                c.text("expected", condition.expected.as_deref(), true, |_, _| {});
            }
            Condition::MatchRegexp(condition) => {
                c.text(
                    "pattern",
                    condition.pattern.as_deref(),
                    true,
                    |c, pattern| {
                        c.regex(pattern);
                    },
                );
            }
            Condition::MatchIntent(condition) => {
                c.model("intent", condition.intent.as_ref(), true);
            }
            Condition::IsLessThan(condition) => {
                number(c, "maximum", condition.maximum.as_ref(), None);
            }
            Condition::IsLessThanOrEqual(condition) => {
                number(c, "maximum", condition.maximum.as_ref(), None);
            }
            Condition::IsGreaterThan(condition) => {
                number(c, "minimum", condition.minimum.as_ref(), None);
            }
            Condition::IsGreaterThanOrEqual(condition) => {
                number(c, "minimum", condition.minimum.as_ref(), None);
            }
            _ => {}
        }
    }
}

fn condition(c: &mut Checker, value: Option<&Condition>, allowed: &'static [&'static str]) {
    c.field("condition", |c| match value {
        Some(Condition::Unknown(_)) => {}
        Some(condition) => {
            c.type_allowed(condition.type_name(), allowed);
            condition.check(c);
        }
        None => c.error(Rule::Required),
    });
}

impl Validate for Predicate {
    fn check(&self, c: &mut Checker) {
        match self {
            Predicate::Value(predicate) => {
                condition(c, predicate.condition.as_ref(), Condition::VALUE_CONDITIONS);
                c.model("valueGetter", predicate.value_getter.as_ref(), true);
            }
            Predicate::Team(predicate) => {
                condition(c, predicate.condition.as_ref(), Condition::TEAM_CONDITIONS);
            }
            Predicate::User(predicate) => {
                condition(c, predicate.condition.as_ref(), Condition::USER_CONDITIONS);
            }
            _ => {}
        }
    }
}

impl Validate for FlowConnection {
    fn check(&self, c: &mut Checker) {
        target(c, "target", self.target.as_ref(), true);
        c.list(
            "predicates",
            self.predicates.as_deref(),
            true,
            1,
            FLOW_CONNECTION_MAX_PREDICATES_COUNT,
        );
    }
}

// Choices, AI tasks.

impl Validate for Choice {
    fn check(&self, c: &mut Checker) {
        c.text("imageUrl", self.image_url.dumped(), false, |c, url| {
            c.length(url, 1, EXTERNAL_URL_MAX_LENGTH);
            c.url(url, &[]);
        });
        title(c, self.title.dumped(), 1, CHOICE_TITLE_MAX_LENGTH);
    }
}

impl Validate for Section {
    fn check(&self, c: &mut Checker) {
        c.text("title", self.title.dumped(), false, |c, title| {
            c.length(title, 0, SECTION_TITLE_MAX_LENGTH);
        });
        c.list(
            "choices",
            self.choices.as_deref(),
            true,
            1,
            SECTION_CHOICES_MAX_COUNT,
        );
    }
}

impl Validate for AiTaskEngine {
    fn check(&self, c: &mut Checker) {
        c.text("name", self.name.as_deref(), true, |_, _| {});
        required_map(c, "opts", self.opts.as_ref());
    }
}

impl Validate for AiTaskBehavior {
    fn check(&self, c: &mut Checker) {
        c.text("name", self.name.as_deref(), true, |_, _| {});
        c.list(
            "connections",
            self.connections.as_deref(),
            true,
            0,
            JUMP_TO_ACTION_MAX_CONNECTIONS_COUNT,
        );
    }
}

// Actions.

fn message(
    c: &mut Checker,
    key: &'static str,
    text: Option<&str>,
    required: bool,
    min: usize,
    max: usize,
) {
    c.text(key, text, required, |c, text| c.length(text, min, max));
}

impl Validate for SendTextAction {
    fn check(&self, c: &mut Checker) {
        c.field("alternatives", |c| match &self.alternatives {
            Some(alternatives) => {
                c.count(alternatives.len(), 1, SEND_TEXT_ACTION_MAX_MESSAGES_COUNT);
                for (index, text) in alternatives.iter().enumerate() {
                    c.item(index, |c| {
                        c.length(text.dumped(), 1, SEND_TEXT_ACTION_MESSAGE_MAX_LENGTH);
                    });
                }
            }
            None => c.error(Rule::Required),
        });
        message(
            c,
            "text",
            self.text.as_deref(),
            false,
            1,
            SEND_TEXT_ACTION_MESSAGE_MAX_LENGTH,
        );
    }
}

impl Validate for SendImageAction {
    fn check(&self, c: &mut Checker) {
        message(
            c,
            "alt",
            self.alt.as_deref(),
            false,
            0,
            ALT_MESSAGE_MAX_LENGTH,
        );
        c.text("imageURL", self.image_url.dumped(), true, |c, url| {
            c.length(url, 0, EXTERNAL_URL_MAX_LENGTH);
            c.url(url, HTTP);
        });
    }
}

impl Validate for SendQuickRepliesAction {
    fn check(&self, c: &mut Checker) {
        message(
            c,
            "message",
            self.message.dumped(),
            true,
            1,
            SEND_TEXT_ACTION_MESSAGE_MAX_LENGTH,
        );
        c.list(
            "buttons",
            self.buttons.as_deref(),
            true,
            1,
            SEND_QUICK_REPLIES_ACTION_MAX_BUTTONS_COUNT,
        );
    }
}

impl Validate for SendCardsAction {
    fn check(&self, c: &mut Checker) {
        c.list(
            "cards",
            self.cards.as_deref(),
            true,
            1,
            SEND_CARDS_ACTION_MAX_CARDS_COUNT,
        );
    }
}

impl Validate for SendSimpleCardsAction {
    fn check(&self, c: &mut Checker) {
        c.list(
            "cards",
            self.cards.as_deref(),
            true,
            1,
            SEND_CARDS_ACTION_MAX_CARDS_COUNT,
        );
    }
}

impl Validate for SendJsEventAction {
    fn check(&self, c: &mut Checker) {
        message(
            c,
            "event",
            self.event.dumped(),
            true,
            1,
            SEND_JS_EVENT_ACTION_EVENT_MAX_LENGTH,
        );
    }
}

impl Validate for AskLocationAction {
    fn check(&self, c: &mut Checker) {
        message(
            c,
            "message",
            self.message.dumped(),
            true,
            1,
            SEND_TEXT_ACTION_MESSAGE_MAX_LENGTH,
        );
        c.model("action", self.callback_action.as_ref(), true);
    }
}

impl Validate for AskedDocument {
    fn check(&self, c: &mut Checker) {
        message(
            c,
            "message",
            self.message.as_deref(),
            true,
            0,
            ASK_DOCUMENT_MESSAGE_MAX_LENGTH,
        );
        message(
            c,
            "name",
            self.name.as_deref(),
            true,
            1,
            DOCUMENT_NAME_MAX_LENGTH,
        );
        c.field("authorizedFileTypes", |c| {
            match &self.authorized_file_types {
                Some(types) => {
                    for (index, kind) in types.iter().enumerate() {
                        c.item(index, |c| c.one_of(kind, S3_CONTENT_TYPES));
                    }
                }
                None => c.error(Rule::Required),
            }
        });
    }
}

impl Validate for AskDocumentAction {
    fn check(&self, c: &mut Checker) {
        message(
            c,
            "message",
            self.message.as_deref(),
            true,
            0,
            ASK_DOCUMENT_MESSAGE_MAX_LENGTH,
        );
        c.list(
            "documents",
            self.documents.as_deref(),
            true,
            1,
            ASK_DOCUMENT_ACTION_MAX_DOCUMENTS_COUNT,
        );
    }
}

impl Validate for ChoicesListAction {
    fn check(&self, c: &mut Checker) {
        if let ChoicesListAction::GoTo(action) = self {
            action.check(c);
        }
    }
}

impl Validate for SendChoicesListAction {
    fn check(&self, c: &mut Checker) {
        message(
            c,
            "message",
            self.message.dumped(),
            false,
            1,
            SEND_CHOICES_LIST_ACTION_MESSAGE_MAX_LENGTH,
        );
        message(
            c,
            "placeholder",
            self.placeholder.dumped(),
            true,
            1,
            SEND_CHOICES_LIST_ACTION_PLACEHOLDER_MAX_LENGTH,
        );
        c.list(
            "sections",
            self.sections.as_deref(),
            true,
            1,
            SEND_CHOICES_LIST_ACTION_SECTIONS_MAX_COUNT,
        );
        // The reference's custom rule: with several sections, each needs a title.
        if let Some(sections) = self.sections.as_deref().filter(|s| s.len() > 1) {
            c.field("sections", |c| {
                for (index, section) in sections.iter().enumerate() {
                    if section.title.dumped().is_none_or(str::is_empty) {
                        c.item(index, |c| c.field("title", |c| c.error(Rule::SectionTitle)));
                    }
                }
            });
        }
        c.field("action", |c| match &self.action {
            Some(ChoicesListAction::Unknown(object)) => c.type_allowed(object.type_name(), GO_TO),
            Some(action) => action.check(c),
            None => c.error(Rule::Required),
        });
    }
}

impl Validate for PauseBotAction {
    fn check(&self, _: &mut Checker) {}
}

impl Validate for WaitAction {
    fn check(&self, c: &mut Checker) {
        number(
            c,
            "duration",
            self.duration.as_ref(),
            Some((WAIT_ACTION_MIN_DURATION, WAIT_ACTION_MAX_DURATION)),
        );
    }
}

impl Validate for JumpToAction {
    fn check(&self, c: &mut Checker) {
        c.list(
            "connections",
            self.connections.as_deref(),
            true,
            0,
            JUMP_TO_ACTION_MAX_CONNECTIONS_COUNT,
        );
        target(c, "defaultTarget", self.default_target.as_ref(), false);
    }
}

impl Validate for StoreSessionValueAction {
    fn check(&self, c: &mut Checker) {
        getter_key(
            c,
            self.key.as_deref(),
            STORE_SESSION_VALUE_ACTION_KEY_MAX_LENGTH,
        );
        message(
            c,
            "value",
            self.value.dumped(),
            true,
            1,
            STORE_SESSION_VALUE_ACTION_VALUE_MAX_LENGTH,
        );
    }
}

impl Validate for SetUserAttributeAction {
    fn check(&self, c: &mut Checker) {
        c.text("key", self.key.as_deref(), true, |c, key| {
            c.length(key, 1, SET_USER_ATTRIBUTE_ACTION_KEY_MAX_LENGTH);
            c.user_attribute_key(key);
        });
        message(
            c,
            "value",
            self.value.dumped(),
            true,
            1,
            SET_USER_ATTRIBUTE_ACTION_VALUE_MAX_LENGTH,
        );
    }
}

impl Validate for GoogleCustomSearchAction {
    fn check(&self, c: &mut Checker) {
        message(
            c,
            "query",
            self.query.as_deref(),
            true,
            1,
            GOOGLE_CUSTOM_SEARCH_ACTION_QUERY_MAX_LENGTH,
        );
        message(
            c,
            "customEngineID",
            self.custom_engine_id.dumped(),
            true,
            1,
            ANY,
        );
        c.field("limit", |c| match self.limit {
            // Integers as the reference's f.Int; the range as its Between.
            Some(limit) => c.range(
                limit as f64,
                1.0,
                GOOGLE_CUSTOM_SEARCH_ACTION_MAX_LIMIT as f64,
            ),
            None => c.error(Rule::Required),
        });
    }
}

impl Validate for WebhookRequestField {
    fn check(&self, c: &mut Checker) {
        getter_key(c, self.key.as_deref(), WEBHOOK_REQUEST_FIELD_KEY_MAX_LENGTH);
        message(
            c,
            "value",
            self.value.as_deref(),
            true,
            1,
            WEBHOOK_REQUEST_FIELD_VALUE_MAX_LENGTH,
        );
    }
}

impl Validate for SendWebhookRequestAction {
    fn check(&self, c: &mut Checker) {
        message(
            c,
            "url",
            self.url.dumped(),
            true,
            1,
            EXTERNAL_URL_MAX_LENGTH,
        );
        message(
            c,
            "description",
            self.description.as_deref(),
            true,
            0,
            SEND_WEBHOOK_REQUEST_ACTION_DESCRIPTION_MAX_LENGTH,
        );
        c.text("service", self.service.as_deref(), true, |c, service| {
            c.one_of(service, SEND_WEBHOOK_REQUEST_ACTION_TYPES);
        });
        c.list(
            "fields",
            self.fields.as_deref(),
            true,
            0,
            SEND_WEBHOOK_REQUEST_ACTION_MAX_FIELD_COUNT,
        );
    }
}

impl Validate for SendAiTaskAction {
    fn check(&self, c: &mut Checker) {
        c.model("engine", self.engine.as_ref(), true);
        c.list("behaviors", self.behaviors.as_deref(), true, 0, ANY);
        target(c, "defaultTarget", self.default_target.as_ref(), false);
        target(c, "selectTarget", self.select_target.as_ref(), false);
        c.not_null(
            "userAttributes",
            self.user_attributes.as_ref(),
            Origin::default(),
        );
    }
}

impl Validate for SendEmailAction {
    fn check(&self, c: &mut Checker) {
        c.text("fromEmail", self.from_email.dumped(), false, |c, email| {
            c.length(email, 0, SEND_EMAIL_ACTION_FROM_EMAIL_MAX_LENGTH);
            c.not_clustaar(email);
        });
        let fields = [
            (
                "fromName",
                &self.from_name,
                false,
                SEND_EMAIL_ACTION_FROM_NAME_MAX_LENGTH,
            ),
            (
                "recipient",
                &self.recipient,
                true,
                SEND_EMAIL_ACTION_RECIPIENT_MAX_LENGTH,
            ),
            (
                "subject",
                &self.subject,
                true,
                SEND_EMAIL_ACTION_SUBJECT_MAX_LENGTH,
            ),
            (
                "content",
                &self.content,
                true,
                SEND_EMAIL_ACTION_CONTENT_MAX_LENGTH,
            ),
            (
                "replyToEmail",
                &self.reply_to_email,
                false,
                SEND_EMAIL_ACTION_REPLY_TO_EMAIL_MAX_LENGTH,
            ),
            (
                "replyToName",
                &self.reply_to_name,
                false,
                SEND_EMAIL_ACTION_REPLY_TO_NAME_MAX_LENGTH,
            ),
        ];
        for (key, value, required, max) in fields {
            message(c, key, value.dumped(), required, 0, max);
        }
    }
}

impl Validate for CloseIntercomConversationAction {
    fn check(&self, _: &mut Checker) {}
}

impl Validate for AssignIntercomConversationAction {
    fn check(&self, c: &mut Checker) {
        c.text("assigneeID", self.assignee_id.dumped(), false, |c, id| {
            c.length(
                id,
                0,
                ASSIGN_INTERCOM_CONVERSATION_ACTION_ASSIGNEE_ID_MAX_LENGTH,
            );
            c.digits(id);
        });
    }
}

impl Validate for ZendeskUser {
    fn check(&self, c: &mut Checker) {
        c.not_null("email", self.email.as_ref(), self.origin);
        c.not_null("name", self.name.as_ref(), self.origin);
        c.not_null("phoneNumber", self.phone_number.as_ref(), self.origin);
        message(
            c,
            "email",
            self.email.dumped(),
            false,
            0,
            ZENDESK_USER_EMAIL_MAX_LENGTH,
        );
        message(
            c,
            "name",
            self.name.dumped(),
            false,
            0,
            ZENDESK_USER_NAME_MAX_LENGTH,
        );
    }
}

impl Validate for CreateZendeskTicketAction {
    fn check(&self, c: &mut Checker) {
        c.model("user", self.user.as_ref(), true);
        c.not_null("ticketType", self.ticket_type.as_ref(), self.origin);
        c.not_null("ticketPriority", self.ticket_priority.as_ref(), self.origin);
        c.not_null("subject", self.subject.as_ref(), self.origin);
        c.not_null("tags", self.tags.as_ref(), self.origin);
        c.not_null("groupID", self.group_id.as_ref(), self.origin);
        c.not_null("assigneeID", self.assignee_id.as_ref(), self.origin);
        c.text(
            "ticketType",
            self.ticket_type.as_deref(),
            false,
            |c, kind| {
                c.one_of(kind, ZENDESK_TICKET_TYPES);
            },
        );
        c.text(
            "ticketPriority",
            self.ticket_priority.as_deref(),
            false,
            |c, priority| {
                c.one_of(priority, ZENDESK_TICKET_PRIORITIES);
            },
        );
        message(
            c,
            "subject",
            self.subject.dumped(),
            false,
            0,
            ZENDESK_TICKET_SUBJECT_MAX_LENGTH,
        );
        message(
            c,
            "description",
            self.description.dumped(),
            true,
            1,
            ZENDESK_TICKET_DESCRIPTION_MAX_LENGTH,
        );
        if let Some(tags) = &self.tags {
            c.field("tags", |c| {
                c.count(tags.len(), 0, ZENDESK_TICKET_TAGS_MAX_COUNT);
                for (index, tag) in tags.iter().enumerate() {
                    c.item(index, |c| c.length(tag, 0, ZENDESK_TICKET_TAG_MAX_LENGTH));
                }
            });
        }
        for (key, value) in [
            ("groupID", self.group_id.as_deref()),
            ("assigneeID", self.assignee_id.dumped()),
        ] {
            c.text(key, value, false, |c, id| {
                c.length(id, 0, ZENDESK_TICKET_ASSIGNEE_ID_MAX_LENGTH);
                c.digits(id);
            });
        }
    }
}

impl Validate for CustomerSatisfactionChoice {
    fn check(&self, c: &mut Checker) {
        target(c, "target", self.target.as_ref(), false);
        satisfaction(c, self.satisfaction.as_deref());
        message(
            c,
            "label",
            self.label.dumped(),
            true,
            0,
            QUICK_REPLY_TITLE_MAX_LENGTH,
        );
        c.model("matchingIntent", self.matching_intent.as_ref(), false);
    }
}

impl Validate for CustomerSatisfactionAction {
    fn check(&self, c: &mut Checker) {
        message(
            c,
            "message",
            self.message.dumped(),
            true,
            1,
            SEND_TEXT_ACTION_MESSAGE_MAX_LENGTH,
        );
        c.list(
            "choices",
            self.choices.as_deref(),
            true,
            CUSTOMER_SATISFACTION_ACTION_MIN_BUTTONS_COUNT,
            CUSTOMER_SATISFACTION_ACTION_MAX_BUTTONS_COUNT,
        );
    }
}

impl Validate for CreateUserRequestAction {
    fn check(&self, c: &mut Checker) {
        message(
            c,
            "message",
            self.message.dumped(),
            true,
            1,
            CREATE_USER_REQUEST_ACTION_MESSAGE_MAX_LENGTH,
        );
    }
}

impl Validate for CloseIadvizeConversationAction {
    fn check(&self, _: &mut Checker) {}
}

impl Validate for IadvizeDistributionRule {
    fn check(&self, c: &mut Checker) {
        c.text("label", self.label.as_deref(), true, |_, _| {});
        c.text("id", self.id.as_deref(), true, |_, _| {});
    }
}

impl Validate for TransferIadvizeConversationAction {
    fn check(&self, c: &mut Checker) {
        c.not_null(
            "failed_transfer_message",
            self.failed_transfer_message.as_ref(),
            self.origin,
        );
        c.model("distribution_rule", self.distribution_rule.as_ref(), true);
    }
}

impl Validate for Action {
    fn check(&self, c: &mut Checker) {
        match self {
            Action::PauseBot(a) => a.check(c),
            Action::Wait(a) => a.check(c),
            Action::SendEmail(a) => a.check(c),
            Action::SendText(a) => a.check(c),
            Action::SendJsEvent(a) => a.check(c),
            Action::SendImage(a) => a.check(c),
            Action::CloseIntercomConversation(a) => a.check(c),
            Action::AssignIntercomConversation(a) => a.check(c),
            Action::SendCards(a) => a.check(c),
            Action::SendSimpleCards(a) => a.check(c),
            Action::SendQuickReplies(a) => a.check(c),
            Action::StoreSessionValue(a) => a.check(c),
            Action::SetUserAttribute(a) => a.check(c),
            Action::AskLocation(a) => a.check(c),
            Action::GoogleCustomSearch(a) => a.check(c),
            Action::CreateZendeskTicket(a) => a.check(c),
            Action::JumpTo(a) => a.check(c),
            Action::CustomerSatisfaction(a) => a.check(c),
            Action::SendWebhookRequest(a) => a.check(c),
            Action::CreateUserRequest(a) => a.check(c),
            Action::TransferIadvizeConversation(a) => a.check(c),
            Action::CloseIadvizeConversation(a) => a.check(c),
            Action::AskDocument(a) => a.check(c),
            Action::Choice(a) => a.check(c),
            Action::Section(a) => a.check(c),
            Action::SendChoicesList(a) => a.check(c),
            Action::SendAiTask(a) => a.check(c),
            Action::Unknown(_) => {}
        }
    }
}

// The notification and the response.

impl Validate for Coordinates {
    fn check(&self, c: &mut Checker) {
        number(c, "lat", self.lat.as_ref(), None);
        number(c, "long", self.long.as_ref(), None);
    }
}

impl Validate for Interlocutor {
    fn check(&self, c: &mut Checker) {
        c.text("id", self.id.as_deref(), true, |_, _| {});
        c.text("userID", self.user_id.as_deref(), true, |_, _| {});
        c.model("location", self.location.as_ref(), false);
        let texts = [
            ("email", &self.email),
            ("firstName", &self.first_name),
            ("lastName", &self.last_name),
            ("phoneNumber", &self.phone_number),
        ];
        for (key, value) in texts {
            message(
                c,
                key,
                value.dumped(),
                false,
                0,
                SET_USER_ATTRIBUTE_ACTION_VALUE_MAX_LENGTH,
            );
        }
        c.field("customAttributes", |c| match &self.custom_attributes {
            Some(attributes) => c.string_map(attributes),
            None => c.error(Rule::Required),
        });
    }
}

impl Validate for ConversationSession {
    fn check(&self, c: &mut Checker) {
        required_map(c, "values", self.values.as_ref());
    }
}

impl Validate for StepReachedResponse {
    fn check(&self, c: &mut Checker) {
        c.list("actions", Some(&self.actions), true, 0, ANY);
        c.model("session", self.session.as_ref(), false);
        c.model("interlocutor", self.interlocutor.as_ref(), false);
    }
}

impl Validate for Attachment {
    fn check(&self, c: &mut Checker) {
        let url = match self {
            Attachment::File(a) => a.url.as_deref(),
            Attachment::Audio(a) => a.url.as_deref(),
            Attachment::Video(a) => a.url.as_deref(),
            Attachment::Image(a) => a.url.as_deref(),
            _ => return,
        };
        c.text("url", url, true, |_, _| {});
    }
}

impl Validate for Input {
    fn check(&self, c: &mut Checker) {
        match self {
            Input::Message(message) => {
                c.text("text", message.text.dumped(), true, |_, _| {});
                c.list("attachments", message.attachments.as_deref(), true, 0, ANY);
            }
            Input::LegacyReplyToMessage(reply) => {
                c.text("text", reply.text(), true, |_, _| {});
            }
            Input::UrlLoaded(event) => c.text("url", event.url.dumped(), true, |_, _| {}),
            Input::GoTo(action) => action.check(c),
            Input::Custom(event) => c.text("name", event.name.as_deref(), true, |_, _| {}),
            _ => {}
        }
    }
}

impl Validate for Step {
    fn check(&self, c: &mut Checker) {
        c.text("id", self.id.as_deref(), true, |_, _| {});
        c.text("name", self.name.as_deref(), true, |_, _| {});
        c.text("userData", self.user_data.as_deref(), true, |_, _| {});
        c.list("actions", self.actions.as_deref(), true, 0, ANY);
    }
}

impl Validate for StepReached {
    fn check(&self, c: &mut Checker) {
        c.text("channel", self.channel.as_deref(), true, |_, _| {});
        c.model("interlocutor", self.interlocutor.as_ref(), true);
        c.model("session", self.session.as_ref(), true);
        c.model("step", self.step.as_ref(), true);
        c.model("input", self.input.as_ref(), true);
    }
}

impl Validate for Event {
    fn check(&self, c: &mut Checker) {
        if let Event::StepReached(event) = self {
            event.check(c);
        }
    }
}

impl<E: Validate> Validate for WebhookRequest<E> {
    fn check(&self, c: &mut Checker) {
        c.text("botID", self.bot_id.as_deref(), true, |_, _| {});
        c.field("timestamp", |c| {
            if self.timestamp.is_none() {
                c.error(Rule::Required);
            }
        });
        c.field("data", |c| self.data.check(c));
    }
}
