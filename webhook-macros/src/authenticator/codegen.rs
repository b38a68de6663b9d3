//! The tokens `#[authenticator]` adds after the user's function: a wrapper with the erased
//! authenticator's signature, whose calls are spanned on the user's argument and return types
//! so a type error lands there, and the `inventory` registration.

use proc_macro2::TokenStream;
use quote::{quote, quote_spanned};
use syn::spanned::Spanned;

use super::validate::AuthenticatorSig;

/// The registration of the authenticator `function`.
pub fn registration(function: &AuthenticatorSig) -> TokenStream {
    let private = quote!(::clustaar_webhook::__private);
    let name = &function.name;
    let name_text = name.to_string();
    let call = quote_spanned! {function.argument.span()=> #name(request) };
    let result = if function.is_async {
        quote!(#call.await)
    } else {
        call
    };
    // Every token of the call is spanned on the return type (the path too, not `#private`),
    // so "cannot be returned by an authenticator" points there.
    let span = function
        .output
        .as_ref()
        .map_or_else(|| name.span(), |ty| ty.span());
    let outcome = quote_spanned! {span=>
        let __webhook_result = #result;
        ::clustaar_webhook::__private::auth_outcome(__webhook_result)
    };
    quote! {
        const _: () = {
            // An authenticator returning `()` makes the binding a unit: that is expected.
            #[allow(clippy::let_unit_value)]
            fn __webhook_authenticate<'a>(
                request: &'a #private::RequestHead,
            ) -> #private::AuthFuture<'a> {
                ::std::boxed::Box::pin(async move { #outcome })
            }

            fn __webhook_authenticator() -> #private::SharedAuthenticator {
                #private::share_authenticator(__webhook_authenticate)
            }

            #private::inventory::submit! {
                #private::AuthenticatorRegistration {
                    name: #name_text,
                    module: ::core::module_path!(),
                    file: ::core::file!(),
                    line: ::core::line!(),
                    build: __webhook_authenticator,
                }
            }
        };
    }
}
