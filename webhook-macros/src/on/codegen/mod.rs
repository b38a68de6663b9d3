//! Generation: the tokens `#[on]` adds after the user's function, from a validated
//! [`Spec`] and the handler's signature. Both kinds of route are generated here (`notification`,
//! `http`) from what they share: the filter struct (`filters`), the handler glue (`glue`) and
//! the `inventory` record (`record`). Nothing here validates: every mistake of the user's was
//! reported before, or is left to the type checker at the spans the glue chose.

mod filters;
mod glue;
mod http;
mod notification;
mod record;

use proc_macro2::TokenStream;

use crate::on::signature::HandlerSig;
use crate::on::spec::{Kind, Spec};

/// The registration of `handler` for `spec`.
pub fn registration(spec: &Spec, handler: &HandlerSig) -> TokenStream {
    match &spec.kind {
        Kind::Notification { event, auth } => {
            notification::registration(spec, event, auth.as_ref(), handler)
        }
        Kind::Http(route) => http::registration(spec, route, handler),
    }
}
