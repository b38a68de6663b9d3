//! [`Sp<T>`]: a value read from the attribute with the span of the tokens it came from, so an
//! error about the value points at them (clap_derive's `Sp`).

use std::ops::Deref;

use proc_macro2::Span;

/// A value, and where it was written.
#[derive(Clone)]
pub struct Sp<T> {
    value: T,
    span: Span,
}

impl<T> Sp<T> {
    /// `value`, written at `span`.
    pub fn new(value: T, span: Span) -> Self {
        Self { value, span }
    }

    /// Where the value was written.
    pub fn span(&self) -> Span {
        self.span
    }

    /// The value.
    pub fn into_inner(self) -> T {
        self.value
    }
}

impl<T> Deref for Sp<T> {
    type Target = T;

    fn deref(&self) -> &T {
        &self.value
    }
}
