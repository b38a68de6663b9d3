//! Validation of `#[on(...)]`: from the arguments as written to a [`Spec`](crate::on::spec::Spec).
//!
//! Each argument is read by the module of its concern (`event`, `filters`, `options`, `http`),
//! which checks its value and refuses a second one; then `route` decides the kind of route and
//! refuses the arguments of the other kind. Every mistake is recorded in [`Errors`], so all of
//! them are reported in one build. (The handler's signature: `signature.rs`.)

mod event;
mod filters;
mod http;
mod json;
mod literals;
mod options;
mod route;
mod sender;

use syn::spanned::Spanned;
use syn::{Expr, ExprLit, Lit};

pub use route::Validated;

use crate::ctxt::Errors;
use crate::on::args::{accepted, find, names, Argument, Form, Key, RawArg, RawArgs};
use crate::on::spanned::Sp;
use crate::suggest::did_you_mean;

/// The arguments read so far, by concern.
#[derive(Default)]
struct Given {
    event: event::EventArgs,
    filters: filters::Filters,
    options: options::Options,
    http: http::HttpArgs,
}

/// Checks the attribute's arguments.
pub fn spec(args: RawArgs, errors: &mut Errors) -> Validated {
    let mut given = Given::default();
    for arg in args.0 {
        read(&mut given, arg, errors);
    }
    let filters = given.filters.finish(errors);
    route::decide(given.event, filters, given.options, given.http, errors)
}

/// Hands one argument to the module of its concern.
fn read(given: &mut Given, RawArg { name, form }: RawArg, errors: &mut Errors) {
    let Some(argument) = find(&name) else {
        match form {
            Form::Bare => given.event.by_name(&name, errors),
            _ => unknown(&name, errors),
        }
        return;
    };
    match (argument.key, form) {
        (Key::Event, Form::Assign(value)) => given.event.topic(&value, errors),
        (Key::StepId, Form::Assign(value)) => given.filters.step_id(&name, &value, errors),
        (Key::JsonKeyEquals, Form::Call(arguments)) => {
            given.filters.json_key_equals(&arguments, errors);
        }
        (Key::JsonKeyIn, Form::Call(arguments)) => given.filters.json_key_in(&arguments, errors),
        (Key::JsonKeyExists, Form::Call(arguments)) => {
            given.filters.json_key_exists(&arguments, errors);
        }
        (Key::Filter, Form::Assign(Expr::Path(path))) if path.qself.is_none() => {
            given.filters.function(path.path);
        }
        (
            Key::Filter,
            Form::Assign(Expr::Lit(ExprLit {
                lit: Lit::Str(source),
                ..
            })),
        ) => given.http.cel(&source, errors),
        (Key::Filter, Form::Assign(value)) => filters::not_a_filter(&value, errors),
        (Key::Priority, Form::Assign(value)) => given.options.priority(&name, &value, errors),
        (Key::Auth, Form::Assign(value)) => given.options.auth(&name, value, errors),
        (Key::Http, form) => given.http.methods(&name, form, errors),
        (Key::Path, Form::Assign(value)) => given.http.path(&name, &value, errors),
        (Key::Verify, Form::Assign(value)) => given.http.verify(&name, &value, errors),
        (Key::Sender, Form::Assign(value)) => {
            if given.http.sender.is_some() {
                errors.at(name.span(), "duplicated argument `sender`");
            } else {
                given.http.sender = sender::sender(&value, errors);
                given.http.sender_given = Some(name.span());
            }
        }
        (Key::Durable, Form::Bare) => given.http.durable(&name, errors),
        (Key::MaxAttempts, Form::Assign(value)) => {
            given.http.max_attempts(&name, &value, errors);
        }
        (Key::Idempotency, Form::Assign(value)) => {
            given.http.idempotency_key(&name, &value, errors);
        }
        (_, form) => misused(argument, &name, &form, errors),
    }
}

/// A name that no argument has.
fn unknown(name: &Sp<String>, errors: &mut Errors) {
    errors.at(
        name.span(),
        format!(
            "unknown argument `{}`{}\n  {}",
            name.as_str(),
            did_you_mean(name, &names()),
            accepted()
        ),
    );
}

/// A known argument in a form it does not take.
fn misused(argument: &Argument, name: &Sp<String>, form: &Form, errors: &mut Errors) {
    let span = match form {
        Form::Bare => name.span(),
        Form::Assign(value) => value.span(),
        Form::Call(arguments) => arguments.span(),
    };
    errors.at(
        span,
        format!("`{}` is written {}", argument.name, argument.usage),
    );
}
