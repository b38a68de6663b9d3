//! `#[on(...)]`, in three steps:
//!
//! - **parse** (`args`): the syntax of the arguments, and the one table of those accepted;
//! - **validate** (`validate/`, `signature`): what the arguments mean, into a [`spec::Spec`] whose
//!   kind of route is decided once, and the handler's signature;
//! - **generate** (`codegen/`): the registration of either kind, from the `Spec`.
//!
//! Dependencies go one way: `validate` reads `args` and builds `spec`; `signature` reads `spec`;
//! `codegen` reads `spec` and `signature`, never `args` or `validate`.

mod args;
mod codegen;
mod signature;
mod spanned;
mod spec;
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
    let validated = match syn::parse2::<args::RawArgs>(args) {
        Ok(raw) => validate::spec(raw, &mut errors),
        Err(error) => {
            errors.push(error);
            let compile_errors = errors.to_compile_errors();
            return quote!(#function #compile_errors);
        }
    };
    let handler = signature::check(&function, validated.kind, &mut errors);
    match validated.spec {
        Some(spec) if errors.is_empty() => {
            let registration = codegen::registration(&spec, &handler);
            quote! {
                #function
                #registration
            }
        }
        _ => {
            let compile_errors = errors.to_compile_errors();
            quote!(#function #compile_errors)
        }
    }
}
