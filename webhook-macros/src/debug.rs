//! `WEBHOOK_MACROS_DEBUG=1` prints each expansion on stderr at build time.

use proc_macro2::TokenStream;

/// Prints `expanded` when `WEBHOOK_MACROS_DEBUG` is `1`.
pub fn print(macro_name: &str, expanded: &TokenStream) {
    if std::env::var_os("WEBHOOK_MACROS_DEBUG").is_some_and(|value| value == "1") {
        eprintln!("-- {macro_name} expands to:\n{expanded}\n");
    }
}
