//! The URL a sender addressed. Twilio, HubSpot (v3) and Square sign the URL they send to; behind
//! a proxy (TLS termination, a path prefix, another host) it is not what the server sees, so the
//! signed URL is rebuilt from, in precedence order:
//!
//! 1. the sender's own [`Sender::public_url`](super::Sender::public_url);
//! 2. the webhook's public URL ([`Webhook::public_url`](crate::Webhook::public_url),
//!    `WEBHOOK_PUBLIC_URL`): scheme, host, port and an optional path prefix;
//! 3. when trusted ([`Webhook::trust_forwarded`](crate::Webhook::trust_forwarded),
//!    `WEBHOOK_TRUST_FORWARDED=1`, off by default), the proxy's `Forwarded` (RFC 7239: `proto`
//!    and `host` of its first element), else `X-Forwarded-Proto`, `X-Forwarded-Host` and
//!    `X-Forwarded-Prefix` (their first values);
//! 4. `http://` and the request's `Host`.
//!
//! The request's path and query follow the base. Forwarded headers are only to be trusted
//! behind a proxy that overwrites them: otherwise any client chooses the URL that is checked.

use std::fmt;
use std::str::FromStr;
use std::sync::Arc;

use http::{header, HeaderMap};

/// A public base URL that cannot be used: the error names what is wrong, never more.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum PublicUrlError {
    /// Not an absolute URL (the `url` crate's reason).
    #[error("an absolute URL such as https://hooks.example.com ({reason})")]
    Invalid {
        /// Why it does not parse.
        reason: String,
    },
    /// A scheme other than `http` or `https`.
    #[error("an http:// or https:// URL (not {scheme}://)")]
    Scheme {
        /// The scheme given.
        scheme: String,
    },
    /// A URL with credentials, a query or a fragment: a base is a scheme, a host, a port and a
    /// path prefix.
    #[error("a scheme, a host and an optional path prefix, without {what}")]
    Extra {
        /// What it has too many of: "credentials", "a query", "a fragment".
        what: &'static str,
    },
}

/// The public base URL senders address (`https://hooks.example.com`, or with a path prefix
/// `https://example.com/bot`): the request's path and query follow it. Parsed with the `url`
/// crate; a trailing `/` is dropped.
///
/// ```
/// use clustaar_webhook::senders::PublicUrl;
///
/// let url: PublicUrl = "https://Hooks.Example.com:443/bot/".parse().unwrap();
/// assert_eq!(url.as_str(), "https://hooks.example.com/bot");
/// assert!("ftp://hooks.example.com".parse::<PublicUrl>().is_err());
/// assert!("hooks.example.com".parse::<PublicUrl>().is_err());
/// assert!("https://hooks.example.com/?a=1".parse::<PublicUrl>().is_err());
/// ```
#[derive(Clone, PartialEq, Eq)]
pub struct PublicUrl(Arc<str>);

impl PublicUrl {
    /// Parses `text`: an absolute `http` or `https` URL, without credentials, query or fragment.
    pub fn parse(text: &str) -> Result<Self, PublicUrlError> {
        let url = url::Url::parse(text.trim()).map_err(|error| PublicUrlError::Invalid {
            reason: error.to_string(),
        })?;
        let base = base_of(&url)?;
        Ok(Self(base.into()))
    }

    /// The base, without a trailing `/`.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// `scheme://host[:port][/prefix]` of a parsed URL, or why it is not a base.
fn base_of(url: &url::Url) -> Result<String, PublicUrlError> {
    let scheme = url.scheme();
    if scheme != "http" && scheme != "https" {
        return Err(PublicUrlError::Scheme {
            scheme: scheme.to_owned(),
        });
    }
    if !url.username().is_empty() || url.password().is_some() {
        return Err(PublicUrlError::Extra {
            what: "credentials",
        });
    }
    if url.query().is_some() {
        return Err(PublicUrlError::Extra { what: "a query" });
    }
    if url.fragment().is_some() {
        return Err(PublicUrlError::Extra { what: "a fragment" });
    }
    // `http(s)` URLs always have a host (the `url` crate refuses them without one).
    let origin = url.origin().ascii_serialization();
    Ok(format!("{origin}{}", url.path().trim_end_matches('/')))
}

impl FromStr for PublicUrl {
    type Err = PublicUrlError;

    fn from_str(text: &str) -> Result<Self, PublicUrlError> {
        Self::parse(text)
    }
}

impl fmt::Display for PublicUrl {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl fmt::Debug for PublicUrl {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "PublicUrl({:?})", &*self.0)
    }
}

/// How the webhook finds the base of the URL its senders addressed (see the module's
/// precedence): its public URL, or whether the proxy's forwarded headers are trusted.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct Addressing {
    /// `WEBHOOK_PUBLIC_URL`.
    pub(crate) public_url: Option<PublicUrl>,
    /// `WEBHOOK_TRUST_FORWARDED`.
    pub(crate) trust_forwarded: bool,
}

impl Addressing {
    /// Appends the base of the URL a request with `headers` (and, without a `Host`, the URI's
    /// `authority`) addressed to `out`: the public URL, the trusted forwarded headers', or
    /// `http://` and the host.
    pub(crate) fn write_base(
        &self,
        out: &mut String,
        headers: &HeaderMap,
        authority: Option<&str>,
    ) {
        if let Some(public) = &self.public_url {
            out.push_str(public.as_str());
            return;
        }
        let host = headers
            .get(header::HOST)
            .and_then(|host| host.to_str().ok())
            .or(authority);
        if self.trust_forwarded
            && let Some(base) = forwarded_base(headers, host)
        {
            out.push_str(&base);
            return;
        }
        out.push_str("http://");
        out.push_str(host.unwrap_or("localhost"));
    }
}

/// The base the proxy's headers give (with `host`, the request's, when they give only the
/// scheme), if they give a usable one.
fn forwarded_base(headers: &HeaderMap, host: Option<&str>) -> Option<String> {
    let (mut proto, mut forwarded_host) = (None, None);
    if let Some(first) = first_value(headers, "forwarded") {
        for (name, value) in forwarded_pairs(first) {
            if name.eq_ignore_ascii_case("proto") {
                proto = Some(value);
            } else if name.eq_ignore_ascii_case("host") {
                forwarded_host = Some(value);
            }
        }
    }
    let proto = proto.or_else(|| first_value(headers, "x-forwarded-proto").map(str::to_owned));
    let forwarded_host =
        forwarded_host.or_else(|| first_value(headers, "x-forwarded-host").map(str::to_owned));
    if proto.is_none() && forwarded_host.is_none() {
        return None;
    }
    let proto = proto.unwrap_or_else(|| "http".to_owned());
    let host = forwarded_host.as_deref().or(host)?;
    let prefix = first_value(headers, "x-forwarded-prefix").unwrap_or("");
    // A prefix is a path (`//host` would be another host).
    if !(prefix.is_empty() || prefix.starts_with('/')) || prefix.starts_with("//") {
        return None;
    }
    // The `url` crate judges the pieces: a host with a path, credentials, a query... is refused.
    let url = url::Url::parse(&format!("{proto}://{host}")).ok()?;
    if url.path() != "/" || url.query().is_some() || url.fragment().is_some() {
        return None;
    }
    let url = url.join(prefix).ok()?;
    base_of(&url).ok()
}

/// The first value of a header sent as a comma-separated list (several headers count as one
/// list), trimmed; `None` when absent, empty or not text.
fn first_value<'h>(headers: &'h HeaderMap, name: &str) -> Option<&'h str> {
    let value = headers.get(name)?.to_str().ok()?;
    let first = first_element(value).trim();
    (!first.is_empty()).then_some(first)
}

/// The text before the first `,` outside a quoted string.
fn first_element(list: &str) -> &str {
    let mut quoted = false;
    let mut escaped = false;
    for (at, c) in list.char_indices() {
        match c {
            _ if escaped => escaped = false,
            '\\' if quoted => escaped = true,
            '"' => quoted = !quoted,
            ',' if !quoted => return &list[..at],
            _ => {}
        }
    }
    list
}

/// The `name=value` pairs of one `Forwarded` element (RFC 7239 §4), values unquoted.
fn forwarded_pairs(element: &str) -> Vec<(&str, String)> {
    let mut pairs = Vec::new();
    let mut rest = element;
    while !rest.is_empty() {
        let Some((name, after)) = rest.split_once('=') else {
            break;
        };
        let name = name.trim_start_matches([';', ' ', '\t']).trim();
        let after = after.trim_start();
        let (value, tail) = if let Some(quoted) = after.strip_prefix('"') {
            let mut value = String::new();
            let mut escaped = false;
            let mut end = quoted.len();
            for (at, c) in quoted.char_indices() {
                match c {
                    _ if escaped => {
                        value.push(c);
                        escaped = false;
                    }
                    '\\' => escaped = true,
                    '"' => {
                        end = at + 1;
                        break;
                    }
                    _ => value.push(c),
                }
            }
            (value, &quoted[end.min(quoted.len())..])
        } else {
            let end = after.find(';').unwrap_or(after.len());
            (after[..end].trim().to_owned(), &after[end..])
        };
        pairs.push((name, value));
        rest = tail.trim_start_matches([' ', '\t']);
        match rest.strip_prefix(';') {
            Some(next) => rest = next,
            None => break,
        }
    }
    pairs
}

#[cfg(test)]
mod tests {
    use super::*;
    use http::HeaderValue;

    fn headers(pairs: &[(&'static str, &str)]) -> HeaderMap {
        let mut headers = HeaderMap::new();
        for (name, value) in pairs {
            headers.append(*name, HeaderValue::from_str(value).unwrap());
        }
        headers
    }

    fn base(addressing: &Addressing, pairs: &[(&'static str, &str)]) -> String {
        let mut out = String::new();
        addressing.write_base(&mut out, &headers(pairs), None);
        out
    }

    #[test]
    fn public_urls_are_parsed_by_the_url_crate() {
        let parse = |text: &str| PublicUrl::parse(text).map(|url| url.to_string());
        assert_eq!(
            parse("https://hooks.example.com/").as_deref(),
            Ok("https://hooks.example.com")
        );
        assert_eq!(
            parse(" http://127.0.0.1:8080/bot/hooks ").as_deref(),
            Ok("http://127.0.0.1:8080/bot/hooks")
        );
        assert_eq!(
            parse("https://[::1]:8443").as_deref(),
            Ok("https://[::1]:8443")
        );
        assert!(matches!(
            parse("hooks.example.com"),
            Err(PublicUrlError::Invalid { .. })
        ));
        assert_eq!(
            parse("ws://hooks.example.com"),
            Err(PublicUrlError::Scheme {
                scheme: "ws".into()
            })
        );
        assert_eq!(
            parse("https://user:pw@hooks.example.com"),
            Err(PublicUrlError::Extra {
                what: "credentials"
            })
        );
        assert_eq!(
            parse("https://hooks.example.com/#top"),
            Err(PublicUrlError::Extra { what: "a fragment" })
        );
        assert!(parse("https://").is_err());
    }

    #[test]
    fn the_public_url_comes_before_the_forwarded_headers_and_the_host() {
        let forwarded = [
            ("host", "10.0.0.1:8000"),
            ("x-forwarded-proto", "https"),
            ("x-forwarded-host", "proxy.example.com"),
        ];
        let public = Addressing {
            public_url: Some(PublicUrl::parse("https://hooks.example.com").unwrap()),
            trust_forwarded: true,
        };
        assert_eq!(base(&public, &forwarded), "https://hooks.example.com");
        let trusted = Addressing {
            public_url: None,
            trust_forwarded: true,
        };
        assert_eq!(base(&trusted, &forwarded), "https://proxy.example.com");
        assert_eq!(
            base(&Addressing::default(), &forwarded),
            "http://10.0.0.1:8000"
        );
        assert_eq!(base(&Addressing::default(), &[]), "http://localhost");
    }

    #[test]
    fn forwarded_headers_when_trusted() {
        let trusted = Addressing {
            public_url: None,
            trust_forwarded: true,
        };
        // RFC 7239: the first element, quoted values, any case; before the X- headers.
        assert_eq!(
            base(
                &trusted,
                &[
                    ("host", "10.0.0.1"),
                    (
                        "forwarded",
                        "for=192.0.2.60;Proto=HTTPS;host=\"hooks.example.com:8443\", for=10.0.0.2;proto=http;host=inner"
                    ),
                    ("x-forwarded-host", "other.example.com"),
                ]
            ),
            "https://hooks.example.com:8443"
        );
        // Only the scheme forwarded: the request's host.
        assert_eq!(
            base(
                &trusted,
                &[
                    ("host", "hooks.example.com"),
                    ("x-forwarded-proto", "https, http")
                ]
            ),
            "https://hooks.example.com"
        );
        // A prefix the proxy removed.
        assert_eq!(
            base(
                &trusted,
                &[
                    ("host", "10.0.0.1"),
                    ("x-forwarded-proto", "https"),
                    ("x-forwarded-host", "example.com"),
                    ("x-forwarded-prefix", "/bot/"),
                ]
            ),
            "https://example.com/bot"
        );
        // Unusable values are ignored: the request's host.
        for bad in [
            ("x-forwarded-host", "evil.example.com/path"),
            ("x-forwarded-host", "user@evil.example.com"),
            ("x-forwarded-proto", "gopher"),
            ("forwarded", "host=\"a b\""),
            ("x-forwarded-prefix", "//evil.example.com"),
        ] {
            assert_eq!(
                base(&trusted, &[("host", "10.0.0.1"), bad]),
                "http://10.0.0.1",
                "{bad:?}"
            );
        }
        // No forwarded header: as untrusted.
        assert_eq!(base(&trusted, &[("host", "10.0.0.1")]), "http://10.0.0.1");
    }

    #[test]
    fn forwarded_elements_and_pairs() {
        assert_eq!(first_element("a=\"x,y\", b"), "a=\"x,y\"");
        assert_eq!(first_element("a"), "a");
        assert_eq!(
            forwarded_pairs("for=\"[2001:db8::1]:4711\"; proto=https;host=\"a\\\"b\""),
            vec![
                ("for", "[2001:db8::1]:4711".to_owned()),
                ("proto", "https".to_owned()),
                ("host", "a\"b".to_owned()),
            ]
        );
        assert_eq!(forwarded_pairs(""), vec![]);
        assert_eq!(forwarded_pairs("garbage"), vec![]);
    }
}
