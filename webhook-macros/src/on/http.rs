//! `#[on(http ...)]`: the methods, the path and the CEL filter of an HTTP route, checked at
//! compile time with the runtime's own checks (`webhook_core::cel::check`,
//! `webhook_core::route_path::check_path`), and the route's registration.

use proc_macro2::{Span, TokenStream};
use quote::{format_ident, quote, quote_spanned};
use syn::spanned::Spanned;
use syn::{Expr, ExprLit, Lit, LitStr};
use webhook_core::cel::check;
use webhook_core::route_path::check_path;

use super::args::Form;
use super::codegen::filter_struct;
use super::glue::glue;
use super::signature::HandlerSig;
use super::validate::{filter_key, Filter, Spec};
use crate::ctxt::Errors;
use crate::suggest::did_you_mean;

/// The methods an `http(...)` argument may name.
const METHODS: &[&str] = &[
    "GET", "POST", "PUT", "DELETE", "PATCH", "HEAD", "OPTIONS", "TRACE", "CONNECT",
];

/// What the HTTP arguments say, as they are read.
#[derive(Default)]
pub struct HttpArgs {
    /// `http` (any method, `None`) or `http(get, post)`, with the span of `http`.
    methods: Option<(Option<Vec<String>>, Span)>,
    path: Option<LitStr>,
    cel: Option<LitStr>,
    verify: Option<syn::Path>,
}

/// An HTTP route, checked.
pub struct HttpSpec {
    /// `None`: any method.
    pub methods: Option<Vec<String>>,
    pub path: LitStr,
    pub cel: Option<LitStr>,
    /// A function returning the route's signature check.
    pub verify: Option<syn::Path>,
}

impl HttpArgs {
    /// Whether `http` was given (then no event is needed).
    pub fn is_http(&self) -> bool {
        self.methods.is_some()
    }

    /// `http` or `http(get, post)`.
    pub fn methods(&mut self, form: Form, span: Span, errors: &mut Errors) {
        if self.methods.is_some() {
            errors.at(
                span,
                "duplicated argument `http`: give every method in one list, `http(get, post)`",
            );
            return;
        }
        let methods = match form {
            Form::Bare => None,
            Form::Call(arguments, parens) if arguments.is_empty() => {
                errors.at(
                    parens,
                    "`http()` names no method: write `http` for any method, or `http(post)`",
                );
                None
            }
            Form::Call(arguments, _) => {
                let mut methods = Vec::new();
                for argument in arguments {
                    let word = match &argument {
                        Expr::Path(path) => path.path.get_ident().map(ToString::to_string),
                        _ => None,
                    };
                    let upper = word.as_deref().map(str::to_ascii_uppercase);
                    match upper {
                        Some(method) if METHODS.contains(&method.as_str()) => {
                            if methods.contains(&method) {
                                errors.at(
                                    argument.span(),
                                    format!(
                                        "the method `{}` is given twice",
                                        word.unwrap_or_default()
                                    ),
                                );
                            } else {
                                methods.push(method);
                            }
                        }
                        _ => {
                            let text = word
                                .clone()
                                .unwrap_or_else(|| quote!(#argument).to_string());
                            let lower: Vec<String> =
                                METHODS.iter().map(|m| m.to_ascii_lowercase()).collect();
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
                Some(methods)
            }
            Form::Assign(value) => {
                errors.at(
                    value.span(),
                    "`http` is written `http` (any method) or `http(post)`, `http(get, post)`",
                );
                None
            }
        };
        self.methods = Some((methods, span));
    }

    /// `path = "/hooks/{slug}"`.
    pub fn path(&mut self, value: &Expr, span: Span, errors: &mut Errors) {
        if self.path.is_some() {
            errors.at(span, "duplicated argument `path`");
            return;
        }
        let Expr::Lit(ExprLit {
            lit: Lit::Str(path),
            ..
        }) = value
        else {
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
        if let Err(problems) = check(&source.value()) {
            for problem in problems {
                errors.at(source.span(), format!("invalid CEL filter: {problem}"));
            }
        }
        self.cel = Some(source.clone());
    }

    /// `verify = function`: a function returning the route's `Verify` (called once, at start).
    pub fn verify(&mut self, value: &Expr, span: Span, errors: &mut Errors) {
        if self.verify.is_some() {
            errors.at(span, "duplicated argument `verify`");
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

    /// Checks the HTTP arguments against the others; the route, when it is one.
    pub fn finish(
        self,
        event: Option<Span>,
        filters: &[Filter],
        errors: &mut Errors,
    ) -> Option<HttpSpec> {
        let Some((methods, http_span)) = self.methods else {
            if let Some(path) = &self.path {
                errors.at(
                    path.span(),
                    "`path` is for HTTP routes: add `http` (any method) or `http(post)`",
                );
            }
            if let Some(verify) = &self.verify {
                errors.at(
                    verify.span(),
                    "`verify` is for HTTP routes: add `http(post)` and `path = \"...\"`",
                );
            }
            if let Some(cel) = &self.cel {
                errors.at(
                    cel.span(),
                    "a CEL filter (a string) is for HTTP routes: add `http(post)` and `path = \"...\"`; a Clustaar route takes `filter = function` or `json_key_equals(...)`",
                );
            }
            return None;
        };
        if let Some(event) = event {
            errors.at(event, "an HTTP route handles the requests to its path, not Clustaar notifications: remove the event, or the `http` argument");
        }
        for filter in filters {
            if let Filter::StepId(ids) = filter {
                let span = ids.first().map_or(http_span, LitStr::span);
                errors.at(span, "`step_id` is a filter of Clustaar notifications, not of HTTP routes; use a CEL `filter = \"...\"`");
            }
        }
        let Some(path) = self.path else {
            errors.at(
                http_span,
                "an HTTP route needs a path: add `path = \"/github\"`",
            );
            return None;
        };
        Some(HttpSpec {
            methods,
            path,
            cel: self.cel,
            verify: self.verify,
        })
    }
}

/// The registration of an HTTP handler.
pub fn registration(spec: &Spec, http: &HttpSpec, handler: &HandlerSig) -> TokenStream {
    let private = quote!(::webhook::__private);
    let name = &handler.name;
    let name_text = name.to_string();
    let priority = spec.priority;
    let path = &http.path;
    let (methods, methods_text) = match &http.methods {
        None => (quote!(#private::Methods::Any), "*".to_owned()),
        Some(methods) => {
            let idents = methods.iter().map(|method| format_ident!("{}", method));
            (
                quote!(#private::Methods::Only(::std::vec![#(#private::Method::#idents),*])),
                methods.join(","),
            )
        }
    };
    let key = format!("{methods_text} {}", path.value());
    let mut keys: Vec<String> = spec.filters.iter().map(filter_key).collect();
    if let Some(cel) = &http.cel {
        keys.push(format!("filter = {:?}", cel.value()));
    }
    keys.sort();
    let filters_text = keys.join(", ");
    let mut filter_values = Vec::new();
    if let Some(cel) = &http.cel {
        filter_values.push(quote!(::std::boxed::Box::new(#private::cel_filter(#cel)) as ::std::boxed::Box<dyn #private::Filter>));
    }
    let filter_items = if spec.filters.is_empty() {
        TokenStream::new()
    } else {
        filter_values.push(quote!(::std::boxed::Box::new(__WebhookFilter) as ::std::boxed::Box<dyn #private::Filter>));
        filter_struct(spec, &filters_text)
    };
    let glue = glue(handler);
    let assertions = &glue.assertions;
    let handler_expr = &glue.handler;
    let requirements = &glue.requirements;
    let verify = http.verify.as_ref().map(
        |function| quote_spanned!(function.span()=> .verify(#private::call_verify(#function))),
    );
    quote! {
        const _: () = {
            #filter_items

            #assertions

            fn __webhook_route() -> #private::HttpRoute<#private::StateMap> {
                let filters: ::std::vec::Vec<::std::boxed::Box<dyn #private::Filter>> = ::std::vec![#(#filter_values),*];
                #private::HttpRoute::new(#methods, #path, #handler_expr)
                    .filter(filters)
                    #verify
                    .priority(#priority)
                    .name(#name_text)
                    .location(::core::concat!(::core::file!(), ":", ::core::line!()))
                    #requirements
            }

            #private::inventory::submit! {
                #private::HttpRegistration {
                    event: #key,
                    name: #name_text,
                    module: ::core::module_path!(),
                    file: ::core::file!(),
                    line: ::core::line!(),
                    priority: #priority,
                    filters: #filters_text,
                    route: __webhook_route,
                }
            }
        };
    }
}
