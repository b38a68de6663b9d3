//! `#[on(...)]`: parse (`args`), validate (`validate`), generate (`codegen`).

mod args;
mod codegen;
mod glue;
mod http;
mod signature;
mod validate;

use proc_macro2::TokenStream;
use quote::quote;
use syn::spanned::Spanned;
use syn::ItemFn;

use crate::ctxt::Errors;

/// Expands `#[on(args)] item`. The user's item is always emitted, so a mistake in the attribute
/// does not bury the screen under "cannot find function" errors.
pub fn expand(args: TokenStream, item: TokenStream) -> TokenStream {
    let mut errors = Errors::default();
    let function: ItemFn = match syn::parse2(item.clone()) {
        Ok(function) => function,
        Err(_) => {
            let span = syn::parse2::<syn::Item>(item.clone())
                .map(|item| item.span())
                .unwrap_or_else(|_| proc_macro2::Span::call_site());
            errors.at(
                span,
                "`#[on]` registers a handler: it applies to a free function, such as `async fn greet(event: StepReached) -> StepReachedResponse`",
            );
            let compile_errors = errors.to_compile_errors();
            return quote!(#item #compile_errors);
        }
    };
    let spec = match syn::parse2::<args::RawArgs>(args) {
        Ok(raw) => validate::spec(raw, &mut errors),
        Err(error) => {
            errors.push(error);
            let compile_errors = errors.to_compile_errors();
            return quote!(#function #compile_errors);
        }
    };
    let handler = signature::check(&function, spec.http.is_some(), &mut errors);
    if !errors.is_empty() {
        let compile_errors = errors.to_compile_errors();
        return quote!(#function #compile_errors);
    }
    let registration = codegen::registration(&spec, &handler);
    quote! {
        #function
        #registration
    }
}
