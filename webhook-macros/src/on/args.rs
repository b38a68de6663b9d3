//! The syntax of `#[on(...)]`: a comma-separated list of `name`, `name = value` and
//! `name(arguments)`. What the names mean is checked in `validate.rs`.

use proc_macro2::Span;
use syn::parse::{Parse, ParseStream};
use syn::punctuated::Punctuated;
use syn::{parenthesized, Expr, Ident, Token};

/// One argument as written.
pub struct RawArg {
    /// The argument's name.
    pub name: Ident,
    /// What follows the name.
    pub form: Form,
}

/// The three forms an argument takes.
pub enum Form {
    /// `name`
    Bare,
    /// `name = value`
    Assign(Expr),
    /// `name(arguments)`, with the span of the parentheses.
    Call(Punctuated<Expr, Token![,]>, Span),
}

impl Parse for RawArg {
    fn parse(input: ParseStream<'_>) -> syn::Result<Self> {
        let name = input.call(Ident::parse_any_ident)?;
        let form = if input.peek(Token![=]) {
            input.parse::<Token![=]>()?;
            Form::Assign(input.parse()?)
        } else if input.peek(syn::token::Paren) {
            let content;
            let parens = parenthesized!(content in input);
            Form::Call(
                content.parse_terminated(Expr::parse, Token![,])?,
                parens.span.join(),
            )
        } else {
            Form::Bare
        };
        Ok(Self { name, form })
    }
}

/// Every argument of `#[on(...)]`.
pub struct RawArgs(pub Vec<RawArg>);

impl Parse for RawArgs {
    fn parse(input: ParseStream<'_>) -> syn::Result<Self> {
        let args = Punctuated::<RawArg, Token![,]>::parse_terminated(input)?;
        Ok(Self(args.into_iter().collect()))
    }
}

/// `Ident::parse_any` without importing the extension trait at every call.
trait ParseAnyIdent {
    fn parse_any_ident(input: ParseStream<'_>) -> syn::Result<Ident>;
}

impl ParseAnyIdent for Ident {
    fn parse_any_ident(input: ParseStream<'_>) -> syn::Result<Ident> {
        use syn::ext::IdentExt;
        Ident::parse_any(input)
    }
}
