//! A parsed Python pattern written in the syntax of the `regex`/`fancy-regex` crates, with
//! Python's meaning: `re.match`'s anchoring, `$`, `\Z`, `\d`, `\w`, `\s`, `\b`, `.` and
//! case-insensitive matching as `re` does them (the table in [`super`] says how).

use std::fmt::Write as _;

use super::charset::CharSet;
use super::parse::{At, Category, Flags, Greed, Node, Pattern, SetItem};

/// A construct this translation does not carry over (the pattern is valid Python).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("the pattern uses {0}, which is not translated from Python's syntax")]
pub struct Unsupported(pub &'static str);

/// The pattern as a `fancy-regex` pattern that matches where `re.match` does.
pub fn translate(pattern: &Pattern) -> Result<String, Unsupported> {
    let mut out = String::from(r"\A(?:");
    sequence(&mut out, &pattern.body, pattern.flags, Tail::Yes)?;
    out.push(')');
    Ok(out)
}

/// Whether nothing after a node counts for the verdict: there `$` may consume the final `\n`
/// (`\n?\z`) instead of looking at it (`(?=\n?\z)`, which needs the backtracking engine).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Tail {
    Yes,
    No,
}

fn sequence(out: &mut String, nodes: &[Node], flags: Flags, tail: Tail) -> Result<(), Unsupported> {
    for (index, node) in nodes.iter().enumerate() {
        let tail = if index + 1 == nodes.len() {
            tail
        } else {
            Tail::No
        };
        self::node(out, node, flags, tail)?;
    }
    Ok(())
}

fn node(out: &mut String, node: &Node, flags: Flags, tail: Tail) -> Result<(), Unsupported> {
    let ignore_case = flags.contains(Flags::IGNORECASE);
    let ascii = flags.contains(Flags::ASCII);
    let class = |set: CharSet| {
        if ignore_case {
            set.case_closed(ascii)
        } else {
            set
        }
    };
    match node {
        Node::Literal(c) => out.push_str(&class(CharSet::char(*c)).to_regex()),
        Node::NotLiteral(c) => out.push_str(&class(CharSet::char(*c)).complement().to_regex()),
        Node::Any if flags.contains(Flags::DOTALL) => out.push_str("(?s:.)"),
        Node::Any => out.push_str(r"[^\n]"),
        Node::Category(category) => out.push_str(&CharSet::category(*category, ascii).to_regex()),
        Node::Set { negate, items } => {
            let mut set = CharSet::default();
            for item in items {
                let part = match *item {
                    SetItem::Char(c) => CharSet::char(c),
                    SetItem::Range(lo, hi) => CharSet::from_ranges([(lo as u32, hi as u32)]),
                    SetItem::Category(category) => CharSet::category(category, ascii),
                };
                set = set.union(&part);
            }
            let set = class(set);
            out.push_str(&if *negate { set.complement() } else { set }.to_regex());
        }
        Node::At(at) => out.push_str(&assertion(*at, flags, tail)),
        Node::Branch(items) => {
            out.push_str("(?:");
            for (index, item) in items.iter().enumerate() {
                if index > 0 {
                    out.push('|');
                }
                sequence(out, item, flags, tail)?;
            }
            out.push(')');
        }
        Node::Group {
            index,
            add,
            remove,
            body,
        } => {
            out.push_str(if index.is_some() { "(" } else { "(?:" });
            sequence(out, body, flags.with(*add).without(*remove), tail)?;
            out.push(')');
        }
        Node::Atomic(body) => {
            out.push_str("(?>");
            sequence(out, body, flags, Tail::No)?;
            out.push(')');
        }
        Node::Look {
            behind,
            negate,
            body,
        } => {
            out.push_str(match (behind, negate) {
                (false, false) => "(?=",
                (false, true) => "(?!",
                (true, false) => "(?<=",
                (true, true) => "(?<!",
            });
            // A look-ahead's end is a tail; a look-behind's must end where it stands.
            let tail = if *behind { Tail::No } else { Tail::Yes };
            sequence(out, body, flags, tail)?;
            out.push(')');
        }
        Node::Repeat {
            min,
            max,
            greed,
            body,
        } => {
            out.push_str("(?:");
            sequence(out, body, flags, Tail::No)?;
            out.push(')');
            match max {
                Some(max) => {
                    let _ = write!(out, "{{{min},{max}}}");
                }
                None => {
                    let _ = write!(out, "{{{min},}}");
                }
            }
            match greed {
                Greed::Greedy => {}
                Greed::Lazy => out.push('?'),
                Greed::Possessive => out.push('+'),
            }
        }
        Node::GroupRef(_) if ignore_case => {
            return Err(Unsupported("a back-reference under IGNORECASE"))
        }
        Node::GroupRef(group) => {
            let _ = write!(out, "\\{group}");
        }
        Node::Conditional { .. } => return Err(Unsupported("a conditional group (?(1)...)")),
    }
    if matches!(node, Node::Literal('\u{FFFF}')) {
        return Err(Unsupported("a named character \\N{...}"));
    }
    Ok(())
}

fn assertion(at: At, flags: Flags, tail: Tail) -> String {
    let ascii = flags.contains(Flags::ASCII);
    let multiline = flags.contains(Flags::MULTILINE);
    match at {
        At::Beginning if multiline => r"(?m:^)".to_owned(),
        At::Beginning | At::BeginningString => r"\A".to_owned(),
        At::End if multiline => r"(?m:$)".to_owned(),
        At::End if tail == Tail::Yes => r"\n?\z".to_owned(),
        At::End => r"(?=\n?\z)".to_owned(),
        At::EndString => r"\z".to_owned(),
        At::Boundary | At::NonBoundary => {
            let word = CharSet::category(Category::Word, ascii).to_regex();
            if at == At::Boundary {
                format!("(?:(?<={word})(?!{word})|(?<!{word})(?={word}))")
            } else {
                format!("(?:(?<={word})(?={word})|(?<!{word})(?!{word}))")
            }
        }
    }
}
