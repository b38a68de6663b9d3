//! The arguments of an HTTP route: `http` and its methods, the path, the CEL filter and the
//! signature check, each checked as it is read with the runtime's own checks
//! (`clustaar_webhook_core::route_path::check_path`, `clustaar_webhook_core::cel::check`).

#[cfg(feature = "cel")]
use clustaar_webhook_core::cel::check;
use clustaar_webhook_core::route_path::check_path;
use quote::quote;
use syn::spanned::Spanned;
use syn::{Expr, LitStr};

use super::literals::string;
use crate::ctxt::Errors;
use crate::on::args::Form;
use crate::on::spanned::Sp;
use crate::on::spec::{KeySource, SenderSpec};
use crate::suggest::did_you_mean;

/// The methods an `http(...)` argument may name.
const METHODS: &[&str] = &[
    "GET", "POST", "PUT", "DELETE", "PATCH", "HEAD", "OPTIONS", "TRACE", "CONNECT",
];

/// The HTTP arguments, as they are read.
#[derive(Default)]
pub struct HttpArgs {
    /// `http` (any method, `None`) or `http(get, post)`, spanned on `http`.
    pub methods: Option<Sp<Option<Vec<String>>>>,
    pub path: Option<LitStr>,
    pub cel: Option<LitStr>,
    pub verify: Option<syn::Path>,
    /// `sender = stripe(secret = env("..."))`, when valid.
    pub sender: Option<SenderSpec>,
    /// Where `sender` was written (valid or not).
    pub sender_given: Option<proc_macro2::Span>,
    /// `durable`, spanned on the word.
    pub durable: Option<proc_macro2::Span>,
    /// `idempotency_key = header("Webhook-Id")`, `json("id")` or `cel("...")`.
    pub idempotency_key: Option<KeySource>,
    /// `max_attempts = N`, spanned on the number.
    pub max_attempts: Option<syn::LitInt>,
}

impl HttpArgs {
    /// `http` or `http(get, post)`.
    pub fn methods(&mut self, name: &Sp<String>, form: Form, errors: &mut Errors) {
        if self.methods.is_some() {
            errors.at(
                name.span(),
                "duplicated argument `http`: give every method in one list, `http(get, post)`",
            );
            return;
        }
        let methods = match form {
            Form::Bare => None,
            Form::Call(arguments) if arguments.is_empty() => {
                errors.at(
                    arguments.span(),
                    "`http()` names no method: write `http` for any method, or `http(post)`",
                );
                None
            }
            Form::Call(arguments) => Some(method_list(&arguments, errors)),
            Form::Assign(value) => {
                errors.at(
                    value.span(),
                    "`http` is written `http` (any method) or `http(post)`, `http(get, post)`",
                );
                None
            }
        };
        self.methods = Some(Sp::new(methods, name.span()));
    }

    /// `path = "/hooks/{slug}"`.
    pub fn path(&mut self, name: &Sp<String>, value: &Expr, errors: &mut Errors) {
        if self.path.is_some() {
            errors.at(name.span(), "duplicated argument `path`");
            return;
        }
        let Some(path) = string(value) else {
            errors.at(
                value.span(),
                "`path` is a string such as \"/github\" or \"/hooks/{slug}\"",
            );
            return;
        };
        if let Err(reason) = check_path(&path.value()) {
            errors.at(
                path.span(),
                format!("invalid route path {:?}: {reason}", path.value()),
            );
        }
        self.path = Some(path.clone());
    }

    /// `filter = "<CEL>"`: parsed and checked now.
    pub fn cel(&mut self, source: &LitStr, errors: &mut Errors) {
        if self.cel.is_some() {
            errors.at(
                source.span(),
                "only one CEL filter per handler: join the conditions with `&&`",
            );
            return;
        }
        #[cfg(feature = "cel")]
        if let Err(problems) = check(&source.value()) {
            for problem in problems {
                errors.at(source.span(), format!("invalid CEL filter: {problem}"));
            }
        }
        #[cfg(not(feature = "cel"))]
        errors.at(
            source.span(),
            "a CEL filter needs the `cel` feature of the `clustaar-webhook` crate (on by default): enable it, or filter with a function (`filter = my_function`)",
        );
        self.cel = Some(source.clone());
    }

    /// `verify = function`: a function returning the route's `Verify` (called once, at start).
    pub fn verify(&mut self, name: &Sp<String>, value: &Expr, errors: &mut Errors) {
        if self.verify.is_some() {
            errors.at(name.span(), "duplicated argument `verify`");
            return;
        }
        match value {
            Expr::Path(path) if path.qself.is_none() => self.verify = Some(path.path.clone()),
            other => errors.at(
                other.span(),
                "`verify` is the path of a function returning the signature check, e.g. `verify = github_signature` with `fn github_signature() -> HmacVerifier`",
            ),
        }
    }
}

impl HttpArgs {
    /// `durable`.
    pub fn durable(&mut self, name: &Sp<String>, errors: &mut Errors) {
        if self.durable.is_some() {
            errors.at(name.span(), "duplicated argument `durable`");
            return;
        }
        self.durable = Some(name.span());
    }

    /// `idempotency_key = header("Webhook-Id")` (a header name), `json("data.object.id")` (a
    /// JSON path) or `cel("<CEL>")` (an expression over `data`, as a filter's), checked now.
    pub fn idempotency_key(&mut self, name: &Sp<String>, value: &Expr, errors: &mut Errors) {
        if self.idempotency_key.is_some() {
            errors.at(name.span(), "duplicated argument `idempotency_key`");
            return;
        }
        let usage = "`idempotency_key` is written `idempotency_key = header(\"Webhook-Id\")` \
                     (a header), `idempotency_key = json(\"data.object.id\")` (a JSON path \
                     of the body) or `idempotency_key = cel(\"<CEL>\")` (an expression over \
                     `data`): where the value that identifies an event is";
        let Expr::Call(call) = value else {
            errors.at(value.span(), usage);
            return;
        };
        let source = match &*call.func {
            Expr::Path(path) if path.path.is_ident("header") => "header",
            Expr::Path(path) if path.path.is_ident("json") => "json",
            Expr::Path(path) if path.path.is_ident("cel") => "cel",
            _ => {
                errors.at(
                    call.func.span(),
                    format!("{usage} (a key comes from `header`, `json` or `cel`)"),
                );
                return;
            }
        };
        let literal = match call.args.iter().collect::<Vec<_>>().as_slice() {
            [argument] => string(argument),
            _ => None,
        };
        let Some(literal) = literal else {
            errors.at(call.args.span(), format!("{usage} (one string)"));
            return;
        };
        let text = literal.value();
        let key = match source {
            "header" => {
                if text.is_empty() || !text.bytes().all(is_token_byte) {
                    errors.at(
                        literal.span(),
                        format!("{text:?} is not a header name: letters, digits and `-` (such as \"Webhook-Id\")"),
                    );
                }
                KeySource::Header(literal.clone())
            }
            "json" => {
                if let Err((position, reason)) = clustaar_webhook_core::json_path::parse_path(&text)
                {
                    errors.at(
                        literal.span(),
                        format!("invalid JSON path `{text}`: {reason} (at position {position})\n  a path is dotted fields with optional indexes, e.g. \"data.object.id\""),
                    );
                }
                KeySource::Json(literal.clone())
            }
            _ => {
                cel_key(literal, errors);
                KeySource::Cel(literal.clone())
            }
        };
        self.idempotency_key = Some(key);
    }
}

/// `idempotency_key = cel("<CEL>")`: parsed and checked as a filter is.
fn cel_key(source: &LitStr, errors: &mut Errors) {
    #[cfg(feature = "cel")]
    if let Err(problems) = check(&source.value()) {
        for problem in problems {
            errors.at(
                source.span(),
                format!("invalid CEL idempotency key: {problem}"),
            );
        }
    }
    #[cfg(not(feature = "cel"))]
    errors.at(
        source.span(),
        "a CEL idempotency key needs the `cel` feature of the `clustaar-webhook` crate (on by default): enable it, or read the key with `header(\"...\")` or `json(\"...\")`",
    );
}

impl HttpArgs {
    /// `max_attempts = N`: a whole number, at least 1.
    pub fn max_attempts(&mut self, name: &Sp<String>, value: &Expr, errors: &mut Errors) {
        if self.max_attempts.is_some() {
            errors.at(name.span(), "duplicated argument `max_attempts`");
            return;
        }
        let number = match value {
            Expr::Lit(syn::ExprLit {
                lit: syn::Lit::Int(number),
                ..
            }) => number,
            other => {
                errors.at(
                    other.span(),
                    "`max_attempts` is a whole number of attempts, the first included, e.g. `max_attempts = 5`",
                );
                return;
            }
        };
        match number.base10_parse::<u32>() {
            Ok(attempts) if attempts >= 1 => self.max_attempts = Some(number.clone()),
            _ => errors.at(
                number.span(),
                "`max_attempts` is at least 1 (the first attempt) and fits in a u32",
            ),
        }
    }
}

/// A byte of an HTTP token (RFC 9110, 5.6.2): what a header name is made of.
fn is_token_byte(byte: u8) -> bool {
    byte.is_ascii_alphanumeric() || b"!#$%&'*+-.^_`|~".contains(&byte)
}

/// The methods of `http(get, post)`, in upper case, each once.
fn method_list(arguments: &[Expr], errors: &mut Errors) -> Vec<String> {
    let mut methods = Vec::new();
    for argument in arguments {
        let word = match argument {
            Expr::Path(path) => path.path.get_ident().map(ToString::to_string),
            _ => None,
        };
        let upper = word.as_deref().map(str::to_ascii_uppercase);
        match upper {
            Some(method) if METHODS.contains(&method.as_str()) => {
                if methods.contains(&method) {
                    errors.at(
                        argument.span(),
                        format!("the method `{}` is given twice", word.unwrap_or_default()),
                    );
                } else {
                    methods.push(method);
                }
            }
            _ => {
                let text = word.unwrap_or_else(|| quote!(#argument).to_string());
                let lower: Vec<String> = METHODS.iter().map(|m| m.to_ascii_lowercase()).collect();
                let lower: Vec<&str> = lower.iter().map(String::as_str).collect();
                errors.at(
                    argument.span(),
                    format!(
                        "unknown HTTP method `{text}`{}\n  methods: {}",
                        did_you_mean(&text.to_ascii_lowercase(), &lower),
                        lower.join(", ")
                    ),
                );
            }
        }
    }
    methods
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A CEL filter is checked when the `cel` feature is on, and refused, naming the feature,
    /// when it is off (`cargo test -p clustaar-webhook-macros --no-default-features`).
    #[test]
    fn a_cel_filter_needs_the_cel_feature() {
        let mut args = HttpArgs::default();
        let mut errors = Errors::default();
        args.cel(&syn::parse_quote!(r#"data.method == "POST""#), &mut errors);
        let reported = errors.to_compile_errors().to_string();
        if cfg!(feature = "cel") {
            assert!(errors.is_empty(), "{reported}");
        } else {
            assert!(reported.contains("needs the `cel` feature"), "{reported}");
        }
    }
}
