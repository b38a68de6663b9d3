//! The tokens `#[on]` adds after the user's function: a filter struct whose ids, paths and
//! values are constants, assertions that point at a wrong argument or return type, and the
//! `inventory` registration.

use proc_macro2::TokenStream;
use quote::{format_ident, quote, quote_spanned};
use syn::spanned::Spanned;
use webhook_core::json_path::PathSegment;

use super::glue::glue;
use super::signature::HandlerSig;
use super::validate::{filter_key, Filter, Literal, Path, Spec};

/// The registration of `handler` for `spec`.
pub fn registration(spec: &Spec, handler: &HandlerSig) -> TokenStream {
    if let Some(http) = &spec.http {
        return super::http::registration(spec, http, handler);
    }
    let private = quote!(::webhook::__private);
    let name = &handler.name;
    let name_text = name.to_string();
    let event = &spec.event;
    let priority = spec.priority;
    let mut keys: Vec<String> = spec.filters.iter().map(filter_key).collect();
    keys.sort();
    let filters_text = keys.join(", ");
    let (filter_items, filter_value) = if spec.filters.is_empty() {
        (TokenStream::new(), quote!(()))
    } else {
        (filter_struct(spec, &filters_text), quote!(__WebhookFilter))
    };
    let glue = glue(handler);
    let assertions = &glue.assertions;
    let handler_expr = &glue.handler;
    let requirements = &glue.requirements;
    let authenticator = spec.auth.as_ref().map(|path| {
        quote_spanned! {path.span()=> .authenticator(#path) }
    });
    quote! {
        const _: () = {
            #filter_items
            #assertions

            fn __webhook_route() -> #private::Route<#private::StateMap> {
                #private::Route::new(#event, #handler_expr)
                    .filter(#filter_value)
                    .priority(#priority)
                    .name(#name_text)
                    .location(::core::concat!(::core::file!(), ":", ::core::line!()))
                    #authenticator
                    #requirements
            }

            #private::inventory::submit! {
                #private::Registration {
                    event: #event,
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

pub(super) fn filter_struct(spec: &Spec, description: &str) -> TokenStream {
    let private = quote!(::webhook::__private);
    let conditions = spec
        .filters
        .iter()
        .enumerate()
        .map(|(index, filter)| condition(index, filter));
    let step_ids = match spec.filters.as_slice() {
        [Filter::StepId(ids)] => quote!(::core::option::Option::Some(::std::vec![#(#ids),*])),
        _ => quote!(::core::option::Option::None),
    };
    quote! {
        #[allow(non_camel_case_types)]
        struct __WebhookFilter;

        impl ::core::fmt::Debug for __WebhookFilter {
            fn fmt(&self, f: &mut ::core::fmt::Formatter<'_>) -> ::core::fmt::Result {
                f.write_str(#description)
            }
        }

        impl #private::Filter for __WebhookFilter {
            fn matches(&self, request: &#private::Request) -> bool {
                #((#conditions))&&*
            }

            fn step_ids(&self) -> ::core::option::Option<::std::vec::Vec<&str>> {
                #step_ids
            }
        }
    }
}

fn condition(index: usize, filter: &Filter) -> TokenStream {
    let private = quote!(::webhook::__private);
    match filter {
        Filter::StepId(ids) => quote!(#private::step_id_in(request, &[#(#ids),*])),
        Filter::JsonKeyEquals(path, value) => {
            let (statics, path_name) = path_static(index, path);
            let value = literal(value);
            quote!({
                #statics
                match #path_name.find(request.json()) {
                    ::core::option::Option::Some(found) => #value.matches(found),
                    ::core::option::Option::None => false,
                }
            })
        }
        Filter::JsonKeyIn(path, values) => {
            let (statics, path_name) = path_static(index, path);
            let count = values.len();
            let values = values.iter().map(literal);
            quote!({
                #statics
                static VALUES: [#private::JsonLiteral; #count] = [#(#values),*];
                match #path_name.find(request.json()) {
                    ::core::option::Option::Some(found) => VALUES.iter().any(|value| value.matches(found)),
                    ::core::option::Option::None => false,
                }
            })
        }
        Filter::JsonKeyExists(path) => {
            let (statics, path_name) = path_static(index, path);
            quote!({
                #statics
                #path_name.find(request.json()).is_some()
            })
        }
        Filter::Function(function) => {
            quote_spanned!(function.span()=> #private::call_filter(#function, request))
        }
    }
}

/// A `static` compiled path: its segments are constants.
fn path_static(index: usize, path: &Path) -> (TokenStream, syn::Ident) {
    let private = quote!(::webhook::__private);
    let segments_name = format_ident!("SEGMENTS_{}", index);
    let path_name = format_ident!("PATH_{}", index);
    let count = path.segments.len();
    let segments = path.segments.iter().map(|segment| match segment {
        PathSegment::Key(key) => quote!(#private::Segment::Key(#private::Cow::Borrowed(#key))),
        PathSegment::Index(position) => quote!(#private::Segment::Index(#position)),
    });
    let source = &path.source;
    (
        quote! {
            static #segments_name: [#private::Segment; #count] = [#(#segments),*];
            static #path_name: #private::JsonPath = #private::JsonPath::from_static(#source, &#segments_name);
        },
        path_name,
    )
}

fn literal(literal: &Literal) -> TokenStream {
    let private = quote!(::webhook::__private);
    match literal {
        Literal::Null => quote!(#private::JsonLiteral::Null),
        Literal::Bool(value) => quote!(#private::JsonLiteral::Bool(#value)),
        Literal::Int(value) => quote!(#private::JsonLiteral::Int(#value)),
        Literal::UInt(value) => quote!(#private::JsonLiteral::UInt(#value)),
        Literal::Float(value) => quote!(#private::JsonLiteral::Float(#value)),
        Literal::Str(value) => quote!(#private::JsonLiteral::Str(#value)),
    }
}
