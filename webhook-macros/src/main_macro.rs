//! `main!(...)`: parse the options, check them, write the program's `main`.
//!
//! The options are the fields of the runtime's `clustaar_webhook::config::Settings` (the one table of
//! the settings, from which the flags and the variables come too), plus `state`: the macro keeps
//! no list of its own. `name = value` becomes an assignment to that field, spanned on `name`,
//! so an unknown option is the compiler's "no field" error with its nearest-name suggestion.

use std::collections::HashSet;

use proc_macro2::TokenStream;
use quote::{quote, quote_spanned};
use syn::parse::{Parse, ParseStream};
use syn::punctuated::Punctuated;
use syn::spanned::Spanned;
use syn::{Expr, Ident, Token};

use crate::ctxt::Errors;

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
        // `state` may be given several times: each value is stored by its type.
        if key == "state" {
            statements.push(quote_spanned! {value.span()=> __options.state(#value); });
            continue;
        }
        if !seen.insert(key.clone()) {
            errors.at(name.span(), format!("duplicated option `{key}`"));
            continue;
        }
        let field = quote_spanned! {name.span()=> __settings.#name };
        let set = quote_spanned! {value.span()=>
            ::clustaar_webhook::__private::SettingValue::set(&mut #field, __value)
        };
        statements.push(quote! {
            {
                let __value = #value;
                __options.setting(
                    #key,
                    move |__settings: &mut ::clustaar_webhook::__private::Settings| #set,
                );
            }
        });
    }
    let errors = errors.to_compile_errors();
    quote! {
        #errors
        fn main() -> ::std::process::ExitCode {
            ::clustaar_webhook::__private::run_main(
                ::clustaar_webhook::__private::BotPackage {
                    name: ::core::option_env!("CARGO_PKG_NAME").unwrap_or_default(),
                    version: ::core::option_env!("CARGO_PKG_VERSION").unwrap_or_default(),
                    description: ::core::option_env!("CARGO_PKG_DESCRIPTION").unwrap_or_default(),
                },
                |mut __options: ::clustaar_webhook::__private::MainOptions| async move {
                    #(#statements)*
                    ::core::result::Result::<_, ::clustaar_webhook::__private::BoxError>::Ok(__options)
                },
            )
        }
    }
}
