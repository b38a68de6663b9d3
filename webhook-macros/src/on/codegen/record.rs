//! What the registrations of both kinds of route share: the calls that name the route, and its
//! `inventory` record (what `Webhook::from_registry()` and the route table read).

use proc_macro2::TokenStream;
use quote::quote;

/// `.priority(..).name(..).location(..)` on the route being built.
pub fn identity(name: &str, priority: i32) -> TokenStream {
    quote! {
        .priority(#priority)
        .name(#name)
        .location(::core::concat!(::core::file!(), ":", ::core::line!()))
    }
}

/// The `inventory::submit!` of a `record` type (`Registration` or `HttpRegistration`) whose
/// `route` is the `__webhook_route` function.
pub fn submit(
    record: &TokenStream,
    served: &TokenStream,
    name: &str,
    priority: i32,
    filters: &str,
) -> TokenStream {
    let private = quote!(::clustaar_webhook::__private);
    quote! {
        #private::inventory::submit! {
            #record {
                served: #served,
                name: #name,
                module: ::core::module_path!(),
                file: ::core::file!(),
                line: ::core::line!(),
                priority: #priority,
                filters: #filters,
                route: __webhook_route,
            }
        }
    }
}
