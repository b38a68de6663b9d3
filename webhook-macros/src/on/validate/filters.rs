//! The filters of a route: step ids, JSON keys and values, the user's functions. Each filter is
//! given once (two identical filters are a mistake: one of them was meant to be something else).

use clustaar_webhook_core::object_id::{is_object_id, is_uppercase_object_id};
use proc_macro2::Span;
use syn::spanned::Spanned;
use syn::{Expr, LitStr};

use super::json::{json_literal, json_path};
use super::literals::string;
use crate::ctxt::Errors;
use crate::on::spanned::Sp;
use crate::on::spec::Filter;

/// The filters, as the arguments give them.
#[derive(Default)]
pub struct Filters {
    /// Where `step_id` was first given.
    step_id: Option<Span>,
    filters: Vec<Filter>,
}

impl Filters {
    /// `step_id = "…"` or `step_id = ["…", "…"]`.
    pub fn step_id(&mut self, name: &Sp<String>, value: &Expr, errors: &mut Errors) {
        if self.step_id.is_some() {
            errors.at(
                name.span(),
                "duplicated argument `step_id`: give every id in one list, `step_id = [\"…\", \"…\"]`",
            );
            return;
        }
        self.step_id = Some(name.span());
        if let Some(ids) = step_ids(value, errors) {
            self.filters.push(Filter::StepId(ids));
        }
    }

    /// `json_key_equals(path, value)`.
    pub fn json_key_equals(&mut self, arguments: &Sp<Vec<Expr>>, errors: &mut Errors) {
        let [path, value] = arguments.as_slice() else {
            errors.at(arguments.span(), "`json_key_equals` takes a path and a value: `json_key_equals(\"data.step.id\", \"123\")`");
            return;
        };
        let path = json_path(path, errors);
        let value = json_literal(value, errors);
        if let (Some(path), Some(value)) = (path, value) {
            self.filters.push(Filter::JsonKeyEquals(path, value));
        }
    }

    /// `json_key_in(path, [values])`.
    pub fn json_key_in(&mut self, arguments: &Sp<Vec<Expr>>, errors: &mut Errors) {
        let [path, values] = arguments.as_slice() else {
            errors.at(arguments.span(), "`json_key_in` takes a path and a list of values: `json_key_in(\"data.channel\", [\"web\", \"facebook\"])`");
            return;
        };
        let path = json_path(path, errors);
        let values = match values {
            Expr::Array(array) if array.elems.is_empty() => {
                errors.at(
                    array.span(),
                    "`json_key_in` needs at least one value: an empty list never matches",
                );
                None
            }
            // The first value that is not a literal is reported.
            Expr::Array(array) => array
                .elems
                .iter()
                .map(|element| json_literal(element, errors))
                .collect::<Option<Vec<_>>>(),
            other => {
                errors.at(
                    other.span(),
                    "expected a list of JSON literals, e.g. `[\"web\", \"facebook\"]`",
                );
                None
            }
        };
        if let (Some(path), Some(values)) = (path, values) {
            self.filters.push(Filter::JsonKeyIn(path, values));
        }
    }

    /// `json_key_exists(path)`.
    pub fn json_key_exists(&mut self, arguments: &Sp<Vec<Expr>>, errors: &mut Errors) {
        let [path] = arguments.as_slice() else {
            errors.at(
                arguments.span(),
                "`json_key_exists` takes one path: `json_key_exists(\"data.input\")`",
            );
            return;
        };
        if let Some(path) = json_path(path, errors) {
            self.filters.push(Filter::JsonKeyExists(path));
        }
    }

    /// `filter = function`.
    pub fn function(&mut self, function: syn::Path) {
        self.filters.push(Filter::Function(function));
    }

    /// The filters, each reported when it is given twice.
    pub fn finish(self, errors: &mut Errors) -> Vec<Filter> {
        for (index, filter) in self.filters.iter().enumerate() {
            let key = filter.key();
            if self.filters[..index]
                .iter()
                .any(|earlier| earlier.key() == key)
            {
                errors.at(span(filter), format!("this filter is given twice: `{key}`"));
            }
        }
        self.filters
    }
}

/// `filter = value` where the value is neither a function's path nor a CEL string.
pub fn not_a_filter(value: &Expr, errors: &mut Errors) {
    errors.at(
        value.span(),
        "`filter` is the path of a function `fn(&Request) -> bool`, e.g. `filter = is_vip`, or a CEL expression string on an `http` route",
    );
}

fn span(filter: &Filter) -> Span {
    match filter {
        Filter::StepId(ids) => ids.first().map_or_else(Span::call_site, LitStr::span),
        Filter::JsonKeyEquals(path, _)
        | Filter::JsonKeyIn(path, _)
        | Filter::JsonKeyExists(path) => path.source.span(),
        Filter::Function(path) => path.span(),
    }
}

/// The ids of `step_id = …`, when every one is a lowercase ObjectID.
fn step_ids(value: &Expr, errors: &mut Errors) -> Option<Vec<LitStr>> {
    let literals: Vec<&Expr> = match value {
        Expr::Array(array) if array.elems.is_empty() => {
            errors.at(array.span(), "`step_id` needs at least one id");
            return None;
        }
        Expr::Array(array) => array.elems.iter().collect(),
        other => vec![other],
    };
    let mut ids = Vec::new();
    for literal in &literals {
        match string(literal) {
            Some(id) if is_object_id(&id.value()) => ids.push(id.clone()),
            Some(id) if is_uppercase_object_id(&id.value()) => errors.at(
                id.span(),
                format!(
                    "step ids are written in lowercase, as the platform sends them: this route would never match\n  write {:?}",
                    id.value().to_ascii_lowercase()
                ),
            ),
            Some(id) => errors.at(
                id.span(),
                format!(
                    "`{}` is not a step id: a step id is a MongoDB ObjectID, 24 hexadecimal characters such as \"507f191e810c19729de860ea\"\n  to match another value, use `json_key_equals(\"data.step.id\", {:?})`",
                    id.value(),
                    id.value()
                ),
            ),
            None => errors.at(
                literal.span(),
                "expected a step id string such as \"507f191e810c19729de860ea\"",
            ),
        }
    }
    (ids.len() == literals.len()).then_some(ids)
}
