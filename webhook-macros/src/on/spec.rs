//! What a validated `#[on(...)]` asks for: the kind of route with what only that kind takes,
//! the filters and the priority. Built by `validate/`, read by `signature.rs` and `codegen/`.

use clustaar_webhook_core::json_path::PathSegment;
use quote::ToTokens;
use syn::LitStr;

/// A route, ready to be generated.
pub struct Spec {
    pub kind: Kind,
    pub filters: Vec<Filter>,
    pub priority: i32,
}

/// The kind of route, with what only that kind takes.
pub enum Kind {
    /// A Clustaar notification route.
    Notification {
        /// The topic.
        event: String,
        /// The route's own authenticator.
        auth: Option<syn::Path>,
    },
    /// An HTTP route.
    Http(HttpRoute),
}

/// The kind of route, without its details: known even when an argument is wrong.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum RouteKind {
    Notification,
    Http,
}

/// What an HTTP route takes besides filters and priority.
pub struct HttpRoute {
    /// `None`: any method.
    pub methods: Option<Vec<String>>,
    pub path: LitStr,
    pub cel: Option<LitStr>,
    /// A function returning the route's signature check.
    pub verify: Option<syn::Path>,
    /// A provider's preset, with the variable holding its key.
    pub sender: Option<SenderSpec>,
    /// The sender's event type the route takes.
    pub event: Option<String>,
    /// Durable, with its idempotency key, if any.
    pub durable: Option<Option<KeySource>>,
    /// A durable route's own number of attempts.
    pub max_attempts: Option<syn::LitInt>,
}

/// `sender = stripe(secret = env("STRIPE_WEBHOOK_SECRET"))`, checked.
#[derive(Clone)]
pub struct SenderSpec {
    /// The preset's name (`lemon-squeezy`), spanned on its identifier.
    pub preset: crate::on::spanned::Sp<String>,
    /// The environment variable holding its key.
    pub variable: LitStr,
}

/// Where a durable route reads its idempotency key.
#[derive(Clone)]
pub enum KeySource {
    /// `header("Webhook-Id")`
    Header(LitStr),
    /// `json("data.object.id")`, checked.
    Json(LitStr),
    /// `cel("data.headers[\"X-Shop\"] + \":\" + data.body.json.id")`, checked.
    Cel(LitStr),
}

impl KeySource {
    /// The literal, for spans.
    pub fn literal(&self) -> &LitStr {
        match self {
            Self::Header(literal) | Self::Json(literal) | Self::Cel(literal) => literal,
        }
    }
}

/// A JSON scalar written in the attribute.
#[derive(Debug, Clone, PartialEq)]
pub enum Literal {
    Null,
    Bool(bool),
    Int(i64),
    UInt(u64),
    Float(f64),
    Str(String),
}

/// A compiled JSON path, with the literal it came from.
pub struct JsonPath {
    pub source: LitStr,
    pub segments: Vec<PathSegment>,
}

/// One filter of a route.
pub enum Filter {
    StepId(Vec<LitStr>),
    JsonKeyEquals(JsonPath, Literal),
    JsonKeyIn(JsonPath, Vec<Literal>),
    JsonKeyExists(JsonPath),
    Function(syn::Path),
}

impl Filter {
    /// The filter as canonical text, for duplicate detection, conflict messages and `Debug`.
    pub fn key(&self) -> String {
        match self {
            Filter::StepId(ids) => {
                let mut ids: Vec<String> =
                    ids.iter().map(|id| format!("{:?}", id.value())).collect();
                ids.sort();
                if ids.len() == 1 {
                    format!("step_id = {}", ids[0])
                } else {
                    format!("step_id = [{}]", ids.join(", "))
                }
            }
            Filter::JsonKeyEquals(path, value) => format!(
                "json_key_equals({:?}, {})",
                path.source.value(),
                value.text()
            ),
            Filter::JsonKeyIn(path, values) => format!(
                "json_key_in({:?}, [{}])",
                path.source.value(),
                values
                    .iter()
                    .map(Literal::text)
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
            Filter::JsonKeyExists(path) => {
                format!("json_key_exists({:?})", path.source.value())
            }
            Filter::Function(path) => {
                format!("filter = {}", path.to_token_stream()).replace(' ', "")
            }
        }
    }
}

impl Literal {
    /// The literal as JSON text.
    fn text(&self) -> String {
        match self {
            Literal::Null => "null".to_owned(),
            Literal::Bool(value) => value.to_string(),
            Literal::Int(value) => value.to_string(),
            Literal::UInt(value) => value.to_string(),
            Literal::Float(value) => format!("{value:?}"),
            Literal::Str(value) => format!("{value:?}"),
        }
    }
}
