//! The compile-error snapshots of the webhook framework's macros: `tests/ui/ui.rs` (trybuild)
//! checks each case of `on/`, `main/`, `http/` and `authenticator/` against its `.stderr`.
//!
//! A package of its own so that trybuild's project (which depends on everything this package
//! depends on, checked again in `target/tests/trybuild` under its own flags) holds the runtime
//! crate and nothing else: not the examples' benchmarks, property tests and browser driver.
