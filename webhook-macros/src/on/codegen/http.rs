//! The registration of an HTTP route: `HttpRoute::new(methods, path, handler)` with its CEL
//! filter and filter struct, its signature check and its state requirements.

use proc_macro2::TokenStream;
use quote::{format_ident, quote, quote_spanned};
use syn::spanned::Spanned;

use super::filters::filter_struct;
use super::glue::glue;
use super::record::{identity, submit};
use crate::on::signature::HandlerSig;
use crate::on::spec::{Filter, HttpRoute, KeySource, Spec};

/// The registration of `handler` for `route`.
pub fn registration(spec: &Spec, route: &HttpRoute, handler: &HandlerSig) -> TokenStream {
    let private = quote!(::clustaar_webhook::__private);
    let name_text = handler.name.to_string();
    let priority = spec.priority;
    let path = &route.path;
    let methods = match &route.methods {
        None => quote!(#private::Methods::Any),
        Some(methods) => {
            let idents = methods.iter().map(|method| format_ident!("{}", method));
            quote!(#private::Methods::Only(::std::vec![#(#private::Method::#idents),*]))
        }
    };
    let method_names = route.methods.iter().flatten();
    let served = quote!(#private::Served::Http { methods: &[#(#method_names),*], path: #path });
    let mut keys: Vec<String> = spec.filters.iter().map(Filter::key).collect();
    if let Some(cel) = &route.cel {
        keys.push(format!("filter = {:?}", cel.value()));
    }
    // Routes of one path split a sender's events: two of them take different requests.
    if let Some(event) = &route.event {
        keys.push(format!("event = {event:?}"));
    }
    keys.sort();
    let filters_text = keys.join(", ");
    let mut filter_values = Vec::new();
    if let Some(cel) = &route.cel {
        filter_values.push(quote!(::std::boxed::Box::new(#private::cel_filter(#cel)) as ::std::boxed::Box<dyn #private::Filter>));
    }
    let filter_items = if spec.filters.is_empty() {
        TokenStream::new()
    } else {
        filter_values.push(quote!(::std::boxed::Box::new(__WebhookFilter) as ::std::boxed::Box<dyn #private::Filter>));
        filter_struct(&spec.filters, &filters_text)
    };
    let glue = glue(handler);
    let checks = &glue.checks;
    let handler_expr = &glue.handler;
    let requirements = &glue.requirements;
    let verify = route.verify.as_ref().map(
        |function| quote_spanned!(function.span()=> .verify(#private::call_verify(#function))),
    );
    let sender = route.sender.as_ref().map(|sender| {
        let preset = sender.preset.as_str();
        let variable = &sender.variable;
        quote_spanned!(sender.preset.span()=> .sender_or_error(#private::sender_from_env(#preset, #variable)))
    });
    let event = route.event.as_ref().map(|event| quote!(.event(#event)));
    let durable = route.durable.as_ref().map(|key| {
        let key = key.iter().map(|key| match key {
            KeySource::Header(header) => {
                quote_spanned!(header.span()=> .idempotency_header(#header))
            }
            KeySource::Json(path) => quote_spanned!(path.span()=> .idempotency_json(#path)),
            KeySource::Cel(source) => quote_spanned!(source.span()=> .idempotency_cel(#source)),
        });
        let attempts = route
            .max_attempts
            .iter()
            .map(|attempts| quote_spanned!(attempts.span()=> .max_attempts(#attempts)));
        quote!(.durable(#private::Durable::new() #(#key)* #(#attempts)*))
    });
    let identity = identity(&name_text, priority);
    let record = submit(
        &quote!(#private::HttpRegistration),
        &served,
        &name_text,
        priority,
        &filters_text,
    );
    quote! {
        const _: () = {
            #filter_items

            fn __webhook_route() -> #private::HttpRoute<#private::StateMap> {
                #checks
                let filters: ::std::vec::Vec<::std::boxed::Box<dyn #private::Filter>> = ::std::vec![#(#filter_values),*];
                #private::HttpRoute::new(#methods, #path, #handler_expr)
                    .filter(filters)
                    #verify
                    #sender
                    #event
                    #durable
                    #identity
                    #requirements
            }

            #record
        };
    }
}
