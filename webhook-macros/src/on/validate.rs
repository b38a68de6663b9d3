//! What `#[on(...)]` means, and whether it is allowed: events, step ids, JSON paths, literal
//! values, duplicates. (The handler's signature: `signature.rs`.)

use proc_macro2::Span;
use quote::ToTokens;
use syn::spanned::Spanned;
use syn::{Expr, ExprLit, ExprUnary, Lit, LitStr, UnOp};
use webhook_core::json_path::{parse_path, PathSegment};
use webhook_core::object_id::{is_object_id, is_uppercase_object_id};

use super::args::{Form, RawArg, RawArgs};
use crate::ctxt::Errors;
use crate::suggest::did_you_mean;

/// The events known by name, and their topics.
pub const EVENTS: &[(&str, &str)] = &[("step_reached", "conversation.step_reached")];

/// Every argument name `#[on]` accepts.
const ARGUMENTS: &[&str] = &[
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
    "auth",
];

const ACCEPTED: &str =
    "accepted: an event (`step_reached` or `event = \"topic\"`), `step_id = \"…\"`, \
     `json_key_equals(path, value)`, `json_key_in(path, [values])`, `json_key_exists(path)`, \
     `filter = function`, `priority = N`, `auth = function`; for an HTTP route: `http` or \
     `http(post)`, `path = \"/github\"`, `filter = \"<CEL>\"`, `verify = function`";

/// A JSON scalar written in the attribute.
#[derive(Debug, Clone, PartialEq)]
pub enum Literal {
    Null,
    Bool(bool),
    Int(i64),
    UInt(u64),
    Float(f64),
    Str(String),
}

/// A compiled JSON path, with the literal it came from.
pub struct Path {
    pub source: LitStr,
    pub segments: Vec<PathSegment>,
}

/// One filter of a handler.
pub enum Filter {
    StepId(Vec<LitStr>),
    JsonKeyEquals(Path, Literal),
    JsonKeyIn(Path, Vec<Literal>),
    JsonKeyExists(Path),
    Function(syn::Path),
}

/// What `#[on(...)]` asks for.
pub struct Spec {
    pub event: String,
    pub filters: Vec<Filter>,
    pub priority: i32,
    /// The methods, path and CEL filter of an `http` route.
    pub http: Option<super::http::HttpSpec>,
    /// The route's own authenticator.
    pub auth: Option<syn::Path>,
}

/// Checks the attribute's arguments.
pub fn spec(args: RawArgs, errors: &mut Errors) -> Spec {
    let mut event: Option<(String, Span)> = None;
    let mut filters = Vec::new();
    let mut seen_step_id: Option<Span> = None;
    let mut priority: Option<(i32, Span)> = None;
    let mut http = super::http::HttpArgs::default();
    let mut auth: Option<syn::Path> = None;
    // An event that was given but is wrong has its own error: no "missing event" on top.
    let mut event_misspelt = false;
    let mut set_event = |errors: &mut Errors, topic: String, span: Span| {
        if event.is_some() {
            errors.at(span, "duplicated argument: the event is already given");
        } else {
            event = Some((topic, span));
        }
    };
    for RawArg { name, form } in args.0 {
        let key = name.to_string();
        match (key.as_str(), form) {
            (_, Form::Bare) if !ARGUMENTS.contains(&key.as_str()) => {
                match EVENTS.iter().find(|(known, _)| *known == key) {
                    Some((_, topic)) => set_event(errors, (*topic).to_owned(), name.span()),
                    None => {
                        let names: Vec<&str> = EVENTS.iter().map(|(name, _)| *name).collect();
                        let hint = did_you_mean(&key, &names);
                        let hint = if hint.is_empty() {
                            did_you_mean(&key, ARGUMENTS)
                        } else {
                            hint
                        };
                        event_misspelt = true;
                        errors.at(
                            name.span(),
                            format!(
                                "unknown event `{key}`{hint}\n  known events: {}; for another topic write `event = \"the.topic\"`",
                                names.join(", ")
                            ),
                        );
                    }
                }
            }
            ("event", Form::Assign(value)) => match string(&value) {
                Some(topic) if !topic.value().trim().is_empty() => {
                    set_event(errors, topic.value(), topic.span());
                }
                _ => {
                    event_misspelt = true;
                    errors.at(
                        value.span(),
                        "`event` is a topic string, e.g. `event = \"conversation.step_reached\"`",
                    );
                }
            },
            ("step_id", Form::Assign(value)) => {
                if let Some(first) = seen_step_id {
                    let _ = first;
                    errors.at(
                        name.span(),
                        "duplicated argument `step_id`: give every id in one list, `step_id = [\"…\", \"…\"]`",
                    );
                    continue;
                }
                seen_step_id = Some(name.span());
                if let Some(ids) = step_ids(&value, errors) {
                    filters.push(Filter::StepId(ids));
                }
            }
            ("json_key_equals", Form::Call(call_args, span)) => {
                let call_args: Vec<Expr> = call_args.into_iter().collect();
                if call_args.len() != 2 {
                    errors.at(span, "`json_key_equals` takes a path and a value: `json_key_equals(\"data.step.id\", \"123\")`");
                    continue;
                }
                let path = json_path(&call_args[0], errors);
                let value = literal(&call_args[1], errors);
                if let (Some(path), Some(value)) = (path, value) {
                    filters.push(Filter::JsonKeyEquals(path, value));
                }
            }
            ("json_key_in", Form::Call(call_args, span)) => {
                let call_args: Vec<Expr> = call_args.into_iter().collect();
                if call_args.len() != 2 {
                    errors.at(span, "`json_key_in` takes a path and a list of values: `json_key_in(\"data.channel\", [\"web\", \"facebook\"])`");
                    continue;
                }
                let path = json_path(&call_args[0], errors);
                let values = match &call_args[1] {
                    Expr::Array(array) if array.elems.is_empty() => {
                        errors.at(
                            array.span(),
                            "`json_key_in` needs at least one value: an empty list never matches",
                        );
                        None
                    }
                    Expr::Array(array) => array
                        .elems
                        .iter()
                        .map(|element| literal(element, errors))
                        .collect::<Option<Vec<_>>>(),
                    other => {
                        errors.at(
                            other.span(),
                            "expected a list of JSON literals, e.g. `[\"web\", \"facebook\"]`",
                        );
                        None
                    }
                };
                if let (Some(path), Some(values)) = (path, values) {
                    filters.push(Filter::JsonKeyIn(path, values));
                }
            }
            ("json_key_exists", Form::Call(call_args, span)) => {
                let call_args: Vec<Expr> = call_args.into_iter().collect();
                if call_args.len() != 1 {
                    errors.at(
                        span,
                        "`json_key_exists` takes one path: `json_key_exists(\"data.input\")`",
                    );
                    continue;
                }
                if let Some(path) = json_path(&call_args[0], errors) {
                    filters.push(Filter::JsonKeyExists(path));
                }
            }
            ("filter", Form::Assign(Expr::Path(path))) if path.qself.is_none() => {
                filters.push(Filter::Function(path.path));
            }
            ("http", form @ (Form::Bare | Form::Call(..) | Form::Assign(_))) => {
                http.methods(form, name.span(), errors);
            }
            ("path", Form::Assign(value)) => http.path(&value, name.span(), errors),
            ("verify", Form::Assign(value)) => http.verify(&value, name.span(), errors),
            (
                "filter",
                Form::Assign(Expr::Lit(ExprLit {
                    lit: Lit::Str(source),
                    ..
                })),
            ) => http.cel(&source, errors),
            ("auth", Form::Assign(Expr::Path(path))) if path.qself.is_none() => {
                if auth.is_some() {
                    errors.at(
                        name.span(),
                        "duplicated argument `auth`: a route has one authenticator",
                    );
                } else {
                    auth = Some(path.path);
                }
            }
            ("auth", Form::Assign(value)) => errors.at(
                value.span(),
                "`auth` is the path of an authenticator function `fn(&RequestHead) -> …`, e.g. `auth = check_token`",
            ),
            ("filter", Form::Assign(value)) => errors.at(
                value.span(),
                "`filter` is the path of a function `fn(&Request) -> bool`, e.g. `filter = is_vip`, or a CEL expression string on an `http` route",
            ),
            ("priority", Form::Assign(value)) => {
                if let Some((_, first)) = priority {
                    let _ = first;
                    errors.at(name.span(), "duplicated argument `priority`");
                    continue;
                }
                match integer(&value).and_then(|n| i32::try_from(n).ok()) {
                    Some(n) => priority = Some((n, name.span())),
                    None => errors.at(value.span(), "`priority` is an integer (an `i32`), e.g. `priority = 10` or `priority = -1`"),
                }
            }
            (known, form) if ARGUMENTS.contains(&known) => {
                let usage = match known {
                    "step_id" => {
                        "`step_id = \"507f191e810c19729de860ea\"` or `step_id = [\"…\", \"…\"]`"
                    }
                    "json_key_equals" => "`json_key_equals(path, value)`",
                    "json_key_in" => "`json_key_in(path, [values])`",
                    "json_key_exists" => "`json_key_exists(path)`",
                    "filter" => "`filter = function`",
                    "priority" => "`priority = N`",
                    "path" => "`path = \"/github\"`",
                    "verify" => "`verify = function`",
                    "auth" => "`auth = function`",
                    _ => "`event = \"topic\"`",
                };
                let span = match &form {
                    Form::Bare => name.span(),
                    Form::Assign(value) => value.span(),
                    Form::Call(_, span) => *span,
                };
                errors.at(span, format!("`{known}` is written {usage}"));
            }
            (unknown, _) => errors.at(
                name.span(),
                format!(
                    "unknown argument `{unknown}`{}\n  {ACCEPTED}",
                    did_you_mean(unknown, ARGUMENTS)
                ),
            ),
        }
    }
    check_filters_given_once(&filters, errors);
    let is_http = http.is_http();
    let http = http.finish(event.as_ref().map(|(_, span)| *span), &filters, errors);
    if let (Some(_), Some(auth)) = (&http, &auth) {
        errors.at(
            auth.span(),
            "`auth` is for Clustaar routes: an `http` route checks its sender with `verify = function`, \
             and the webhook's `#[authenticator]` guards every route",
        );
    }
    let event = match event {
        Some((topic, _)) => topic,
        None if event_misspelt || is_http => String::new(),
        None => {
            errors.at(
                Span::call_site(),
                "missing event: write `#[on(step_reached, ...)]`, or `#[on(event = \"the.topic\", ...)]` for another topic",
            );
            String::new()
        }
    };
    Spec {
        event,
        filters,
        priority: priority.map_or(0, |(n, _)| n),
        http,
        auth,
    }
}

/// Two identical filters are a mistake: one of them was meant to be something else.
fn check_filters_given_once(filters: &[Filter], errors: &mut Errors) {
    for (index, filter) in filters.iter().enumerate() {
        let key = filter_key(filter);
        if filters[..index]
            .iter()
            .any(|earlier| filter_key(earlier) == key)
        {
            errors.at(
                filter_span(filter),
                format!("this filter is given twice: `{key}`"),
            );
        }
    }
}

fn filter_span(filter: &Filter) -> Span {
    match filter {
        Filter::StepId(ids) => ids.first().map_or_else(Span::call_site, LitStr::span),
        Filter::JsonKeyEquals(path, _)
        | Filter::JsonKeyIn(path, _)
        | Filter::JsonKeyExists(path) => path.source.span(),
        Filter::Function(path) => path.span(),
    }
}

/// The filter as canonical text, for duplicate detection, conflict messages and `Debug`.
pub fn filter_key(filter: &Filter) -> String {
    match filter {
        Filter::StepId(ids) => {
            let mut ids: Vec<String> = ids.iter().map(|id| format!("{:?}", id.value())).collect();
            ids.sort();
            if ids.len() == 1 {
                format!("step_id = {}", ids[0])
            } else {
                format!("step_id = [{}]", ids.join(", "))
            }
        }
        Filter::JsonKeyEquals(path, value) => format!(
            "json_key_equals({:?}, {})",
            path.source.value(),
            literal_text(value)
        ),
        Filter::JsonKeyIn(path, values) => format!(
            "json_key_in({:?}, [{}])",
            path.source.value(),
            values
                .iter()
                .map(literal_text)
                .collect::<Vec<_>>()
                .join(", ")
        ),
        Filter::JsonKeyExists(path) => format!("json_key_exists({:?})", path.source.value()),
        Filter::Function(path) => format!("filter = {}", path.to_token_stream()).replace(' ', ""),
    }
}

fn literal_text(literal: &Literal) -> String {
    match literal {
        Literal::Null => "null".to_owned(),
        Literal::Bool(value) => value.to_string(),
        Literal::Int(value) => value.to_string(),
        Literal::UInt(value) => value.to_string(),
        Literal::Float(value) => format!("{value:?}"),
        Literal::Str(value) => format!("{value:?}"),
    }
}

fn string(expr: &Expr) -> Option<&LitStr> {
    match expr {
        Expr::Lit(ExprLit {
            lit: Lit::Str(value),
            ..
        }) => Some(value),
        _ => None,
    }
}

fn integer(expr: &Expr) -> Option<i64> {
    match expr {
        Expr::Lit(ExprLit {
            lit: Lit::Int(value),
            ..
        }) => value.base10_parse().ok(),
        Expr::Unary(ExprUnary {
            op: UnOp::Neg(_),
            expr,
            ..
        }) => integer(expr).map(|n| -n),
        _ => None,
    }
}

fn step_ids(value: &Expr, errors: &mut Errors) -> Option<Vec<LitStr>> {
    let literals: Vec<&Expr> = match value {
        Expr::Array(array) if array.elems.is_empty() => {
            errors.at(array.span(), "`step_id` needs at least one id");
            return None;
        }
        Expr::Array(array) => array.elems.iter().collect(),
        other => vec![other],
    };
    let mut ids = Vec::new();
    for literal in literals {
        match string(literal) {
            Some(id) if is_object_id(&id.value()) => ids.push(id.clone()),
            Some(id) if is_uppercase_object_id(&id.value()) => errors.at(
                id.span(),
                format!(
                    "step ids are written in lowercase, as the platform sends them: this route would never match\n  write {:?}",
                    id.value().to_ascii_lowercase()
                ),
            ),
            Some(id) => errors.at(
                id.span(),
                format!(
                    "`{}` is not a step id: a step id is a MongoDB ObjectID, 24 hexadecimal characters such as \"507f191e810c19729de860ea\"\n  to match another value, use `json_key_equals(\"data.step.id\", {:?})`",
                    id.value(),
                    id.value()
                ),
            ),
            None => errors.at(
                literal.span(),
                "expected a step id string such as \"507f191e810c19729de860ea\"",
            ),
        }
    }
    (ids.len() == literals_len(value)).then_some(ids)
}

fn literals_len(value: &Expr) -> usize {
    match value {
        Expr::Array(array) => array.elems.len(),
        _ => 1,
    }
}

fn json_path(expr: &Expr, errors: &mut Errors) -> Option<Path> {
    let Some(source) = string(expr) else {
        errors.at(
            expr.span(),
            "expected a JSON path string, e.g. \"data.step.id\" or \"data.step.actions[0].type\"",
        );
        return None;
    };
    match parse_path(&source.value()) {
        Ok(segments) => Some(Path {
            source: source.clone(),
            segments,
        }),
        Err((position, reason)) => {
            errors.at(
                source.span(),
                format!(
                    "invalid JSON path `{}`: {reason} (at position {position})\n  a path is dotted fields with optional indexes, e.g. \"data.step.actions[0].type\"",
                    source.value()
                ),
            );
            None
        }
    }
}

fn literal(expr: &Expr, errors: &mut Errors) -> Option<Literal> {
    let parsed = match expr {
        Expr::Lit(ExprLit { lit, .. }) => match lit {
            Lit::Str(value) => Some(Literal::Str(value.value())),
            Lit::Bool(value) => Some(Literal::Bool(value.value)),
            Lit::Int(value) => value.base10_parse::<u64>().ok().map(Literal::UInt),
            Lit::Float(value) => value
                .base10_parse::<f64>()
                .ok()
                .filter(|value| value.is_finite())
                .map(Literal::Float),
            _ => None,
        },
        Expr::Unary(ExprUnary {
            op: UnOp::Neg(_),
            expr: inner,
            ..
        }) => match &**inner {
            Expr::Lit(ExprLit {
                lit: Lit::Int(value),
                ..
            }) => value.base10_parse::<i64>().ok().map(|n| Literal::Int(-n)),
            Expr::Lit(ExprLit {
                lit: Lit::Float(value),
                ..
            }) => value.base10_parse::<f64>().ok().map(|n| Literal::Float(-n)),
            _ => None,
        },
        Expr::Path(path) if path.path.is_ident("null") => Some(Literal::Null),
        _ => None,
    };
    if parsed.is_none() {
        errors.at(
            expr.span(),
            "expected a JSON literal: a string, a number, `true`, `false` or `null`",
        );
    }
    parsed
}
