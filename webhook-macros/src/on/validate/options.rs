//! The options of a route besides its filters: the priority, and a notification route's own
//! authenticator.

use syn::spanned::Spanned;
use syn::Expr;

use super::literals::integer;
use crate::ctxt::Errors;
use crate::on::spanned::Sp;

/// The options, as the arguments give them.
#[derive(Default)]
pub struct Options {
    pub priority: Option<Sp<i32>>,
    pub auth: Option<syn::Path>,
}

impl Options {
    /// `priority = N`, an `i32`.
    pub fn priority(&mut self, name: &Sp<String>, value: &Expr, errors: &mut Errors) {
        if self.priority.is_some() {
            errors.at(name.span(), "duplicated argument `priority`");
            return;
        }
        match integer(value).and_then(|n| i32::try_from(n).ok()) {
            Some(n) => self.priority = Some(Sp::new(n, name.span())),
            None => errors.at(
                value.span(),
                "`priority` is an integer (an `i32`), e.g. `priority = 10` or `priority = -1`",
            ),
        }
    }

    /// `auth = function`.
    pub fn auth(&mut self, name: &Sp<String>, value: Expr, errors: &mut Errors) {
        match value {
            Expr::Path(path) if path.qself.is_none() => {
                if self.auth.is_some() {
                    errors.at(
                        name.span(),
                        "duplicated argument `auth`: a route has one authenticator",
                    );
                } else {
                    self.auth = Some(path.path);
                }
            }
            other => errors.at(
                other.span(),
                "`auth` is the path of an authenticator function `fn(&RequestHead) -> …`, e.g. `auth = check_token`",
            ),
        }
    }
}
