//! Procedural macros of the `webhook` crate: `#[on(...)]` registers a handler,
//! `#[authenticator]` the webhook's authenticator, `main!()` serves every registered handler. Use them through `webhook` (`webhook::on`, `webhook::main!`); the
//! generated code refers to the runtime through `::webhook::__private`.
//!
//! Each macro parses (`on/args.rs`, `main_macro.rs`), validates (`on/validate.rs`), then
//! generates (`on/codegen.rs`); errors are collected and reported together (`ctxt.rs`). The
//! syntax checks the runtime makes too (JSON paths, CEL filters, step ids, route paths) are
//! the `webhook-core` crate's, so both report the same mistakes.

mod authenticator;
mod ctxt;
mod debug;
mod main_macro;
mod on;
mod suggest;

use proc_macro::TokenStream;

/// Registers a function as the handler of an event, with filters checked at compile time.
///
/// See the `webhook` crate's documentation of `on` for the arguments.
#[proc_macro_attribute]
pub fn on(args: TokenStream, item: TokenStream) -> TokenStream {
    let expanded = on::expand(args.into(), item.into());
    debug::print("#[on]", &expanded);
    expanded.into()
}

/// Registers a function as the webhook's authenticator, picked up by
/// `Webhook::from_registry()` and `main!()`.
///
/// ```ignore
/// #[authenticator]
/// async fn platform(request: &RequestHead) -> Result<Option<Identity>, ApiError> { … }
/// ```
///
/// The function is async or not, takes one `&RequestHead`, and returns `()`/`None` (accept
/// anyone), an `Identity<U>` or `(Credentials, U)` (accepted when the user is authenticated,
/// `403` otherwise; handlers receive it as `Identity<U>`), an `Option` of one, or a `Result` of
/// any of these (`Err(ApiError)` is answered as is, any other error is a logged `500`). The
/// attribute takes no arguments; a program has at most one (`from_registry()` names both
/// otherwise). To give one route its own authenticator, name a plain function in
/// `#[on(..., auth = function)]`. See `webhook::auth`.
#[proc_macro_attribute]
pub fn authenticator(args: TokenStream, item: TokenStream) -> TokenStream {
    let expanded = authenticator::expand(args.into(), item.into());
    debug::print("#[authenticator]", &expanded);
    expanded.into()
}

/// Writes the program's `main`: settings from the environment and the command line, every
/// `#[on]` handler, logging, and a server with graceful shutdown.
#[proc_macro]
pub fn main(input: TokenStream) -> TokenStream {
    let expanded = main_macro::expand(input.into());
    debug::print("main!", &expanded);
    expanded.into()
}
