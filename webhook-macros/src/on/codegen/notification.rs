//! The registration of a Clustaar notification route: `Route::new(event, handler)` with its
//! filter struct, its own authenticator and its state requirements.

use proc_macro2::TokenStream;
use quote::{quote, quote_spanned};
use syn::spanned::Spanned;

use super::filters::filter_struct;
use super::glue::glue;
use super::record::{identity, submit};
use crate::on::signature::HandlerSig;
use crate::on::spec::{Filter, Spec};

/// The registration of `handler` for the notifications of `event`.
pub fn registration(
    spec: &Spec,
    event: &str,
    auth: Option<&syn::Path>,
    handler: &HandlerSig,
) -> TokenStream {
    let private = quote!(::clustaar_webhook::__private);
    let name_text = handler.name.to_string();
    let priority = spec.priority;
    let mut keys: Vec<String> = spec.filters.iter().map(Filter::key).collect();
    keys.sort();
    let filters_text = keys.join(", ");
    let (filter_items, filter_value) = if spec.filters.is_empty() {
        (TokenStream::new(), quote!(()))
    } else {
        (
            filter_struct(&spec.filters, &filters_text),
            quote!(__WebhookFilter),
        )
    };
    let glue = glue(handler);
    let checks = &glue.checks;
    let handler_expr = &glue.handler;
    let requirements = &glue.requirements;
    let authenticator = auth.map(|path| {
        quote_spanned! {path.span()=> .authenticator(#path) }
    });
    let identity = identity(&name_text, priority);
    let record = submit(
        &quote!(#private::Registration),
        &quote!(#private::Served::Topic(#event)),
        &name_text,
        priority,
        &filters_text,
    );
    quote! {
        const _: () = {
            #filter_items
            fn __webhook_route() -> #private::Route<#private::StateMap> {
                #checks
                #private::Route::new(#event, #handler_expr)
                    .filter(#filter_value)
                    #identity
                    #authenticator
                    #requirements
            }

            #record
        };
    }
}
