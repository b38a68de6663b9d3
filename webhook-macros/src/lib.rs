//! Procedural macros of the `clustaar-webhook` crate: `#[on(...)]` registers a handler,
//! `#[authenticator]` the webhook's authenticator, `main!()` serves every registered handler. Use them through `webhook` (`clustaar_webhook::on`, `clustaar_webhook::main!`); the
//! generated code refers to the runtime through `::clustaar_webhook::__private`.
//!
//! Each macro parses (`on/args.rs`, `main_macro.rs`), validates (`on/validate/`,
//! `on/signature.rs`), then generates (`on/codegen/`); errors are collected and reported
//! together (`ctxt.rs`). The
//! syntax checks the runtime makes too (JSON paths, CEL filters, step ids, route paths) are
//! the `clustaar-webhook-core` crate's, so both report the same mistakes.

#![warn(missing_docs)]

mod authenticator;
mod ctxt;
mod debug;
mod main_macro;
mod on;
mod suggest;

use proc_macro::TokenStream;

/// Registers a function as the handler of an event, with filters checked at compile time.
///
/// ```ignore
/// #[on(step_reached, step_id = "507f191e810c19729de860ea")]
/// async fn greet(event: StepReached) -> StepReachedResponse { StepReachedResponse::new() }
///
/// #[on(http(post), path = "/github", filter = r#"data.headers["X-GitHub-Event"] == "push""#)]
/// fn push(event: HttpEvent) -> StatusCode { StatusCode::NO_CONTENT }
/// ```
///
/// | argument | meaning |
/// |---|---|
/// | `step_reached` | the event: `conversation.step_reached` |
/// | `event = "any.topic"` | another topic, for events the crate does not name |
/// | `step_id = "…"`, `step_id = ["…", "…"]` | `data.step.id` is one of these ObjectIDs (24 lowercase hex digits) |
/// | `json_key_equals(path, value)` | the value at `path` equals the JSON literal `value` |
/// | `json_key_in(path, [values])` | the value at `path` is one of the literals |
/// | `json_key_exists(path)` | the key is present (a `null` counts) |
/// | `filter = some::function` | a `fn(&Request) -> bool` of yours passes |
/// | `priority = N` | among filtered routes, higher first (default `0`) |
/// | `auth = function` | the route's own authenticator, after the webhook's (notifications only) |
/// | `http`, `http(post)`, `http(get, post)` | an HTTP route, for any method or these (`get` brings `HEAD`) |
/// | `path = "/hooks/{slug}"` | the HTTP route's path (required with `http`) |
/// | `filter = "<CEL>"` | an HTTP route's CEL filter, checked at compile time |
/// | `verify = function` | `fn() -> impl Verify`, called once at start: the HTTP route's signature check |
///
/// Several filters must all pass. The function is async or not; its arguments are axum
/// extractors (`FromRequestParts`, the last one `FromRequest`), its result implements
/// `IntoResponse`. A `State<T>` argument reads a `main!(state = ...)` value (a missing one stops
/// the program at start); `Path<T>` is refused on a notification handler, and a
/// `Result<T, String>` result everywhere (its `Err` would be answered `200`). Every mistake is
/// a compile error at the offending token (the snapshots in `tests/ui/`).
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
/// async fn platform(request: &RequestHead) -> Result<Option<Identity>, ApiError> { Ok(None) }
/// ```
///
/// The function is async or not, takes one `&RequestHead`, and returns `()`/`None` (accept
/// anyone), an `Identity<U>` or `(Credentials, U)` (accepted when the user is authenticated,
/// `403` otherwise; handlers receive it as `Identity<U>`), an `Option` of one, or a `Result` of
/// any of these (`Err(ApiError)` is answered as is, any other error is a logged `500`). The
/// attribute takes no arguments; a program has at most one (`from_registry()` names both
/// otherwise). To give one route its own authenticator, name a plain function in
/// `#[on(..., auth = function)]`. See `clustaar_webhook::auth`.
#[proc_macro_attribute]
pub fn authenticator(args: TokenStream, item: TokenStream) -> TokenStream {
    let expanded = authenticator::expand(args.into(), item.into());
    debug::print("#[authenticator]", &expanded);
    expanded.into()
}

/// Writes the program's `main`: settings from the environment and the command line, every
/// `#[on]` handler, logging, and a server with graceful shutdown. Its `--help` opens with the
/// bot's package: name, version and description (its `Cargo.toml`'s), then its commands and
/// options.
#[proc_macro]
pub fn main(input: TokenStream) -> TokenStream {
    let expanded = main_macro::expand(input.into());
    debug::print("main!", &expanded);
    expanded.into()
}
