//! Static checks of a CEL filter: it parses, it names no variable but `data`, and it selects
//! only fields that `data` has (`data.metod` is a mistake, `data.headers.anything` is not).
//!
//! `#[on(http, filter = "...")]` reports at compile time exactly what the runtime's
//! `CelFilter::new` reports at start: both call [`check`]. This module is the feature `cel`
//! (on by default), the only part of the crate depending on `cel` and `strsim`.

use std::fmt;

use cel::common::ast::{EntryExpr, Expr, IdedExpr, LiteralValue, SourceInfo};
use cel::Program;

/// What a value of the event data is, for the checks.
#[derive(Debug)]
pub enum Shape {
    /// A record with these fields: selecting another field is a mistake.
    Record(&'static [(&'static str, Shape)]),
    /// A map or a value whose keys are not known in advance (headers, query, JSON).
    Open,
}

/// The fields of `data.url`.
pub const URL_FIELDS: &[(&str, Shape)] = &[
    ("path", Shape::Open),
    ("query", Shape::Open),
    ("raw_query", Shape::Open),
    ("fragment", Shape::Open),
    ("raw_fragment", Shape::Open),
];

/// The fields of `data.body`.
pub const BODY_FIELDS: &[(&str, Shape)] = &[
    ("bytes", Shape::Open),
    ("form", Shape::Open),
    ("json", Shape::Open),
];

/// The fields of `data`.
pub const DATA_FIELDS: &[(&str, Shape)] = &[
    ("method", Shape::Open),
    ("url", Shape::Record(URL_FIELDS)),
    ("raw_url", Shape::Open),
    ("headers", Shape::Open),
    ("body", Shape::Record(BODY_FIELDS)),
];

/// The one variable of a filter.
pub const VARIABLE: &str = "data";

/// Identifiers CEL defines: type names, usable as values (`type(x) == string`).
const BUILTIN_IDENTIFIERS: &[&str] = &[
    "bool",
    "bytes",
    "double",
    "dyn",
    "int",
    "list",
    "map",
    "null_type",
    "string",
    "type",
    "uint",
];

/// One mistake in a filter, with its position (1-based line and column) in the source.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    /// What is wrong.
    pub message: String,
    /// The line, from 1.
    pub line: usize,
    /// The column, from 1.
    pub column: usize,
    /// The line of the source, to show under the message.
    pub snippet: String,
}

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{} (at {}:{})\n  | {}\n  | {:>width$}",
            self.message,
            self.line,
            self.column,
            self.snippet,
            "^",
            width = self.column
        )
    }
}

/// Parses and checks `source`. On failure, every problem found.
pub fn check(source: &str) -> Result<Program, Vec<Problem>> {
    let program = Program::compile(source).map_err(|errors| {
        errors
            .errors
            .iter()
            .map(|error| {
                let line = usize::try_from(error.pos.0).unwrap_or(1).max(1);
                let column = usize::try_from(error.pos.1).unwrap_or(0) + 1;
                Problem {
                    message: format!(
                        "syntax error: {}",
                        error.msg.trim_start_matches("Syntax error: ")
                    ),
                    line,
                    column,
                    snippet: source.lines().nth(line - 1).unwrap_or_default().to_owned(),
                }
            })
            .collect::<Vec<_>>()
    })?;
    let mut checker = Checker {
        source,
        info: program.source_info(),
        bound: Vec::new(),
        problems: Vec::new(),
    };
    checker.walk(program.expression());
    if checker.problems.is_empty() {
        Ok(program)
    } else {
        Err(checker.problems)
    }
}

/// The candidate closest to `word`, when it is close enough to be a likely typo.
pub fn nearest<'a>(word: &str, candidates: impl IntoIterator<Item = &'a str>) -> Option<&'a str> {
    candidates
        .into_iter()
        .map(|candidate| (strsim::damerau_levenshtein(word, candidate), candidate))
        .filter(|(distance, candidate)| *distance <= (candidate.len() / 3).max(2))
        .min_by_key(|(distance, _)| *distance)
        .map(|(_, candidate)| candidate)
}

struct Checker<'a> {
    source: &'a str,
    info: &'a SourceInfo,
    /// Variables bound by comprehensions (`exists(h, ...)`), innermost last.
    bound: Vec<String>,
    problems: Vec<Problem>,
}

impl Checker<'_> {
    fn problem(&mut self, id: u64, message: String) {
        let offset = self
            .info
            .offset_for(id)
            .map_or(0, |(start, _)| start as usize);
        let before = &self.source[..offset.min(self.source.len())];
        let line = before.matches('\n').count() + 1;
        let line_start = before.rfind('\n').map_or(0, |at| at + 1);
        let column = before[line_start..].chars().count() + 1;
        self.problems.push(Problem {
            message,
            line,
            column,
            snippet: self
                .source
                .lines()
                .nth(line - 1)
                .unwrap_or_default()
                .to_owned(),
        });
    }

    /// Checks `expr`; returns its shape when it is a known record of the event data.
    fn walk(&mut self, expr: &IdedExpr) -> Option<&'static Shape> {
        match &expr.expr {
            Expr::Ident(name) => {
                if self.bound.iter().any(|bound| bound == name)
                    || BUILTIN_IDENTIFIERS.contains(&name.as_str())
                {
                    None
                } else if name == VARIABLE {
                    static DATA: Shape = Shape::Record(DATA_FIELDS);
                    Some(&DATA)
                } else {
                    let hint = match nearest(name, [VARIABLE]) {
                        Some(variable) => format!("; did you mean `{variable}`?"),
                        None => ".".to_owned(),
                    };
                    self.problem(
                        expr.id,
                        format!(
                            "unknown variable `{name}`{hint} A filter reads the request through `{VARIABLE}`, e.g. `{VARIABLE}.method == \"POST\"`."
                        ),
                    );
                    None
                }
            }
            Expr::Select(select) => {
                let shape = self.walk(&select.operand);
                self.field(expr.id, &select.operand, shape, &select.field)
            }
            Expr::Call(call) => {
                if call.func_name == "_[_]" && call.args.len() == 2 && call.target.is_none() {
                    let shape = self.walk(&call.args[0]);
                    self.walk(&call.args[1]);
                    if let Expr::Literal(LiteralValue::String(key)) = &call.args[1].expr {
                        return self.field(call.args[1].id, &call.args[0], shape, key.inner());
                    }
                    return None;
                }
                if let Some(target) = &call.target {
                    self.walk(target);
                }
                for argument in &call.args {
                    self.walk(argument);
                }
                None
            }
            Expr::Comprehension(comprehension) => {
                self.walk(&comprehension.iter_range);
                self.walk(&comprehension.accu_init);
                let depth = self.bound.len();
                self.bound.push(comprehension.iter_var.clone());
                if let Some(second) = &comprehension.iter_var2 {
                    self.bound.push(second.clone());
                }
                self.bound.push(comprehension.accu_var.clone());
                self.walk(&comprehension.loop_cond);
                self.walk(&comprehension.loop_step);
                self.walk(&comprehension.result);
                self.bound.truncate(depth);
                None
            }
            Expr::List(list) => {
                for element in &list.elements {
                    self.walk(element);
                }
                None
            }
            Expr::Map(map) => {
                for entry in &map.entries {
                    if let EntryExpr::MapEntry(entry) = &entry.expr {
                        self.walk(&entry.key);
                        self.walk(&entry.value);
                    }
                }
                None
            }
            Expr::Struct(structure) => {
                for entry in &structure.entries {
                    if let EntryExpr::StructField(field) = &entry.expr {
                        self.walk(&field.value);
                    }
                }
                None
            }
            Expr::Literal(_) | Expr::Unspecified => None,
            #[allow(unreachable_patterns)]
            _ => None,
        }
    }

    /// Checks that a record `shape` has `field`; returns the field's shape.
    fn field(
        &mut self,
        id: u64,
        operand: &IdedExpr,
        shape: Option<&'static Shape>,
        field: &str,
    ) -> Option<&'static Shape> {
        let Some(Shape::Record(fields)) = shape else {
            return None;
        };
        if let Some((_, child)) = fields.iter().find(|(name, _)| *name == field) {
            return match child {
                Shape::Record(_) => Some(child),
                Shape::Open => None,
            };
        }
        let names: Vec<&str> = fields.iter().map(|(name, _)| *name).collect();
        let owner = self.describe(operand);
        let hint = match nearest(field, names.iter().copied()) {
            Some(name) => format!("; did you mean `{owner}.{name}`?"),
            None => ".".to_owned(),
        };
        self.problem(
            id,
            format!(
                "`{owner}` has no field `{field}`{hint} Its fields are: {}.",
                names.join(", ")
            ),
        );
        None
    }

    /// `data.url` for the select chain `operand`, as written.
    fn describe(&self, operand: &IdedExpr) -> String {
        match &operand.expr {
            Expr::Ident(name) => name.clone(),
            Expr::Select(select) => format!("{}.{}", self.describe(&select.operand), select.field),
            Expr::Call(call) if call.func_name == "_[_]" && call.args.len() == 2 => {
                match &call.args[1].expr {
                    Expr::Literal(LiteralValue::String(key)) => {
                        format!("{}.{}", self.describe(&call.args[0]), key.inner())
                    }
                    _ => format!("{}[...]", self.describe(&call.args[0])),
                }
            }
            _ => "the value".to_owned(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn problems(source: &str) -> Vec<String> {
        match check(source) {
            Ok(_) => Vec::new(),
            Err(problems) => problems.iter().map(ToString::to_string).collect(),
        }
    }

    #[test]
    fn the_seed_filters_pass() {
        for filter in [
            r#"data.method == "GET" || data.method == "POST""#,
            r#"data.method in ["GET", "POST"]"#,
            r#"data.url.path.endsWith("/foo")"#,
            r#"data.url.path.matches("^/webhooks/.*/foo$")"#,
            r#"data.headers["Content-Type"] == "application/json""#,
            r#"data.headers["Content-Type"].startsWith("application/json")"#,
            r#"data.headers["Content-Type"].matches("application/json(;.*)?")"#,
            r#"has(data.body.json.action) && data.body.json.commits.exists(c, c.id != "")"#,
            r#"data["url"]["path"] == "/" && size(data.url.query) > 0 && type(data) == map"#,
        ] {
            assert_eq!(problems(filter), Vec::<String>::new(), "{filter}");
        }
    }

    #[test]
    fn unknown_fields_suggest_the_nearest() {
        assert_eq!(
            problems(r#"data.metod == "GET""#),
            ["`data` has no field `metod`; did you mean `data.method`? Its fields are: method, url, raw_url, headers, body. (at 1:5)\n  | data.metod == \"GET\"\n  |     ^"]
        );
        let found =
            problems(r#"data.url.pth.endsWith("/") || has(data.body.jsn) || data["bdy"] != null"#);
        assert_eq!(found.len(), 3, "{found:?}");
        assert!(
            found[0].starts_with("`data.url` has no field `pth`; did you mean `data.url.path`?")
        );
        assert!(
            found[1].starts_with("`data.body` has no field `jsn`; did you mean `data.body.json`?")
        );
        assert!(found[2].starts_with("`data` has no field `bdy`; did you mean `data.body`?"));
        assert!(problems("data.zzzzzzzz")
            .iter()
            .all(|p| !p.contains("did you mean")));
    }

    #[test]
    fn unknown_variables_and_bound_ones() {
        let found = problems(r#"date.method == "GET" && request.path == "/""#);
        assert_eq!(found.len(), 2, "{found:?}");
        assert!(found[0].starts_with("unknown variable `date`; did you mean `data`?"));
        assert!(found[1].starts_with("unknown variable `request`. A filter reads"));
        assert_eq!(
            problems(r#"data.headers.exists(h, h.startsWith("x-")) && [1].all(data, data > 0)"#),
            Vec::<String>::new()
        );
    }

    #[test]
    fn syntax_errors_have_a_position() {
        let found = problems(r#"data.method == "GET" &&"#);
        assert!(!found.is_empty());
        assert!(found[0].starts_with("syntax error: "), "{found:?}");
        assert!(found[0].contains("(at 1:"), "{found:?}");
    }
}
