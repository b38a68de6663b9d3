//! `sender = stripe(secret = env("STRIPE_WEBHOOK_SECRET"))`: a provider's preset, named and
//! given the kind of key it takes, checked against the presets of `clustaar_webhook_core::senders`; and
//! the route's `event = "invoice.paid"`, checked against the provider's published catalogue.

use clustaar_webhook_core::senders::{catalogue, from_ident, key_kind, KeyKind, PRESETS};
use syn::spanned::Spanned;
use syn::{Expr, ExprAssign, ExprCall, ExprPath, LitStr};

use super::literals::string;
use crate::ctxt::Errors;
use crate::on::spanned::Sp;
use crate::on::spec::SenderSpec;
use crate::suggest::did_you_mean;

const USAGE: &str =
    "`sender` is written `sender = stripe(secret = env(\"STRIPE_WEBHOOK_SECRET\"))` \
                     (a preset, and the environment variable holding its secret; \
                     `public_key = env(\"...\")` for `discord` and `sendgrid`)";

/// Reads `sender = preset(key = env("VARIABLE"))`.
pub fn sender(value: &Expr, errors: &mut Errors) -> Option<SenderSpec> {
    let Expr::Call(ExprCall { func, args, .. }) = value else {
        errors.at(value.span(), USAGE);
        return None;
    };
    let Some(ident) = ident_of(func) else {
        errors.at(func.span(), USAGE);
        return None;
    };
    let name = from_ident(&ident.to_string());
    let Some(kind) = key_kind(&name) else {
        let names: Vec<String> = PRESETS.iter().map(|(n, _)| n.replace('-', "_")).collect();
        let names: Vec<&str> = names.iter().map(String::as_str).collect();
        errors.at(
            ident.span(),
            format!(
                "unknown sender preset `{ident}`{}\n  presets: {}",
                did_you_mean(&ident.to_string(), &names),
                names.join(", ")
            ),
        );
        return None;
    };
    let expected = match kind {
        KeyKind::Secret => "secret",
        KeyKind::PublicKey => "public_key",
    };
    let [argument] = args.iter().collect::<Vec<_>>()[..] else {
        errors.at(
            args.span(),
            format!("`{ident}` takes one argument: `{ident}({expected} = env(\"VARIABLE\"))`"),
        );
        return None;
    };
    let Expr::Assign(ExprAssign { left, right, .. }) = argument else {
        errors.at(
            argument.span(),
            format!("write `{ident}({expected} = env(\"VARIABLE\"))`"),
        );
        return None;
    };
    let key = ident_of(left).map(|key| key.to_string());
    match key.as_deref() {
        Some(given) if given == expected => {}
        Some(given @ ("secret" | "public_key")) => {
            let why = match kind {
                KeyKind::Secret => format!("`{ident}` signs with a shared secret"),
                KeyKind::PublicKey => {
                    format!("`{ident}` signs with a private key and is checked with its public key")
                }
            };
            errors.at(
                left.span(),
                format!(
                    "`{ident}` takes `{expected}`, not `{given}`: {why}; write `{ident}({expected} = env(\"...\"))`"
                ),
            );
            return None;
        }
        _ => {
            errors.at(
                left.span(),
                format!("`{ident}` takes `{expected} = env(\"VARIABLE\")`"),
            );
            return None;
        }
    }
    let variable = env_variable(right, errors)?;
    Some(SenderSpec {
        preset: Sp::new(name, ident.span()),
        variable,
    })
}

/// `env("VARIABLE")`: secrets are read from the environment, never written in the code.
fn env_variable(value: &Expr, errors: &mut Errors) -> Option<LitStr> {
    let usage =
        "a key is read from the environment: `env(\"VARIABLE\")` (never written in the code)";
    let Expr::Call(ExprCall { func, args, .. }) = value else {
        errors.at(value.span(), usage);
        return None;
    };
    if ident_of(func).is_none_or(|ident| ident != "env") || args.len() != 1 {
        errors.at(value.span(), usage);
        return None;
    }
    match args.first().and_then(string) {
        Some(variable) if !variable.value().trim().is_empty() => Some(variable.clone()),
        _ => {
            errors.at(args.span(), usage);
            None
        }
    }
}

fn ident_of(expr: &Expr) -> Option<&syn::Ident> {
    match expr {
        Expr::Path(ExprPath {
            path, qself: None, ..
        }) => path.get_ident(),
        _ => None,
    }
}

/// `event = "invoice.paid"` on a route with `preset`: a name of the provider's catalogue, where
/// it publishes one.
pub fn event(preset: &str, event: &Sp<String>, errors: &mut Errors) {
    let Some(known) = catalogue::catalogue(preset) else {
        return;
    };
    if !known.contains(&event.as_str()) {
        errors.at(
            event.span(),
            format!(
                "unknown {preset} event `{}`{}\n  the {preset} preset reads the event types of the provider's catalogue ({} names)",
                event.as_str(),
                did_you_mean(event, known),
                known.len()
            ),
        );
    }
}
