//! The JSON paths and JSON literals of filters, checked with the runtime's own path syntax
//! (`clustaar_webhook_core::json_path`).

use clustaar_webhook_core::json_path::parse_path;
use syn::spanned::Spanned;
use syn::{Expr, ExprLit, ExprUnary, Lit, UnOp};

use super::literals::string;
use crate::ctxt::Errors;
use crate::on::spec::{JsonPath, Literal};

/// A JSON path string such as `"data.step.actions[0].type"`.
pub fn json_path(expr: &Expr, errors: &mut Errors) -> Option<JsonPath> {
    let Some(source) = string(expr) else {
        errors.at(
            expr.span(),
            "expected a JSON path string, e.g. \"data.step.id\" or \"data.step.actions[0].type\"",
        );
        return None;
    };
    match parse_path(&source.value()) {
        Ok(segments) => Some(JsonPath {
            source: source.clone(),
            segments,
        }),
        Err((position, reason)) => {
            errors.at(
                source.span(),
                format!(
                    "invalid JSON path `{}`: {reason} (at position {position})\n  a path is dotted fields with optional indexes, e.g. \"data.step.actions[0].type\"",
                    source.value()
                ),
            );
            None
        }
    }
}

/// A JSON scalar: a string, a number, `true`, `false` or `null`.
pub fn json_literal(expr: &Expr, errors: &mut Errors) -> Option<Literal> {
    let parsed = match expr {
        Expr::Lit(ExprLit { lit, .. }) => match lit {
            Lit::Str(value) => Some(Literal::Str(value.value())),
            Lit::Bool(value) => Some(Literal::Bool(value.value)),
            Lit::Int(value) => value.base10_parse::<u64>().ok().map(Literal::UInt),
            Lit::Float(value) => value
                .base10_parse::<f64>()
                .ok()
                .filter(|value| value.is_finite())
                .map(Literal::Float),
            _ => None,
        },
        Expr::Unary(ExprUnary {
            op: UnOp::Neg(_),
            expr: inner,
            ..
        }) => match &**inner {
            Expr::Lit(ExprLit {
                lit: Lit::Int(value),
                ..
            }) => value.base10_parse::<i64>().ok().map(|n| Literal::Int(-n)),
            Expr::Lit(ExprLit {
                lit: Lit::Float(value),
                ..
            }) => value.base10_parse::<f64>().ok().map(|n| Literal::Float(-n)),
            _ => None,
        },
        Expr::Path(path) if path.path.is_ident("null") => Some(Literal::Null),
        _ => None,
    };
    if parsed.is_none() {
        errors.at(
            expr.span(),
            "expected a JSON literal: a string, a number, `true`, `false` or `null`",
        );
    }
    parsed
}
