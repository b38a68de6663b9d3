//! The 27 actions a step holds and a webhook answers with, tagged on `type` (plus `choice` and
//! `section`, which the reference also accepts as top-level actions). Any other action
//! round-trips losslessly as [`Action::Unknown`].

mod control;
mod integrations;
mod messages;

pub use control::*;
pub use integrations::*;
pub use messages::*;

use crate::choices::{Choice, Section};
use crate::tagged::tagged_enum;

tagged_enum! {
    /// An action of a step, or of a webhook's answer.
    pub enum Action {
        /// `pause_bot_action`
        "pause_bot_action" => PauseBot(PauseBotAction),
        /// `wait_action`
        "wait_action" => Wait(WaitAction),
        /// `send_email_action`
        "send_email_action" => SendEmail(SendEmailAction),
        /// `send_text_action`
        "send_text_action" => SendText(SendTextAction),
        /// `send_js_event_action`
        "send_js_event_action" => SendJsEvent(SendJsEventAction),
        /// `send_image_action`
        "send_image_action" => SendImage(SendImageAction),
        /// `close_intercom_conversation_action`
        "close_intercom_conversation_action" => CloseIntercomConversation(CloseIntercomConversationAction),
        /// `assign_intercom_conversation_action`
        "assign_intercom_conversation_action" => AssignIntercomConversation(AssignIntercomConversationAction),
        /// `send_cards_action`
        "send_cards_action" => SendCards(SendCardsAction),
        /// `send_simple_cards_action`
        "send_simple_cards_action" => SendSimpleCards(SendSimpleCardsAction),
        /// `send_quick_replies_action`
        "send_quick_replies_action" => SendQuickReplies(SendQuickRepliesAction),
        /// `store_session_value_action`
        "store_session_value_action" => StoreSessionValue(StoreSessionValueAction),
        /// `set_user_attribute_action`
        "set_user_attribute_action" => SetUserAttribute(SetUserAttributeAction),
        /// `ask_location_action`
        "ask_location_action" => AskLocation(AskLocationAction),
        /// `google_custom_search_action`
        "google_custom_search_action" => GoogleCustomSearch(GoogleCustomSearchAction),
        /// `create_zendesk_ticket_action`
        "create_zendesk_ticket_action" => CreateZendeskTicket(CreateZendeskTicketAction),
        /// `jump_to_action`
        "jump_to_action" => JumpTo(JumpToAction),
        /// `customer_satisfaction_action`
        "customer_satisfaction_action" => CustomerSatisfaction(CustomerSatisfactionAction),
        /// `send_webhook_request_action`
        "send_webhook_request_action" => SendWebhookRequest(SendWebhookRequestAction),
        /// `create_user_request_action`
        "create_user_request_action" => CreateUserRequest(CreateUserRequestAction),
        /// `transfer_iadvize_conversation_action`
        "transfer_iadvize_conversation_action" => TransferIadvizeConversation(TransferIadvizeConversationAction),
        /// `close_iadvize_conversation_action`
        "close_iadvize_conversation_action" => CloseIadvizeConversation(CloseIadvizeConversationAction),
        /// `ask_document_action`
        "ask_document_action" => AskDocument(AskDocumentAction),
        /// `choice` (accepted at the top level by the reference)
        "choice" => Choice(Choice),
        /// `section` (accepted at the top level by the reference)
        "section" => Section(Section),
        /// `send_choices_list_action`
        "send_choices_list_action" => SendChoicesList(SendChoicesListAction),
        /// `send_ai_task_action`
        "send_ai_task_action" => SendAiTask(SendAiTaskAction),
    }
}

impl Action {
    /// The 27 action types of the platform (the types of [`Action::KNOWN_TYPES`] that end in
    /// `_action`).
    pub fn action_types() -> impl Iterator<Item = &'static str> {
        Self::KNOWN_TYPES
            .iter()
            .copied()
            .filter(|tag| tag.ends_with("_action"))
    }
}
