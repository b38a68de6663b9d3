//! Reading the literals of an argument's value: a string, an integer.

use syn::{Expr, ExprLit, ExprUnary, Lit, LitStr, UnOp};

/// The string literal `expr` is.
pub fn string(expr: &Expr) -> Option<&LitStr> {
    match expr {
        Expr::Lit(ExprLit {
            lit: Lit::Str(value),
            ..
        }) => Some(value),
        _ => None,
    }
}

/// The integer `expr` is, negative or not.
pub fn integer(expr: &Expr) -> Option<i64> {
    match expr {
        Expr::Lit(ExprLit {
            lit: Lit::Int(value),
            ..
        }) => value.base10_parse().ok(),
        Expr::Unary(ExprUnary {
            op: UnOp::Neg(_),
            expr,
            ..
        }) => integer(expr).map(|n| -n),
        _ => None,
    }
}
