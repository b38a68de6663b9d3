//! The HTML sanitiser of the reference's `html_sanitize` (bleach with its default allow-list,
//! plus `<br>`, then `&amp;` turned back into `&`).
//!
//! Written here rather than taken from ammonia: ammonia *removes* a tag it does not allow, while
//! the platform *escapes* it (`<p>` becomes `&lt;p&gt;`, text kept visible), and bots depend
//! on what the user sees. The rules:
//!
//! - allowed tags (`a abbr acronym b blockquote br code em i li ol strong ul`) are rebuilt from
//!   their name and allowed attributes only (`a`: `href` with an `http`, `https`, `mailto` or
//!   no scheme, `title`, `target` when `_blank` or `_top`; `abbr`, `acronym`: `title`),
//!   lower-cased, values double-quoted;
//! - any other tag, and any `<` or `>` that is not part of a tag, is escaped (`&lt;`, `&gt;`),
//!   its text kept as written;
//! - comments are removed;
//! - an end tag with no open allowed tag is dropped, and open allowed tags are closed at the end
//!   (bleach's tree builder does the same);
//! - `&` is left as it is, and `&amp;` becomes `&`, as the reference does.
//!
//! Hence no `<` of the output starts anything but an allowed tag. Known differences from
//! bleach, pinned by tests: html5lib's tree-building of misnested allowed tags (the adoption
//! agency algorithm) is not reproduced — a misnested end tag closes the tags opened after its
//! start tag; entities in attribute values are kept as written.

use std::borrow::Cow;

const ALLOWED_TAGS: &[&str] = &[
    "a",
    "abbr",
    "acronym",
    "b",
    "blockquote",
    "br",
    "code",
    "em",
    "i",
    "li",
    "ol",
    "strong",
    "ul",
];

const VOID_TAGS: &[&str] = &["br"];

const ALLOWED_PROTOCOLS: &[&str] = &["http", "https", "mailto"];

/// A tag as written in the source.
struct Tag<'a> {
    /// The tag's name, lower-cased, when it is an allowed tag; `None` for any other.
    allowed: Option<&'static str>,
    end: bool,
    /// Attribute names as written (any case) and values.
    attributes: Vec<(&'a str, Option<&'a str>)>,
    /// Bytes consumed, from the `<` to the `>` included.
    len: usize,
}

/// Parses the tag starting at `source[0] == '<'`; `None` when it is not a tag (then `<` is
/// text).
fn parse_tag(source: &str) -> Option<Tag<'_>> {
    let bytes = source.as_bytes();
    let mut i = 1;
    let end = bytes.get(i) == Some(&b'/');
    if end {
        i += 1;
    }
    if !bytes.get(i)?.is_ascii_alphabetic() {
        return None;
    }
    let name_start = i;
    while i < bytes.len()
        && !matches!(
            bytes[i],
            b' ' | b'\t' | b'\n' | b'\r' | b'\x0c' | b'/' | b'>'
        )
    {
        i += 1;
    }
    let name = &source[name_start..i];
    let allowed = ALLOWED_TAGS
        .iter()
        .copied()
        .find(|allowed| allowed.eq_ignore_ascii_case(name));
    let mut attributes = Vec::new();
    loop {
        while i < bytes.len() && matches!(bytes[i], b' ' | b'\t' | b'\n' | b'\r' | b'\x0c' | b'/') {
            i += 1;
        }
        match bytes.get(i)? {
            b'>' => {
                return Some(Tag {
                    allowed,
                    end,
                    attributes,
                    len: i + 1,
                })
            }
            _ => {
                let attr_start = i;
                while i < bytes.len()
                    && !matches!(
                        bytes[i],
                        b' ' | b'\t' | b'\n' | b'\r' | b'\x0c' | b'/' | b'>' | b'='
                    )
                {
                    i += 1;
                }
                let attr_name = &source[attr_start..i];
                while i < bytes.len() && matches!(bytes[i], b' ' | b'\t' | b'\n' | b'\r' | b'\x0c')
                {
                    i += 1;
                }
                let mut value = None;
                if bytes.get(i) == Some(&b'=') {
                    i += 1;
                    while i < bytes.len()
                        && matches!(bytes[i], b' ' | b'\t' | b'\n' | b'\r' | b'\x0c')
                    {
                        i += 1;
                    }
                    match bytes.get(i)? {
                        quote @ (b'"' | b'\'') => {
                            let close = source[i + 1..].find(*quote as char)? + i + 1;
                            value = Some(&source[i + 1..close]);
                            i = close + 1;
                        }
                        _ => {
                            let value_start = i;
                            while i < bytes.len()
                                && !matches!(
                                    bytes[i],
                                    b' ' | b'\t' | b'\n' | b'\r' | b'\x0c' | b'>'
                                )
                            {
                                i += 1;
                            }
                            value = Some(&source[value_start..i]);
                        }
                    }
                }
                // Only an allowed tag's attributes are written back.
                if !attr_name.is_empty() && allowed.is_some() {
                    attributes.push((attr_name, value));
                }
            }
        }
    }
}

/// Whether the attribute `name` (lower-cased) of `tag` is kept with `value`.
fn allowed_attribute(tag: &str, name: &str, value: &str) -> bool {
    match (tag, name) {
        ("a", "href") => href_allowed(value),
        ("a" | "abbr" | "acronym", "title") => true,
        ("a", "target") => value == "_blank" || value == "_top",
        _ => false,
    }
}

/// A URL with no scheme, or one of the allowed schemes.
fn href_allowed(value: &str) -> bool {
    let value = value.trim();
    match value.find(':') {
        Some(colon) => {
            let scheme = &value[..colon];
            let looks_like_scheme = scheme
                .chars()
                .next()
                .is_some_and(|c| c.is_ascii_alphabetic())
                && scheme
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.'));
            !looks_like_scheme
                || ALLOWED_PROTOCOLS
                    .iter()
                    .any(|allowed| scheme.eq_ignore_ascii_case(allowed))
        }
        None => true,
    }
}

fn push_escaped_text(out: &mut String, mut text: &str) {
    while let Some(position) = next_bracket(text) {
        out.push_str(&text[..position]);
        out.push_str(if text.as_bytes()[position] == b'<' {
            "&lt;"
        } else {
            "&gt;"
        });
        text = &text[position + 1..];
    }
    out.push_str(text);
}

/// The position of the first `<` or `>` of `text`.
fn next_bracket(text: &str) -> Option<usize> {
    memchr::memchr2(b'<', b'>', text.as_bytes())
}

/// Whether `text` holds `&amp;`.
fn has_amp_entity(text: &str) -> bool {
    memchr::memmem::find(text.as_bytes(), b"&amp;").is_some()
}

fn push_tag(out: &mut String, name: &'static str, tag: &Tag<'_>) {
    out.push('<');
    out.push_str(name);
    for (attribute, value) in &tag.attributes {
        let value = value.unwrap_or("");
        let lower = ["href", "title", "target"]
            .into_iter()
            .find(|known| known.eq_ignore_ascii_case(attribute));
        if lower.is_some_and(|attribute| allowed_attribute(name, attribute, value)) {
            out.push(' ');
            out.push_str(lower.unwrap_or_default());
            out.push_str("=\"");
            out.push_str(&value.replace('"', "&quot;"));
            out.push('"');
        }
    }
    out.push('>');
}

/// Sanitises `text` as the reference's `html_sanitize` does (see the module's documentation);
/// borrowed when there is nothing to change.
///
/// ```
/// use clustaar_schemas::processing::html_sanitize;
/// assert_eq!(html_sanitize("<script>x</script> & <b>y</b>"), "&lt;script&gt;x&lt;/script&gt; & <b>y</b>");
/// assert!(matches!(html_sanitize("plain & simple"), std::borrow::Cow::Borrowed(_)));
/// ```
pub fn html_sanitize(text: &str) -> Cow<'_, str> {
    if next_bracket(text).is_none() && !has_amp_entity(text) {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len() + 8);
    let mut open: Vec<&'static str> = Vec::new();
    let mut rest = text;
    while let Some(position) = next_bracket(rest) {
        out.push_str(&rest[..position]);
        rest = &rest[position..];
        if rest.starts_with('>') {
            out.push_str("&gt;");
            rest = &rest[1..];
            continue;
        }
        if let Some(comment) = rest.strip_prefix("<!--") {
            rest = comment.find("-->").map_or("", |end| &comment[end + 3..]);
            continue;
        }
        match parse_tag(rest) {
            Some(
                tag @ Tag {
                    allowed: Some(name),
                    ..
                },
            ) => {
                if tag.end {
                    if let Some(index) = open.iter().rposition(|open| *open == name) {
                        for name in open.drain(index..).rev() {
                            out.push_str("</");
                            out.push_str(name);
                            out.push('>');
                        }
                    }
                } else {
                    push_tag(&mut out, name, &tag);
                    if !VOID_TAGS.contains(&name) {
                        open.push(name);
                    }
                }
                rest = &rest[tag.len..];
            }
            Some(tag) => {
                push_escaped_text(&mut out, &rest[..tag.len]);
                rest = &rest[tag.len..];
            }
            None => {
                out.push_str("&lt;");
                rest = &rest[1..];
            }
        }
    }
    out.push_str(rest);
    for name in open.iter().rev() {
        out.push_str("</");
        out.push_str(name);
        out.push('>');
    }
    if has_amp_entity(&out) {
        out = out.replace("&amp;", "&");
    }
    Cow::Owned(out)
}
