//! The filter struct of a route: a unit struct whose `matches` tests every filter, with the
//! ids, compiled JSON paths and literal values as constants (nothing is parsed at start or per
//! request), and whose `Debug` is the filters' text.

use clustaar_webhook_core::json_path::PathSegment;
use proc_macro2::TokenStream;
use quote::{format_ident, quote, quote_spanned};
use syn::spanned::Spanned;

use crate::on::spec::{Filter, JsonPath, Literal};

/// `struct __WebhookFilter` and its `Filter` and `Debug` impls, for `filters` (not empty).
pub fn filter_struct(filters: &[Filter], description: &str) -> TokenStream {
    let private = quote!(::clustaar_webhook::__private);
    let conditions = filters
        .iter()
        .enumerate()
        .map(|(index, filter)| condition(index, filter));
    let step_ids = match filters {
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
    let private = quote!(::clustaar_webhook::__private);
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
fn path_static(index: usize, path: &JsonPath) -> (TokenStream, syn::Ident) {
    let private = quote!(::clustaar_webhook::__private);
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
    let private = quote!(::clustaar_webhook::__private);
    match literal {
        Literal::Null => quote!(#private::JsonLiteral::Null),
        Literal::Bool(value) => quote!(#private::JsonLiteral::Bool(#value)),
        Literal::Int(value) => quote!(#private::JsonLiteral::Int(#value)),
        Literal::UInt(value) => quote!(#private::JsonLiteral::UInt(#value)),
        Literal::Float(value) => quote!(#private::JsonLiteral::Float(#value)),
        Literal::Str(value) => quote!(#private::JsonLiteral::Str(#value)),
    }
}
