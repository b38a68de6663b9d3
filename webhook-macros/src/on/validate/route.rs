//! The kind of route, decided in one place: `http` makes an HTTP route, anything else a
//! notification route. The arguments that belong to the other kind are refused here, once every
//! argument has been read.

use syn::spanned::Spanned;
use syn::LitStr;

use super::event::{self, EventArgs};
use super::http::HttpArgs;
use super::options::Options;
use crate::ctxt::Errors;
use crate::on::spanned::Sp;
use crate::on::spec::{Filter, HttpRoute, Kind, RouteKind, Spec};

/// What validation gives.
pub struct Validated {
    /// The kind of route: known even when an argument is wrong, for the signature's checks.
    pub kind: RouteKind,
    /// The route, when it could be built (every error has been reported otherwise).
    pub spec: Option<Spec>,
}

/// The route the arguments describe.
pub fn decide(
    event: EventArgs,
    filters: Vec<Filter>,
    options: Options,
    mut http: HttpArgs,
    errors: &mut Errors,
) -> Validated {
    match http.methods.take() {
        None => notification(event, filters, options, &http, errors),
        Some(methods) => http_route(methods, &event, filters, options, http, errors),
    }
}

fn notification(
    event: EventArgs,
    filters: Vec<Filter>,
    options: Options,
    http: &HttpArgs,
    errors: &mut Errors,
) -> Validated {
    if let Some(path) = &http.path {
        errors.at(
            path.span(),
            "`path` is for HTTP routes: add `http` (any method) or `http(post)`",
        );
    }
    if let Some(sender) = http.sender_given {
        errors.at(
            sender,
            "`sender` is for HTTP routes: add `http(post)` and `path = \"...\"`",
        );
    }
    if let Some(verify) = &http.verify {
        errors.at(
            verify.span(),
            "`verify` is for HTTP routes: add `http(post)` and `path = \"...\"`",
        );
    }
    if let Some(cel) = &http.cel {
        errors.at(
            cel.span(),
            "a CEL filter (a string) is for HTTP routes: add `http(post)` and `path = \"...\"`; a Clustaar route takes `filter = function` or `json_key_equals(...)`",
        );
    }
    if let Some(durable) = http.durable {
        errors.at(
            durable,
            "`durable` is for HTTP routes: add `http(post)` and `path = \"...\"`",
        );
    }
    if let Some(key) = &http.idempotency_key {
        errors.at(
            key.literal().span(),
            "`idempotency_key` is for durable HTTP routes: add `http(post)`, `path = \"...\"` and `durable`",
        );
    }
    if let Some(attempts) = &http.max_attempts {
        errors.at(
            attempts.span(),
            "`max_attempts` is for durable HTTP routes: add `http(post)`, `path = \"...\"` and `durable`",
        );
    }
    if event.topic.is_none() && !event.refused {
        event::missing(errors);
    }
    let spec = event.topic.map(|event| Spec {
        kind: Kind::Notification {
            event: event.into_inner(),
            auth: options.auth,
        },
        filters,
        priority: options.priority.map_or(0, |priority| *priority),
    });
    Validated {
        kind: RouteKind::Notification,
        spec,
    }
}

fn http_route(
    methods: Sp<Option<Vec<String>>>,
    event: &EventArgs,
    filters: Vec<Filter>,
    options: Options,
    http: HttpArgs,
    errors: &mut Errors,
) -> Validated {
    // On an HTTP route, `event` is the sender's event type.
    let sender_event = match (&event.topic, &http.sender) {
        (Some(topic), Some(sender)) => {
            super::sender::event(&sender.preset, topic, errors);
            Some(topic.as_str().to_owned())
        }
        (Some(_), None) if http.sender_given.is_some() => None,
        (Some(topic), None) => {
            errors.at(topic.span(), "an HTTP route handles the requests to its path, not Clustaar notifications: `event` names a sender's event type, with `sender = ...`; or remove the `http` argument");
            None
        }
        (None, _) => None,
    };
    if let (Some(verify), Some(_)) = (&http.verify, http.sender_given) {
        errors.at(
            verify.span(),
            "a route has one signature check: its `sender` checks it; remove `verify`",
        );
    }
    for filter in &filters {
        if let Filter::StepId(ids) = filter {
            let span = ids.first().map_or(methods.span(), LitStr::span);
            errors.at(span, "`step_id` is a filter of Clustaar notifications, not of HTTP routes; use a CEL `filter = \"...\"`");
        }
    }
    if http.path.is_none() {
        errors.at(
            methods.span(),
            "an HTTP route needs a path: add `path = \"/github\"`",
        );
    }
    if let Some(auth) = &options.auth {
        errors.at(
            auth.span(),
            "`auth` is for Clustaar routes: an `http` route checks its sender with `verify = function`, \
             and the webhook's `#[authenticator]` guards every route",
        );
    }
    if let (None, Some(key)) = (http.durable, &http.idempotency_key) {
        errors.at(
            key.literal().span(),
            "`idempotency_key` is for durable routes: add `durable`",
        );
    }
    if let (None, Some(attempts)) = (http.durable, &http.max_attempts) {
        errors.at(
            attempts.span(),
            "`max_attempts` is for durable routes: add `durable`",
        );
    }
    let durable = http.durable.map(|_| http.idempotency_key.clone());
    let spec = http.path.map(|path| Spec {
        kind: Kind::Http(HttpRoute {
            methods: methods.into_inner(),
            path,
            cel: http.cel,
            verify: http.verify,
            sender: http.sender,
            event: sender_event,
            durable,
            max_attempts: http.max_attempts,
        }),
        filters,
        priority: options.priority.map_or(0, |priority| *priority),
    });
    Validated {
        kind: RouteKind::Http,
        spec,
    }
}
