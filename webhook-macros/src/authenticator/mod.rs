//! `#[authenticator]`: validate the function (`validate`), then generate its registration
//! (`codegen`). The attribute takes no arguments.

mod codegen;
mod validate;

use proc_macro2::TokenStream;
use quote::quote;
use syn::spanned::Spanned;
use syn::ItemFn;

use crate::ctxt::Errors;

/// Expands `#[authenticator(args)] item`. The user's item is always emitted, so a mistake does
/// not bury the screen under "cannot find function" errors.
pub fn expand(args: TokenStream, item: TokenStream) -> TokenStream {
    let mut errors = Errors::default();
    if !args.is_empty() {
        errors.at(
            args.span(),
            "`#[authenticator]` takes no arguments\n  to give one route its own authenticator, write `#[on(..., auth = function)]` on its handler",
        );
    }
    let function: ItemFn = match syn::parse2(item.clone()) {
        Ok(function) => function,
        Err(_) => {
            let span = syn::parse2::<syn::Item>(item.clone())
                .map(|item| item.span())
                .unwrap_or_else(|_| proc_macro2::Span::call_site());
            errors.at(
                span,
                "`#[authenticator]` applies to a free function, such as `async fn auth(request: &RequestHead) -> Option<Identity>`",
            );
            let compile_errors = errors.to_compile_errors();
            return quote!(#item #compile_errors);
        }
    };
    let signature = validate::signature(&function, &mut errors);
    if !errors.is_empty() {
        let compile_errors = errors.to_compile_errors();
        return quote!(#function #compile_errors);
    }
    let registration = codegen::registration(&signature);
    quote! {
        #function
        #registration
    }
}
