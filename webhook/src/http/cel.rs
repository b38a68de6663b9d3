//! [`CelFilter`]: a route filter written in CEL over the request's `data` (the `cel` feature).

use std::fmt;
use std::sync::{Arc, LazyLock};

use cel::{Context, Env, Program, Value};
use clustaar_webhook_core::cel::{check, Problem};

use super::cel_data::Data;
use crate::filter::Filter;
use crate::Request;

/// The standard CEL environment, with this crate's bounded `matches` (`cel_regex`), built once
/// and shared by every filter.
static ENV: LazyLock<Arc<Env>> = LazyLock::new(|| {
    let mut env = Env::stdlib();
    super::cel_regex::register(&mut env);
    Arc::new(env)
});

/// A CEL expression that a request must satisfy, e.g.
/// `data.headers["X-GitHub-Event"] == "push"`.
///
/// Available with the `cel` feature (on by default).
///
/// It is parsed and checked once, by [`new`](CelFilter::new): a syntax error, a variable other
/// than `data`, or a field `data` does not have (`data.metod`) is an error naming the position
/// and the nearest field. At run time an expression that fails (a missing header, a type
/// mismatch, a result that is not a `bool`) is "no match": logged at debug level, never a `500`.
///
/// ```
/// use clustaar_webhook::http::{CelFilter, HttpEvent};
///
/// let filter = CelFilter::new(r#"data.method in ["GET", "POST"]"#).unwrap();
/// assert_eq!(filter.source(), r#"data.method in ["GET", "POST"]"#);
///
/// let error = CelFilter::new("data.metod == \"GET\"").unwrap_err();
/// assert!(error.to_string().contains("did you mean `data.method`?"));
/// ```
#[derive(Clone)]
#[cfg_attr(docsrs, doc(cfg(feature = "cel")))]
pub struct CelFilter {
    source: Arc<str>,
    program: Arc<Program>,
}

/// Why a CEL filter is refused: its syntax, or the names it uses (the `cel` feature).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[cfg_attr(docsrs, doc(cfg(feature = "cel")))]
#[error("invalid CEL expression `{expression}`:\n{}", display_problems(.problems))]
pub struct CelFilterError {
    /// The expression.
    pub expression: String,
    /// Every mistake found, in order.
    pub problems: Vec<Problem>,
}

fn display_problems(problems: &[Problem]) -> String {
    problems
        .iter()
        .map(ToString::to_string)
        .collect::<Vec<_>>()
        .join("\n")
}

/// Why a CEL filter did not evaluate to a boolean for a request (the `cel` feature).
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[cfg_attr(docsrs, doc(cfg(feature = "cel")))]
#[non_exhaustive]
pub enum CelEvalError {
    /// Evaluation failed: a missing key, a type mismatch...
    #[error("{0}")]
    Execution(#[from] cel::ExecutionError),
    /// The result is not a `bool`.
    #[error("the filter evaluates to {0:?}, not to a bool")]
    NotABool(Value),
}

impl CelFilter {
    /// Parses and checks `source`.
    pub fn new(source: impl Into<String>) -> Result<Self, CelFilterError> {
        let source = source.into();
        match check(&source) {
            Ok(program) => Ok(Self {
                source: Arc::from(source),
                program: Arc::new(program),
            }),
            Err(problems) => Err(CelFilterError {
                expression: source,
                problems,
            }),
        }
    }

    /// The expression, as written.
    pub fn source(&self) -> &str {
        &self.source
    }

    /// Evaluates the filter for `request`.
    pub fn evaluate(&self, request: &Request) -> Result<bool, CelEvalError> {
        match self.value(request)? {
            Value::Bool(result) => Ok(result),
            other => Err(CelEvalError::NotABool(other)),
        }
    }

    /// The value of the expression for `request`, whatever its type (an idempotency key's).
    pub(crate) fn value(&self, request: &Request) -> Result<Value, cel::ExecutionError> {
        let mut context = Context::with_env(Arc::clone(&ENV));
        context.add_variable_as_val("data", Box::new(Data(request)));
        self.program.execute(&context)
    }
}

impl Filter for CelFilter {
    fn matches(&self, request: &Request) -> bool {
        match self.evaluate(request) {
            Ok(result) => result,
            Err(error) => {
                tracing::debug!(filter = %self.source, %error, "the CEL filter failed: no match");
                false
            }
        }
    }
}

/// Two filters are equal when their expressions are: one source compiles to one program.
impl PartialEq for CelFilter {
    fn eq(&self, other: &Self) -> bool {
        self.source == other.source
    }
}

impl Eq for CelFilter {}

impl fmt::Debug for CelFilter {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "cel({:?})", &*self.source)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::http::event::request_from_http;
    use bytes::Bytes;

    fn request(builder: http::request::Builder, body: &'static str) -> Request {
        request_from_http(builder.body(Bytes::from_static(body.as_bytes())).unwrap())
    }

    fn eval(filter: &str, request: &Request) -> Result<bool, CelEvalError> {
        CelFilter::new(filter).unwrap().evaluate(request)
    }

    fn github() -> Request {
        request(
            http::Request::post("/webhooks/github/foo?key1=value1&key2=a+b&key1=again")
                .header("x-github-event", "push")
                .header("Content-Type", "application/json; charset=utf-8")
                .header("X-Many", "1")
                .header("X-Many", "2"),
            r#"{"ref": "refs/heads/main", "commits": [{"id": "a"}, {"id": "b"}], "n": 3, "big": 18446744073709551615, "f": 1.5, "ok": true, "none": null}"#,
        )
    }

    #[test]
    fn every_field_of_data() {
        let request = github();
        for filter in [
            r#"data.method == "POST""#,
            r#"data.url.path == "/webhooks/github/foo""#,
            r#"data.url.query.key1 == ["value1", "again"]"#,
            r#"data.url.query["key2"][0] == "a b""#,
            r#"data.url.raw_query == "key1=value1&key2=a+b&key1=again""#,
            r#"data.url.fragment == "" && data.url.raw_fragment == """#,
            r#"data.raw_url == "/webhooks/github/foo?key1=value1&key2=a+b&key1=again""#,
            r#"data.headers["X-GitHub-Event"] == "push""#,
            r#"data.headers["x-github-event"] == "push" && data.headers["X-GITHUB-EVENT"] == "push""#,
            r#""X-GitHub-Event" in data.headers && !("X-Other" in data.headers)"#,
            r#"data.headers["X-Many"] == "1, 2""#,
            r#"data.headers.exists(h, h == "x-github-event")"#,
            r#"size(data.headers) == 3"#,
            r#"data.body.bytes.size() > 10 && data.body.form == null"#,
            r#"data.body.json.ref == "refs/heads/main""#,
            r#"data.body.json.commits[1].id == "b" && size(data.body.json.commits) == 2"#,
            r#"data.body.json.commits.all(c, c.id.size() == 1)"#,
            r#"data.body.json.n == 3 && data.body.json.big == 18446744073709551615u && data.body.json.f == 1.5"#,
            r#"data.body.json.ok && data.body.json.none == null"#,
            r#"has(data.body.json.ref) && !has(data.body.json.missing) && has(data.url.path)"#,
            r#""method" in data && size(data) == 5 && size(data.url) == 5 && type(data) == map"#,
            r#""ref" in data.body.json && size(data.body.json) == 7 && data.body.json.exists(k, k == "ok")"#,
            r#"data.body.json == {"ref": "refs/heads/main", "commits": [{"id": "a"}, {"id": "b"}], "n": 3, "big": 18446744073709551615u, "f": 1.5, "ok": true, "none": null}"#,
        ] {
            assert_eq!(eval(filter, &request), Ok(true), "{filter}");
        }
    }

    #[test]
    fn the_seed_filters() {
        let get = request(http::Request::get("/webhooks/x/foo"), "");
        let post_json = request(
            http::Request::post("/webhooks/x/bar").header("Content-Type", "application/json"),
            "{}",
        );
        let put_charset = request(
            http::Request::put("/other").header("Content-Type", "application/json; charset=utf-8"),
            "{}",
        );
        let cases: &[(&str, [bool; 3])] = &[
            (
                r#"data.method == "GET" || data.method == "POST""#,
                [true, true, false],
            ),
            (r#"data.method in ["GET", "POST"]"#, [true, true, false]),
            (r#"data.url.path.endsWith("/foo")"#, [true, false, false]),
            (
                r#"data.url.path.matches("^/webhooks/.*/foo$")"#,
                [true, false, false],
            ),
            (
                r#"data.headers["Content-Type"] == "application/json""#,
                [false, true, false],
            ),
            (
                r#"data.headers["Content-Type"].startsWith("application/json")"#,
                [false, true, true],
            ),
            (
                r#"data.headers["Content-Type"].matches("application/json(;.*)?")"#,
                [false, true, true],
            ),
        ];
        for (filter, expected) in cases {
            let filter = CelFilter::new(*filter).unwrap();
            let found = [&get, &post_json, &put_charset].map(|request| filter.matches(request));
            assert_eq!(&found, expected, "{filter:?}");
        }
    }

    /// A pattern taken from the request costs bounded time: past the compiled size limit
    /// (`cel_regex`), `matches` fails, so the filter does not match (found by the `cel` fuzz
    /// target: the `cel` crate's own `matches` took 1.7 s on this body).
    #[test]
    fn a_pattern_from_the_request_is_bounded() {
        let body = serde_json::json!({"a": "x", "b": "......\u{0}$......".repeat(300)}).to_string();
        let request = request_from_http(
            http::Request::post("/")
                .header("Content-Type", "application/json")
                .body(Bytes::from(body))
                .unwrap(),
        );
        let started = std::time::Instant::now();
        let filter = "data.body.json.a.matches(data.body.json.b)";
        assert!(eval(filter, &request).is_err());
        assert!(!CelFilter::new(filter).unwrap().matches(&request));
        assert!(
            started.elapsed() < std::time::Duration::from_secs(1),
            "{:?}",
            started.elapsed()
        );
        // A usable pattern from the request still works.
        let small = request_from_http(
            http::Request::post("/")
                .header("Content-Type", "application/json")
                .body(Bytes::from_static(br#"{"a": "abc", "b": "^a.c$"}"#))
                .unwrap(),
        );
        assert_eq!(eval(filter, &small), Ok(true));
    }

    #[test]
    fn bodies_other_than_objects() {
        let form = request(
            http::Request::post("/").header("Content-Type", "application/x-www-form-urlencoded"),
            "a=1&a=2&b=x+y",
        );
        assert_eq!(
            eval(
                r#"data.body.form.a == ["1", "2"] && data.body.form.b[0] == "x y" && data.body.json == null"#,
                &form
            ),
            Ok(true)
        );
        let array = request(http::Request::post("/"), "[1, 2]");
        assert_eq!(
            eval(
                "data.body.json == null && data.body.bytes == b'[1, 2]'",
                &array
            ),
            Ok(true)
        );
        let empty = request(http::Request::get("/"), "");
        assert_eq!(
            eval(
                "data.body.bytes == null && data.body.json == null && data.body.form == null",
                &empty
            ),
            Ok(true)
        );
    }

    #[test]
    fn run_time_errors_are_no_match() {
        let request = github();
        // A header that is not there, a field of a null, a type mismatch, a non-bool result.
        for filter in [
            r#"data.headers["X-Missing"] == "x""#,
            r#"data.body.form.a == "1""#,
            r#"data.body.json.n == "3" || data.body.json.n.startsWith("3")"#,
            r#"data.method"#,
        ] {
            let compiled = CelFilter::new(filter).unwrap();
            assert!(compiled.evaluate(&request).is_err(), "{filter}");
            assert!(!compiled.matches(&request), "{filter}");
        }
        assert!(matches!(
            eval("data.method", &request),
            Err(CelEvalError::NotABool(_))
        ));
    }

    #[test]
    fn what_the_crate_does_not_support() {
        let request = github();
        // No string extension library: `lowerAscii`, `split`... are unknown functions.
        assert!(eval(r#"data.method.lowerAscii() == "post""#, &request).is_err());
        // No `timestamp`/`duration` (the `chrono` feature is off).
        assert!(eval(r#"timestamp("2024-01-01T00:00:00Z") != null"#, &request).is_err());
        // Headers are strings: `Content-Length` is not a number.
        let sized = request_from_http(
            http::Request::post("/")
                .header("Content-Length", "2")
                .body(Bytes::from_static(b"{}"))
                .unwrap(),
        );
        assert!(eval(r#"data.headers["Content-Length"] > 1"#, &sized).is_err());
        assert_eq!(
            eval(r#"int(data.headers["Content-Length"]) > 1"#, &sized),
            Ok(true)
        );
    }

    #[test]
    fn errors_name_the_position_and_the_nearest_field() {
        let error = CelFilter::new("data.url.pth == \"/\"").unwrap_err();
        assert_eq!(error.problems.len(), 1);
        assert_eq!((error.problems[0].line, error.problems[0].column), (1, 9));
        assert!(error.to_string().starts_with("invalid CEL expression `data.url.pth == \"/\"`:\n`data.url` has no field `pth`; did you mean `data.url.path`?"));
        let error = CelFilter::new("data.method ==").unwrap_err();
        assert!(error.problems[0].message.starts_with("syntax error"));
    }
}
