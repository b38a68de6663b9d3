//! Validates the handler's signature: a free, non-generic function whose `State<T>` arguments
//! are noted (the runtime reads them from its state map) and whose `Path<T>` arguments are
//! refused on a notification handler (a notification has no path parameters).

use proc_macro2::Span;
use syn::spanned::Spanned;
use syn::{FnArg, GenericArgument, Ident, ItemFn, PathArguments, ReturnType, Type};

use super::spec::RouteKind;
use crate::ctxt::Errors;

/// One argument of the handler.
pub struct Argument {
    /// The type the user wrote.
    pub ty: Type,
    /// `T` when the type is `State<T>`.
    pub state: Option<Type>,
}

/// What the expansion needs of the handler.
pub struct HandlerSig {
    pub name: Ident,
    pub arguments: Vec<Argument>,
    /// `None` when the function returns `()`.
    pub output: Option<Type>,
}

/// The last segment of a type path, with its one generic type argument: `State<T>` gives
/// `("State", T)`.
fn generic_of(ty: &Type) -> Option<(&Ident, &Type)> {
    let Type::Path(path) = ty else { return None };
    let segment = path.path.segments.last()?;
    let PathArguments::AngleBracketed(arguments) = &segment.arguments else {
        return None;
    };
    match arguments.args.iter().collect::<Vec<_>>().as_slice() {
        [GenericArgument::Type(inner)] => Some((&segment.ident, inner)),
        _ => None,
    }
}

/// Checks the handler of a route of `kind`.
pub fn check(item: &ItemFn, kind: RouteKind, errors: &mut Errors) -> HandlerSig {
    let signature = &item.sig;
    if let Some(receiver) = signature.receiver() {
        errors.at(
            receiver.span(),
            "a handler is a free function: `#[on]` cannot be used on a method that takes `self`",
        );
    }
    if !signature.generics.params.is_empty() {
        errors.at(
            signature.generics.span(),
            "a handler cannot be generic: the macro registers one concrete function",
        );
    }
    let mut arguments = Vec::new();
    for input in &signature.inputs {
        let FnArg::Typed(typed) = input else { continue };
        let ty = (*typed.ty).clone();
        let generic = generic_of(&ty);
        if let Some((ident, _)) = generic.filter(|(ident, _)| *ident == "Path") {
            if kind == RouteKind::Notification {
                errors.at(
                    ty.span(),
                    format!(
                        "`{ident}<T>` reads the `{{param}}` segments of an HTTP route's path: a \
                         notification handler has none; read the notification with \
                         `StepReached` or `WebhookRequest<E>`"
                    ),
                );
            }
        }
        let state = generic
            .filter(|(ident, _)| *ident == "State")
            .map(|(_, inner)| inner.clone());
        arguments.push(Argument { ty, state });
    }
    let output = match &signature.output {
        ReturnType::Default => None,
        ReturnType::Type(_, ty) => Some((**ty).clone()),
    };
    if let Some((span, error)) = output.as_ref().and_then(string_error) {
        errors.at(
            span,
            format!(
                "an `Err({error})` would be answered `200 OK` with its text (a `{error}` is a \
                 response body): return `Result<T, HandlerError>` (`?` converts any error; \
                 `HandlerError::msg(text)` makes one from a message, answered `500`) or \
                 `Result<T, ApiError>` for an error with a status"
            ),
        );
    }
    HandlerSig {
        name: signature.ident.clone(),
        arguments,
        output,
    }
}

/// The error type of a `Result<T, String>` (or `&str`) return type, which axum would answer
/// `200`.
fn string_error(ty: &Type) -> Option<(Span, &'static str)> {
    let Type::Path(path) = ty else { return None };
    let segment = path.path.segments.last()?;
    if segment.ident != "Result" {
        return None;
    }
    let PathArguments::AngleBracketed(arguments) = &segment.arguments else {
        return None;
    };
    let Some(GenericArgument::Type(error)) = arguments.args.iter().nth(1) else {
        return None;
    };
    match error {
        Type::Path(path) if path.path.is_ident("String") => Some((error.span(), "String")),
        Type::Reference(reference) if matches!(&*reference.elem, Type::Path(path) if path.path.is_ident("str")) => {
            Some((error.span(), "&str"))
        }
        _ => None,
    }
}
