//! Generates what stands between the user's function and the runtime: the handler (the function
//! itself, or a closure that reads its `State<T>` arguments from the state map), handed through
//! one check an argument (for a `State<T>`, a check of `T`) and one for the result before it
//! reaches `Route::new` / `HttpRoute::new`, and the state requirements checked at start.
//!
//! Each check is spanned on the user's type, from its first token to its last, so a wrong type is
//! one compile error there; how a failed check keeps the route's own `Handler` bound from being
//! reported a second time is explained in the runtime's `handler_checks.rs`.

use proc_macro2::{Ident, Span, TokenStream, TokenTree};
use quote::{format_ident, quote, quote_spanned, ToTokens};
use syn::spanned::Spanned;
use syn::Type;

use crate::on::signature::HandlerSig;

/// The tokens of a handler's glue.
pub struct Glue {
    /// Statements that bind the handler and hand it through the checks.
    pub checks: TokenStream,
    /// The checked handler, given to `Route::new` / `HttpRoute::new`.
    pub handler: TokenStream,
    /// `.requires_state(...)` calls, one a `State<T>` argument.
    pub requirements: TokenStream,
}

/// The glue of `handler`.
pub fn glue(handler: &HandlerSig) -> Glue {
    let private = quote!(::clustaar_webhook::__private);
    let count = handler.arguments.len();
    let arguments = handler
        .arguments
        .iter()
        .enumerate()
        .map(|(index, argument)| {
            if let Some(inner) = &argument.state {
                let (first, last) = ends(inner);
                return check("assert_state", &inner.to_token_stream(), 2, first, last);
            }
            let (first, last) = ends(&argument.ty);
            let ty = argument.ty.to_token_stream();
            if index + 1 == count {
                check("assert_last_argument", &ty, 2, first, last)
            } else {
                check("assert_argument", &ty, 1, first, last)
            }
        });
    let name = &handler.name;
    let result = match &handler.output {
        Some(Type::ImplTrait(_)) => TokenStream::new(),
        Some(ty) => {
            let (first, last) = ends(ty);
            check("assert_reply", &ty.to_token_stream(), 2, first, last)
        }
        None => check("assert_reply", &quote!(()), 2, name.span(), name.span()),
    };
    let function = function(handler);
    let checks = quote! {
        let __webhook_handler = #function;
        #(#arguments)*
        #result
    };
    let requirements = handler
        .arguments
        .iter()
        .filter_map(|argument| argument.state.as_ref())
        .map(|inner| quote!(.requires_state(#private::state_requirement::<#inner>())));
    // Spanned on the function's name: an error of the route's own `Handler` bound (a future that
    // is not `Send`, say) points there.
    let checked = Ident::new("__webhook_handler", name.span());
    Glue {
        checks,
        handler: quote!(#checked),
        requirements: quote!(#(#requirements)*),
    }
}

/// `let __webhook_handler = ::clustaar_webhook::__private::function::<ty, _...>(__webhook_handler);`
/// with `inferred` placeholders, every token spanned on the checked type (`first` to `last`):
/// the call, and so an error at it, covers that type and nothing else.
fn check(
    function: &str,
    ty: &TokenStream,
    inferred: usize,
    first: Span,
    last: Span,
) -> TokenStream {
    let function = Ident::new(function, first);
    let inferred = (0..inferred).map(|_| quote_spanned!(first=> , _));
    let call = quote_spanned! {first=>
        let __webhook_handler = ::clustaar_webhook::__private::#function::<#ty #(#inferred)*>
    };
    let arguments = quote_spanned!(last=> (__webhook_handler););
    quote!(#call #arguments)
}

/// The function itself, or a closure that reads its `State<T>` arguments from the state map.
fn function(handler: &HandlerSig) -> TokenStream {
    let private = quote!(::clustaar_webhook::__private);
    let name = &handler.name;
    if handler
        .arguments
        .iter()
        .all(|argument| argument.state.is_none())
    {
        return quote!(#name);
    }
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
}

/// The spans of the first and the last token of `ty` (a span cannot be joined on stable).
fn ends(ty: &Type) -> (Span, Span) {
    let span = |token: &TokenTree, open: bool| match token {
        TokenTree::Group(group) if open => group.span_open(),
        TokenTree::Group(group) => group.span_close(),
        other => other.span(),
    };
    let tokens: Vec<TokenTree> = ty.to_token_stream().into_iter().collect();
    match (tokens.first(), tokens.last()) {
        (Some(first), Some(last)) => (span(first, true), span(last, false)),
        _ => (ty.span(), ty.span()),
    }
}
