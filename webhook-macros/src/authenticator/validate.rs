//! Whether an `#[authenticator]` function has an authenticator's shape: a free, non-generic
//! function of one argument taken by reference (the `RequestHead`).

use syn::spanned::Spanned;
use syn::{FnArg, Ident, ItemFn, ReturnType, Type};

use crate::ctxt::Errors;

/// The function's signature, as far as the macro checks it.
pub struct AuthenticatorSig {
    pub name: Ident,
    pub is_async: bool,
    /// The type of the request argument.
    pub argument: Type,
    /// `None` when the function returns `()`.
    pub output: Option<Type>,
}

const SHAPE: &str = "`async fn auth(request: &RequestHead) -> Option<Identity>` (async or not)";

/// Checks the function.
pub fn signature(item: &ItemFn, errors: &mut Errors) -> AuthenticatorSig {
    let signature = &item.sig;
    if let Some(receiver) = signature.receiver() {
        errors.at(
            receiver.span(),
            format!("an authenticator is a free function: `#[authenticator]` cannot be used on a method that takes `self`\n  write {SHAPE}"),
        );
    }
    if !signature.generics.params.is_empty() {
        errors.at(
            signature.generics.span(),
            "an authenticator cannot be generic: the macro registers one concrete function",
        );
    }
    let typed: Vec<&syn::PatType> = signature
        .inputs
        .iter()
        .filter_map(|input| match input {
            FnArg::Typed(typed) => Some(typed),
            FnArg::Receiver(_) => None,
        })
        .collect();
    let argument = match typed.as_slice() {
        [only] => {
            if !matches!(&*only.ty, Type::Reference(reference) if reference.mutability.is_none()) {
                errors.at(
                    only.ty.span(),
                    format!("an authenticator takes the request by shared reference, `request: &RequestHead`\n  write {SHAPE}"),
                );
            }
            (*only.ty).clone()
        }
        _ => {
            let span = if signature.inputs.is_empty() {
                signature.paren_token.span.join()
            } else {
                signature.inputs.span()
            };
            errors.at(
                span,
                format!(
                    "an authenticator takes one argument, the request, not {}\n  write {SHAPE}",
                    typed.len()
                ),
            );
            syn::parse_quote!(&::clustaar_webhook::__private::RequestHead)
        }
    };
    AuthenticatorSig {
        name: signature.ident.clone(),
        is_async: signature.asyncness.is_some(),
        argument,
        output: match &signature.output {
            ReturnType::Default => None,
            ReturnType::Type(_, ty) => Some((**ty).clone()),
        },
    }
}
