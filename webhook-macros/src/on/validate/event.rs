//! The event of a notification route: a known event by name (`step_reached`) or a topic
//! (`event = "the.topic"`), given once.

use proc_macro2::Span;
use syn::spanned::Spanned;
use syn::Expr;

use super::literals::string;
use crate::ctxt::Errors;
use crate::on::args::{event_names, event_topic, names};
use crate::on::spanned::Sp;
use crate::suggest::did_you_mean;

/// The event, as the arguments give it.
#[derive(Default)]
pub struct EventArgs {
    /// The topic, spanned on where it was given.
    pub topic: Option<Sp<String>>,
    /// An event was given but is wrong: it has its own error, and no "missing event" on top.
    pub refused: bool,
}

impl EventArgs {
    /// A bare word that is no argument: the name of an event.
    pub fn by_name(&mut self, word: &Sp<String>, errors: &mut Errors) {
        if let Some(topic) = event_topic(word) {
            self.set(Sp::new(topic.to_owned(), word.span()), errors);
            return;
        }
        let events = event_names();
        let hint = did_you_mean(word, &events);
        let hint = if hint.is_empty() {
            did_you_mean(word, &names())
        } else {
            hint
        };
        self.refused = true;
        errors.at(
            word.span(),
            format!(
                "unknown event `{}`{hint}\n  known events: {}; for another topic write `event = \"the.topic\"`",
                word.as_str(),
                events.join(", ")
            ),
        );
    }

    /// `event = "the.topic"`.
    pub fn topic(&mut self, value: &Expr, errors: &mut Errors) {
        match string(value) {
            Some(topic) if !topic.value().trim().is_empty() => {
                self.set(Sp::new(topic.value(), topic.span()), errors);
            }
            _ => {
                self.refused = true;
                errors.at(
                    value.span(),
                    "`event` is a topic string, e.g. `event = \"conversation.step_reached\"`",
                );
            }
        }
    }

    fn set(&mut self, topic: Sp<String>, errors: &mut Errors) {
        if self.topic.is_some() {
            errors.at(
                topic.span(),
                "duplicated argument: the event is already given",
            );
        } else {
            self.topic = Some(topic);
        }
    }
}

/// A notification route was given no event.
pub fn missing(errors: &mut Errors) {
    errors.at(
        Span::call_site(),
        "missing event: write `#[on(step_reached, ...)]`, or `#[on(event = \"the.topic\", ...)]` for another topic",
    );
}
