//! Parsing `#[on(...)]`: the syntax of its arguments, and the one table of those it accepts.
//!
//! An argument is `name`, `name = value` or `name(arguments)` ([`RawArg`]); its name and its
//! parentheses keep their spans. [`ARGUMENTS`] lists each accepted argument once, with how it is
//! written and the kind of route that takes it: the list of accepted arguments, the "is written"
//! errors and the "did you mean" suggestions are read from it. What a value means is checked in
//! `validate/`.

use syn::parse::{Parse, ParseStream};
use syn::punctuated::Punctuated;
use syn::{parenthesized, Expr, Ident, Token};

use super::spanned::Sp;

/// One argument as written.
pub struct RawArg {
    /// The argument's name.
    pub name: Sp<String>,
    /// What follows the name.
    pub form: Form,
}

/// The three forms an argument takes.
pub enum Form {
    /// `name`
    Bare,
    /// `name = value`
    Assign(Expr),
    /// `name(arguments)`, spanned on the parentheses.
    Call(Sp<Vec<Expr>>),
}

impl Parse for RawArg {
    fn parse(input: ParseStream<'_>) -> syn::Result<Self> {
        let name = input.call(<Ident as syn::ext::IdentExt>::parse_any)?;
        let form = if input.peek(Token![=]) {
            input.parse::<Token![=]>()?;
            Form::Assign(input.parse()?)
        } else if input.peek(syn::token::Paren) {
            let content;
            let parens = parenthesized!(content in input);
            let arguments = content.parse_terminated(Expr::parse, Token![,])?;
            Form::Call(Sp::new(arguments.into_iter().collect(), parens.span.join()))
        } else {
            Form::Bare
        };
        Ok(Self {
            name: Sp::new(name.to_string(), name.span()),
            form,
        })
    }
}

/// Every argument of `#[on(...)]`.
pub struct RawArgs(pub Vec<RawArg>);

impl Parse for RawArgs {
    fn parse(input: ParseStream<'_>) -> syn::Result<Self> {
        let args = Punctuated::<RawArg, Token![,]>::parse_terminated(input)?;
        Ok(Self(args.into_iter().collect()))
    }
}

/// The events known by name (written as a bare word: `#[on(step_reached)]`), and their topics.
pub const EVENTS: &[(&str, &str)] = &[("step_reached", "conversation.step_reached")];

/// What an argument sets; `validate/` reads each key's value.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum Key {
    Event,
    StepId,
    JsonKeyEquals,
    JsonKeyIn,
    JsonKeyExists,
    Filter,
    Priority,
    Auth,
    Http,
    Path,
    Verify,
    Sender,
    Durable,
    Idempotency,
    MaxAttempts,
}

/// The kind of route an argument is written on.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum Routes {
    /// Clustaar notification routes only.
    Notifications,
    /// HTTP routes only.
    Http,
    /// Both kinds.
    Both,
}

/// An accepted argument, in one of its forms.
pub struct Argument {
    pub key: Key,
    pub name: &'static str,
    /// How it is written, in the list of accepted arguments.
    pub form: &'static str,
    /// How it is written, in the error at an argument written another way.
    pub usage: &'static str,
    /// The kind of route that takes it.
    pub routes: Routes,
}

impl Argument {
    const fn new(key: Key, name: &'static str, form: &'static str, routes: Routes) -> Self {
        Self {
            key,
            name,
            form,
            usage: form,
            routes,
        }
    }

    const fn usage(self, usage: &'static str) -> Self {
        Self { usage, ..self }
    }
}

/// Every argument `#[on]` accepts, a row a form (`filter` has two). The order is the one of the
/// list in error messages, and of the candidates of "did you mean".
#[rustfmt::skip]
pub const ARGUMENTS: &[Argument] = &[
    //            key                  name                form, as listed                    routes
    Argument::new(Key::StepId,         "step_id",          "`step_id = \"…\"`",               Routes::Notifications)
        .usage("`step_id = \"507f191e810c19729de860ea\"` or `step_id = [\"…\", \"…\"]`"),
    Argument::new(Key::JsonKeyEquals,  "json_key_equals",  "`json_key_equals(path, value)`",  Routes::Both),
    Argument::new(Key::JsonKeyIn,      "json_key_in",      "`json_key_in(path, [values])`",   Routes::Both),
    Argument::new(Key::JsonKeyExists,  "json_key_exists",  "`json_key_exists(path)`",         Routes::Both),
    Argument::new(Key::Filter,         "filter",           "`filter = function`",             Routes::Both),
    Argument::new(Key::Priority,       "priority",         "`priority = N`",                  Routes::Both),
    Argument::new(Key::Event,          "event",            "`event = \"topic\"`",             Routes::Both),
    Argument::new(Key::Http,           "http",             "`http` or `http(post)`",          Routes::Http),
    Argument::new(Key::Path,           "path",             "`path = \"/github\"`",            Routes::Http),
    Argument::new(Key::Filter,         "filter",           "`filter = \"<CEL>\"`",            Routes::Http),
    Argument::new(Key::Verify,         "verify",           "`verify = function`",             Routes::Http),
    Argument::new(Key::Sender,         "sender",           "`sender = stripe(secret = env(\"…\"))`", Routes::Http),
    Argument::new(Key::Durable,        "durable",          "`durable`",                       Routes::Http)
        .usage("as a word, without a value: `#[on(http(post), path = \"/stripe\", durable)]`"),
    Argument::new(Key::Idempotency, "idempotency_key",  "`idempotency_key = header(\"…\")`, `json(\"…\")` or `cel(\"…\")`", Routes::Http)
        .usage("`idempotency_key = header(\"Webhook-Id\")`, `idempotency_key = json(\"data.object.id\")` or `idempotency_key = cel(\"<CEL>\")` (where the value that identifies an event is)"),
    Argument::new(Key::MaxAttempts,    "max_attempts",     "`max_attempts = N`",              Routes::Http),
    Argument::new(Key::Auth,           "auth",             "`auth = function`",               Routes::Notifications),
];

/// The first row of the argument called `name`.
pub fn find(name: &str) -> Option<&'static Argument> {
    ARGUMENTS.iter().find(|argument| argument.name == name)
}

/// The names of the arguments, each once.
pub fn names() -> Vec<&'static str> {
    let mut names: Vec<&str> = Vec::new();
    for argument in ARGUMENTS {
        if !names.contains(&argument.name) {
            names.push(argument.name);
        }
    }
    names
}

/// The names of the known events.
pub fn event_names() -> Vec<&'static str> {
    EVENTS.iter().map(|(name, _)| *name).collect()
}

/// The topic of the event called `name`.
pub fn event_topic(name: &str) -> Option<&'static str> {
    EVENTS
        .iter()
        .find(|(known, _)| *known == name)
        .map(|(_, topic)| *topic)
}

/// "accepted: an event (...), ...; for an HTTP route: ...", from the table.
pub fn accepted() -> String {
    let events: Vec<String> = event_names()
        .iter()
        .map(|name| format!("`{name}`"))
        .collect();
    let event_form = ARGUMENTS
        .iter()
        .find(|argument| argument.key == Key::Event)
        .map_or("", |argument| argument.form);
    let forms = |keep: fn(&Argument) -> bool| {
        ARGUMENTS
            .iter()
            .filter(|argument| keep(argument))
            .map(|argument| argument.form)
            .collect::<Vec<_>>()
            .join(", ")
    };
    format!(
        "accepted: an event ({} or {event_form}), {}; for an HTTP route: {}",
        events.join(", "),
        forms(|argument| argument.routes != Routes::Http && argument.key != Key::Event),
        forms(|argument| argument.routes == Routes::Http || argument.key == Key::Event),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_list_of_accepted_arguments_is_read_from_the_table() {
        assert_eq!(
            accepted(),
            "accepted: an event (`step_reached` or `event = \"topic\"`), `step_id = \"…\"`, \
             `json_key_equals(path, value)`, `json_key_in(path, [values])`, `json_key_exists(path)`, \
             `filter = function`, `priority = N`, `auth = function`; for an HTTP route: \
             `event = \"topic\"`, `http` or `http(post)`, `path = \"/github\"`, \
             `filter = \"<CEL>\"`, `verify = function`, `sender = stripe(secret = env(\"…\"))`, \
             `durable`, `idempotency_key = header(\"…\")`, `json(\"…\")` or `cel(\"…\")`, \
             `max_attempts = N`"
        );
        assert_eq!(
            names(),
            [
                "step_id",
                "json_key_equals",
                "json_key_in",
                "json_key_exists",
                "filter",
                "priority",
                "event",
                "http",
                "path",
                "verify",
                "sender",
                "durable",
                "idempotency_key",
                "max_attempts",
                "auth"
            ]
        );
    }

    #[test]
    fn every_key_has_a_row_and_one_usage() {
        for argument in ARGUMENTS {
            let first = find(argument.name).expect("found by name");
            assert_eq!(
                first.key, argument.key,
                "{}: one name, one key",
                argument.name
            );
        }
    }
}
