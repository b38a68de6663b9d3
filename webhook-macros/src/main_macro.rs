//! `main!(...)`: parse the options, check them, write the program's `main`.

use std::collections::HashSet;

use proc_macro2::TokenStream;
use quote::{quote, quote_spanned};
use syn::parse::{Parse, ParseStream};
use syn::punctuated::Punctuated;
use syn::spanned::Spanned;
use syn::{Expr, Ident, Token};

use crate::ctxt::Errors;
use crate::suggest::did_you_mean;

const OPTIONS: &[&str] = &[
    "state",
    "private_key",
    "auth_username",
    "auth_password",
    "request_max_age",
    "body_limit",
    "header_read_timeout",
    "body_read_timeout",
    "addr",
    "strict",
];

struct MainOption {
    name: Ident,
    value: Expr,
}

impl Parse for MainOption {
    fn parse(input: ParseStream<'_>) -> syn::Result<Self> {
        let name = input.parse()?;
        input.parse::<Token![=]>()?;
        Ok(Self {
            name,
            value: input.parse()?,
        })
    }
}

struct MainOptions(Vec<MainOption>);

impl Parse for MainOptions {
    fn parse(input: ParseStream<'_>) -> syn::Result<Self> {
        let options = Punctuated::<MainOption, Token![,]>::parse_terminated(input)?;
        Ok(Self(options.into_iter().collect()))
    }
}

/// The program's `main`. On an error, a `main` is still written (with the errors), so the
/// program reports only the mistake.
pub fn expand(input: TokenStream) -> TokenStream {
    let mut errors = Errors::default();
    let options = match syn::parse2::<MainOptions>(input) {
        Ok(options) => options.0,
        Err(error) => {
            errors.push(error);
            Vec::new()
        }
    };
    let mut seen = HashSet::new();
    let mut statements = Vec::new();
    for MainOption { name, value } in options {
        let key = name.to_string();
        if !OPTIONS.contains(&key.as_str()) {
            errors.at(
                name.span(),
                format!(
                    "unknown option `{key}`{}\n  accepted: {}",
                    did_you_mean(&key, OPTIONS),
                    OPTIONS.join(", ")
                ),
            );
            continue;
        }
        // `state` may be given several times: each value is stored by its type.
        if key != "state" && !seen.insert(key.clone()) {
            errors.at(name.span(), format!("duplicated option `{key}`"));
            continue;
        }
        statements.push(quote_spanned! {value.span()=> __options.#name(#value); });
    }
    let errors = errors.to_compile_errors();
    quote! {
        #errors
        fn main() -> ::std::process::ExitCode {
            ::webhook::__private::run_main(
                |mut __options: ::webhook::__private::MainOptions| async move {
                    #(#statements)*
                    ::core::result::Result::<_, ::webhook::__private::BoxError>::Ok(__options)
                },
            )
        }
    }
}
