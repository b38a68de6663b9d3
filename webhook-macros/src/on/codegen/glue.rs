//! Generates what stands between the user's function and the runtime: one assertion per
//! argument and one for the result (each spanned on the user's type, so a compile error lands
//! there), the handler expression (the function itself, or a closure that reads its `State<T>`
//! arguments from the state map), and the state requirements checked at start.

use proc_macro2::TokenStream;
use quote::{format_ident, quote, quote_spanned};
use syn::spanned::Spanned;
use syn::Type;

use crate::on::signature::HandlerSig;

/// The tokens of a handler's glue.
pub struct Glue {
    /// `fn __webhook_assertions() { ... }`.
    pub assertions: TokenStream,
    /// The handler given to `Route::new` / `HttpRoute::new`.
    pub handler: TokenStream,
    /// `.requires_state(...)` calls, one a `State<T>` argument.
    pub requirements: TokenStream,
}

/// The glue of `handler`.
pub fn glue(handler: &HandlerSig) -> Glue {
    let private = quote!(::webhook::__private);
    let count = handler.arguments.len();
    let arguments = handler
        .arguments
        .iter()
        .enumerate()
        .map(|(index, argument)| {
            let ty = match &argument.state {
                Some(inner) => {
                    quote_spanned!(argument.ty.span()=> #private::StoredState<#inner>)
                }
                None => {
                    let ty = &argument.ty;
                    quote!(#ty)
                }
            };
            if index + 1 == count {
                quote_spanned! {argument.ty.span()=> #private::assert_last_argument::<#ty, _>(); }
            } else {
                quote_spanned! {argument.ty.span()=> #private::assert_argument::<#ty>(); }
            }
        });
    let name = &handler.name;
    let result = match &handler.output {
        Some(Type::ImplTrait(_)) => TokenStream::new(),
        Some(ty) => quote_spanned! {ty.span()=> #private::assert_reply::<#ty>(); },
        None => quote_spanned! {name.span()=> #private::assert_reply::<()>(); },
    };
    let assertions = quote! {
        #[allow(dead_code)]
        fn __webhook_assertions() {
            #(#arguments)*
            #result
        }
    };
    let has_state = handler
        .arguments
        .iter()
        .any(|argument| argument.state.is_some());
    let handler_expr = if has_state {
        // Each argument as the closure takes it, and as the user's function receives it.
        let (params, values): (Vec<TokenStream>, Vec<TokenStream>) = handler
            .arguments
            .iter()
            .enumerate()
            .map(|(index, argument)| {
                let ident = format_ident!("__argument_{}", index);
                let ty = &argument.ty;
                match &argument.state {
                    Some(inner) => (
                        quote!(#ident: #private::StoredState<#inner>),
                        quote!(#private::state_of(#ident)),
                    ),
                    None => (quote!(#ident: #ty), quote!(#ident)),
                }
            })
            .unzip();
        quote!(|#(#params),*| #name(#(#values),*))
    } else {
        quote!(#name)
    };
    let requirements = handler
        .arguments
        .iter()
        .filter_map(|argument| argument.state.as_ref())
        .map(|inner| quote!(.requires_state(#private::state_requirement::<#inner>())));
    Glue {
        assertions,
        handler: handler_expr,
        requirements: quote!(#(#requirements)*),
    }
}
