//! Python 3.11's `re` syntax (`re/_parser.py` and the checks of `re/_compiler.py`), read into a
//! tree: a pattern is accepted here exactly when `re.compile` accepts it, with the same message
//! when it is not (`\N{...}` aside: see [`super`]'s table).

use std::collections::HashMap;
use std::fmt;

/// The largest repetition count `re` takes (`_sre.MAXREPEAT`; a count reaching it overflows).
const MAX_REPEAT: u64 = u32::MAX as u64;
/// The most groups a pattern may have (`_sre.MAXGROUPS`).
const MAX_GROUPS: usize = (1 << 30) - 1;
/// The width of an unbounded repetition (`MAXWIDTH`).
const MAX_WIDTH: u128 = 1 << 64;
/// The longest look-behind (`MAXCODE`).
const MAX_CODE: u128 = u32::MAX as u128;

/// A pattern `re.compile` refuses: its message, as Python words it.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{message} at position {position}")]
pub struct SyntaxError {
    /// Python's message (`nothing to repeat`, `bad escape \p`...).
    pub message: String,
    /// Where, in characters from the start.
    pub position: usize,
}

/// The flags of a pattern (`re.I`, `re.S`, `re.M`, `re.A`, `re.X`).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Flags(u8);

impl Flags {
    /// `re.IGNORECASE`, `(?i)`.
    pub const IGNORECASE: Flags = Flags(1);
    /// `re.DOTALL`, `(?s)`.
    pub const DOTALL: Flags = Flags(2);
    /// `re.MULTILINE`, `(?m)`.
    pub const MULTILINE: Flags = Flags(4);
    /// `re.ASCII`, `(?a)`.
    pub const ASCII: Flags = Flags(8);
    /// `re.VERBOSE`, `(?x)`.
    pub const VERBOSE: Flags = Flags(16);
    /// `re.UNICODE`, `(?u)`: the default of a text pattern.
    pub const UNICODE: Flags = Flags(32);

    /// Whether every flag of `other` is set.
    pub fn contains(self, other: Flags) -> bool {
        self.0 & other.0 == other.0 && other.0 != 0
    }

    /// These flags and `other`'s.
    pub fn with(self, other: Flags) -> Flags {
        Flags(self.0 | other.0)
    }

    /// These flags less `other`'s.
    pub fn without(self, other: Flags) -> Flags {
        Flags(self.0 & !other.0)
    }

    fn intersects(self, other: Flags) -> bool {
        self.0 & other.0 != 0
    }

    fn of(letter: char) -> Option<Flags> {
        Some(match letter {
            'i' => Flags::IGNORECASE,
            's' => Flags::DOTALL,
            'm' => Flags::MULTILINE,
            'a' => Flags::ASCII,
            'x' => Flags::VERBOSE,
            'u' => Flags::UNICODE,
            // Accepted as letters, then refused: `L` for a text pattern, `t` as a global flag.
            'L' => Flags(64),
            't' => Flags(128),
            _ => return None,
        })
    }
}

const TYPE_FLAGS: Flags = Flags(8 | 32 | 64);
const LOCALE: Flags = Flags(64);
const TEMPLATE: Flags = Flags(128);

/// A class of characters `\d`, `\w`, `\s` and their negations.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Category {
    /// `\d`.
    Digit,
    /// `\D`.
    NotDigit,
    /// `\w`.
    Word,
    /// `\W`.
    NotWord,
    /// `\s`.
    Space,
    /// `\S`.
    NotSpace,
}

/// A zero-width assertion.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum At {
    /// `^`.
    Beginning,
    /// `$`.
    End,
    /// `\A`.
    BeginningString,
    /// `\Z`.
    EndString,
    /// `\b`.
    Boundary,
    /// `\B`.
    NonBoundary,
}

/// An item of a set `[...]`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SetItem {
    /// One character.
    Char(char),
    /// A range, bounds included.
    Range(char, char),
    /// `\d` and the like.
    Category(Category),
}

/// How a repetition takes its characters.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Greed {
    /// `*`: as many as possible, giving back.
    Greedy,
    /// `*?`: as few as possible.
    Lazy,
    /// `*+`: as many as possible, giving nothing back.
    Possessive,
}

/// A sequence of nodes.
pub type Sequence = Vec<Node>;

/// A node of the tree.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Node {
    /// A character.
    Literal(char),
    /// `[^c]`.
    NotLiteral(char),
    /// `.`.
    Any,
    /// A set.
    Set {
        /// `[^...]`.
        negate: bool,
        /// Its items.
        items: Vec<SetItem>,
    },
    /// `\d` and the like, outside a set.
    Category(Category),
    /// An assertion.
    At(At),
    /// Alternatives `a|b`.
    Branch(Vec<Sequence>),
    /// A group: capturing (`index`) or not, with scoped flags.
    Group {
        /// The group's number, when it captures.
        index: Option<usize>,
        /// Flags turned on inside.
        add: Flags,
        /// Flags turned off inside.
        remove: Flags,
        /// Its content.
        body: Sequence,
    },
    /// `(?>...)`.
    Atomic(Sequence),
    /// A look-ahead or look-behind.
    Look {
        /// `(?<=`, `(?<!`.
        behind: bool,
        /// `(?!`, `(?<!`.
        negate: bool,
        /// Its content.
        body: Sequence,
    },
    /// A repetition.
    Repeat {
        /// At least.
        min: u64,
        /// At most (`None`: unbounded).
        max: Option<u64>,
        /// How.
        greed: Greed,
        /// What is repeated.
        body: Sequence,
    },
    /// `\1`, `(?P=name)`.
    GroupRef(usize),
    /// `(?(1)yes|no)`.
    Conditional {
        /// The group.
        group: usize,
        /// When it matched.
        yes: Sequence,
        /// When it did not.
        no: Option<Sequence>,
    },
}

/// A parsed pattern.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Pattern {
    /// The global flags (given, and set at the start with `(?i)`).
    pub flags: Flags,
    /// The tree.
    pub body: Sequence,
}

/// Parses `pattern` as `re.compile(pattern, flags)` does.
pub fn parse(pattern: &str, flags: Flags) -> Result<Pattern, SyntaxError> {
    let chars: Vec<char> = pattern.chars().collect();
    let mut flags = flags;
    loop {
        let verbose = flags.contains(Flags::VERBOSE);
        let mut parser = Parser {
            chars: &chars,
            index: 0,
            state: State {
                flags,
                ..State::default()
            },
        };
        match parser.parse_all(verbose) {
            // Parsed again from the start, verbose (`(?x)` among the global flags).
            Err(Restart::Verbose) => flags = flags.with(Flags::VERBOSE),
            Err(Restart::Error(error)) => return Err(error),
            Ok(body) => {
                let flags = parser.state.flags;
                if flags.intersects(LOCALE) {
                    return Err(error_at("cannot use LOCALE flag with a str pattern", 0));
                }
                return Ok(Pattern { flags, body });
            }
        }
    }
}

fn error_at(message: impl Into<String>, position: usize) -> SyntaxError {
    SyntaxError {
        message: message.into(),
        position,
    }
}

/// Why a parse stopped: an error, or global flags that turned verbose mode on (Python parses
/// again from the start).
enum Restart {
    Verbose,
    Error(SyntaxError),
}

impl From<SyntaxError> for Restart {
    fn from(error: SyntaxError) -> Self {
        Restart::Error(error)
    }
}

type Result<T, E = Restart> = std::result::Result<T, E>;

/// A token: a character, or a backslash and the character after it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Token {
    Char(char),
    Escape(char),
}

impl fmt::Display for Token {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Token::Char(c) => write!(f, "{c}"),
            Token::Escape(c) => write!(f, "\\{c}"),
        }
    }
}

#[derive(Default)]
struct State {
    flags: Flags,
    names: HashMap<String, usize>,
    /// Each group's width once closed (`None` while open); group 0 is the whole pattern.
    widths: Vec<Option<(u128, u128)>>,
    lookbehind_groups: Option<usize>,
    /// Conditionals' group numbers, checked once every group is known.
    condition_refs: Vec<(usize, usize)>,
}

impl State {
    fn groups(&self) -> usize {
        self.widths.len() + 1
    }

    fn closed(&self, group: usize) -> bool {
        group > 0 && group < self.groups() && self.widths[group - 1].is_some()
    }

    fn width(&self, group: usize) -> (u128, u128) {
        self.widths
            .get(group.wrapping_sub(1))
            .copied()
            .flatten()
            .unwrap_or((0, 0))
    }
}

struct Parser<'a> {
    chars: &'a [char],
    index: usize,
    state: State,
}

const SPECIAL: &str = ".\\[{()*+?^$|";

impl Parser<'_> {
    fn parse_all(&mut self, verbose: bool) -> Result<Sequence> {
        let body = self.parse_sub(verbose, 0)?;
        if self.peek()?.is_some() {
            return Err(error_at("unbalanced parenthesis", self.index).into());
        }
        for &(group, position) in &self.state.condition_refs {
            if group >= self.state.groups() {
                return Err(error_at(format!("invalid group reference {group}"), position).into());
            }
        }
        Ok(body)
    }

    // The tokenizer.

    fn peek(&self) -> Result<Option<Token>, SyntaxError> {
        match self.chars.get(self.index) {
            None => Ok(None),
            Some('\\') => match self.chars.get(self.index + 1) {
                Some(&c) => Ok(Some(Token::Escape(c))),
                None => Err(error_at(
                    "bad escape (end of pattern)",
                    self.chars.len() - 1,
                )),
            },
            Some(&c) => Ok(Some(Token::Char(c))),
        }
    }

    /// Moves `n` characters on. Python's tokenizer reads one token ahead, so a backslash
    /// ending the pattern is an error as soon as the token before it is taken.
    fn advance(&mut self, n: usize) -> Result<(), SyntaxError> {
        self.index += n;
        self.peek().map(drop)
    }

    fn next(&mut self) -> Result<Option<Token>, SyntaxError> {
        let token = self.peek()?;
        self.advance(match token {
            None => 0,
            Some(Token::Char(_)) => 1,
            Some(Token::Escape(_)) => 2,
        })?;
        Ok(token)
    }

    fn eat(&mut self, c: char) -> Result<bool, SyntaxError> {
        if self.peek()? == Some(Token::Char(c)) {
            self.advance(1)?;
            Ok(true)
        } else {
            Ok(false)
        }
    }

    fn next_is(&self, test: impl Fn(char) -> bool) -> bool {
        matches!(self.peek(), Ok(Some(Token::Char(c))) if test(c))
    }

    /// Up to `n` characters passing `test`.
    fn take_while(&mut self, n: usize, test: impl Fn(char) -> bool) -> Result<String, SyntaxError> {
        let mut out = String::new();
        while out.chars().count() < n && self.next_is(&test) {
            out.push(self.chars[self.index]);
            self.advance(1)?;
        }
        Ok(out)
    }

    /// The text up to `terminator` (`getuntil`).
    fn until(&mut self, terminator: char, name: &str) -> Result<String, SyntaxError> {
        let mut out = String::new();
        loop {
            let token = self.next()?;
            match token {
                None if out.is_empty() => {
                    return Err(error_at(format!("missing {name}"), self.index))
                }
                None => {
                    return Err(error_at(
                        format!("missing {terminator}, unterminated name"),
                        self.index - out.chars().count(),
                    ))
                }
                Some(Token::Char(c)) if c == terminator => {
                    if out.is_empty() {
                        return Err(error_at(format!("missing {name}"), self.index - 1));
                    }
                    return Ok(out);
                }
                Some(token) => out.push_str(&token.to_string()),
            }
        }
    }

    // The grammar.

    fn parse_sub(&mut self, mut verbose: bool, nested: usize) -> Result<Sequence> {
        let mut items = Vec::new();
        loop {
            let first = nested == 0 && items.is_empty();
            items.push(self.parse_seq(&mut verbose, nested + 1, first)?);
            if !self.eat('|')? {
                break;
            }
            if nested == 0 {
                verbose = self.state.flags.contains(Flags::VERBOSE);
            }
        }
        Ok(if items.len() == 1 {
            items.pop().unwrap_or_default()
        } else {
            vec![Node::Branch(items)]
        })
    }

    fn parse_seq(&mut self, verbose: &mut bool, nested: usize, first: bool) -> Result<Sequence> {
        let mut seq: Sequence = Vec::new();
        while let Some(token) = self.peek()? {
            if matches!(token, Token::Char('|' | ')')) {
                break;
            }
            self.next()?;
            let this = match token {
                Token::Escape(c) => {
                    seq.push(self.escape(c)?);
                    continue;
                }
                Token::Char(c) => c,
            };
            if *verbose {
                if " \t\n\r\x0b\x0c".contains(this) {
                    continue;
                }
                if this == '#' {
                    while !matches!(self.next()?, None | Some(Token::Char('\n'))) {}
                    continue;
                }
            }
            if !SPECIAL.contains(this) {
                seq.push(Node::Literal(this));
                continue;
            }
            match this {
                '[' => seq.push(self.set()?),
                '*' | '+' | '?' | '{' => {
                    if !self.repeat(this, &mut seq)? {
                        seq.push(Node::Literal('{'));
                    }
                }
                '.' => seq.push(Node::Any),
                '(' => {
                    if let Some(node) = self.group(verbose, nested, first && seq.is_empty())? {
                        seq.push(node);
                    }
                }
                '^' => seq.push(Node::At(At::Beginning)),
                '$' => seq.push(Node::At(At::End)),
                _ => unreachable!("every special character is handled"),
            }
        }
        Ok(seq)
    }

    /// A repetition of the last item; `false` when a `{` is a literal.
    fn repeat(&mut self, this: char, seq: &mut Sequence) -> Result<bool> {
        let here = self.index;
        let (min, max) = match this {
            '?' => (0, Some(1)),
            '*' => (0, None),
            '+' => (1, None),
            _ => {
                if self.next_is(|c| c == '}') {
                    return Ok(false);
                }
                let lo = self.take_while(usize::MAX, |c| c.is_ascii_digit())?;
                let hi = if self.eat(',')? {
                    self.take_while(usize::MAX, |c| c.is_ascii_digit())?
                } else {
                    lo.clone()
                };
                if !self.eat('}')? {
                    self.index = here;
                    return Ok(false);
                }
                let count = |digits: &str| -> Result<u64> {
                    match digits.parse::<u64>() {
                        Ok(n) if n < MAX_REPEAT => Ok(n),
                        _ => Err(error_at("the repetition number is too large", here).into()),
                    }
                };
                let min = if lo.is_empty() { 0 } else { count(&lo)? };
                let max = if hi.is_empty() {
                    None
                } else {
                    let max = count(&hi)?;
                    if max < min {
                        return Err(error_at("min repeat greater than max repeat", here).into());
                    }
                    Some(max)
                };
                (min, max)
            }
        };
        let body = match seq.pop() {
            None | Some(Node::At(_)) => {
                return Err(error_at("nothing to repeat", here - 1).into());
            }
            Some(Node::Repeat { .. }) => {
                return Err(error_at("multiple repeat", here - 1).into());
            }
            Some(Node::Group {
                index: None,
                add: Flags(0),
                remove: Flags(0),
                body,
            }) => body,
            Some(node) => vec![node],
        };
        let greed = if self.eat('?')? {
            Greed::Lazy
        } else if self.eat('+')? {
            Greed::Possessive
        } else {
            Greed::Greedy
        };
        seq.push(Node::Repeat {
            min,
            max,
            greed,
            body,
        });
        Ok(true)
    }

    fn set(&mut self) -> Result<Node> {
        let here = self.index - 1;
        let negate = self.eat('^')?;
        let mut items: Vec<SetItem> = Vec::new();
        let unterminated = || error_at("unterminated character set", here);
        loop {
            let this = self.next()?.ok_or_else(unterminated)?;
            if this == Token::Char(']') && !items.is_empty() {
                break;
            }
            let first = match this {
                Token::Escape(c) => self.class_escape(c)?,
                Token::Char(c) => SetItem::Char(c),
            };
            if self.eat('-')? {
                let that = self.next()?.ok_or_else(unterminated)?;
                if that == Token::Char(']') {
                    items.push(first);
                    items.push(SetItem::Char('-'));
                    break;
                }
                let second = match that {
                    Token::Escape(c) => self.class_escape(c)?,
                    Token::Char(c) => SetItem::Char(c),
                };
                match (first, second) {
                    (SetItem::Char(lo), SetItem::Char(hi)) if lo <= hi => {
                        items.push(SetItem::Range(lo, hi));
                    }
                    _ => {
                        return Err(error_at(
                            format!("bad character range {this}-{that}"),
                            self.index,
                        )
                        .into())
                    }
                }
            } else {
                items.push(first);
            }
        }
        let mut unique: Vec<SetItem> = Vec::with_capacity(items.len());
        for item in items {
            if !unique.contains(&item) {
                unique.push(item);
            }
        }
        Ok(match unique.as_slice() {
            [SetItem::Char(c)] if negate => Node::NotLiteral(*c),
            [SetItem::Char(c)] => Node::Literal(*c),
            _ => Node::Set {
                negate,
                items: unique,
            },
        })
    }

    /// `\x..`, `\u....`, `\U........`, `\N{...}`: `None` for other letters.
    fn code_escape(&mut self, c: char) -> Result<Option<char>> {
        let start = self.index - 2;
        let hex = |parser: &mut Self, n: usize| -> Result<u32> {
            let digits = parser.take_while(n, |c| c.is_ascii_hexdigit())?;
            if digits.len() != n {
                return Err(error_at(format!("incomplete escape \\{c}{digits}"), start).into());
            }
            Ok(u32::from_str_radix(&digits, 16).unwrap_or(u32::MAX))
        };
        let code = match c {
            'x' => hex(self, 2)?,
            'u' => hex(self, 4)?,
            'U' => {
                let code = hex(self, 8)?;
                if code > 0x10FFFF {
                    let text: String = self.chars[start..self.index].iter().collect();
                    return Err(error_at(format!("bad escape {text}"), start).into());
                }
                code
            }
            'N' => {
                if !self.eat('{')? {
                    return Err(error_at("missing {", self.index).into());
                }
                let name = self.until('}', "character name")?;
                // Python looks the name up in its Unicode database, which this crate does not
                // carry: a name of the database's alphabet is taken (see the table in `super`).
                if !name
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || c == ' ' || c == '-')
                {
                    return Err(
                        error_at(format!("undefined character name '{name}'"), start).into(),
                    );
                }
                // Stands for a character the translation refuses.
                '\u{FFFF}' as u32
            }
            _ => return Ok(None),
        };
        // Surrogates are characters in Python; a Rust `char` cannot hold one, and no text
        // received (UTF-8) holds one either, so one stands for none.
        Ok(Some(char::from_u32(code).unwrap_or('\u{FFFF}')))
    }

    fn bad_escape(&self, c: char) -> Restart {
        error_at(format!("bad escape \\{c}"), self.index - 2).into()
    }

    fn class_escape(&mut self, c: char) -> Result<SetItem> {
        if let Some(literal) = simple_escape(c) {
            return Ok(SetItem::Char(literal));
        }
        if c == 'b' {
            return Ok(SetItem::Char('\u{8}'));
        }
        if let Some(category) = category(c) {
            return Ok(SetItem::Category(category));
        }
        if let Some(code) = self.code_escape(c)? {
            return Ok(SetItem::Char(code));
        }
        if ('0'..='7').contains(&c) {
            let start = self.index - 2;
            let digits = format!("{c}{}", self.take_while(2, |c| ('0'..='7').contains(&c))?);
            return octal(&digits, start).map(SetItem::Char);
        }
        if c.is_ascii_alphanumeric() {
            return Err(self.bad_escape(c));
        }
        Ok(SetItem::Char(c))
    }

    fn escape(&mut self, c: char) -> Result<Node> {
        let at = match c {
            'A' => Some(At::BeginningString),
            'Z' => Some(At::EndString),
            'b' => Some(At::Boundary),
            'B' => Some(At::NonBoundary),
            _ => None,
        };
        if let Some(at) = at {
            return Ok(Node::At(at));
        }
        if let Some(category) = category(c) {
            return Ok(Node::Category(category));
        }
        if let Some(literal) = simple_escape(c) {
            return Ok(Node::Literal(literal));
        }
        if let Some(code) = self.code_escape(c)? {
            return Ok(Node::Literal(code));
        }
        let start = self.index - 2;
        if c == '0' {
            let digits = format!("0{}", self.take_while(2, |c| ('0'..='7').contains(&c))?);
            return octal(&digits, start).map(Node::Literal);
        }
        if c.is_ascii_digit() {
            let mut digits = c.to_string();
            if self.next_is(|c| c.is_ascii_digit()) {
                digits.push(self.chars[self.index]);
                self.advance(1)?;
                let octal_digit = |c: char| ('0'..='7').contains(&c);
                if digits.chars().all(octal_digit) && self.next_is(octal_digit) {
                    digits.push(self.chars[self.index]);
                    self.advance(1)?;
                    return octal(&digits, start).map(Node::Literal);
                }
            }
            let group: usize = digits.parse().unwrap_or(usize::MAX);
            if group < self.state.groups() {
                if !self.state.closed(group) {
                    return Err(error_at("cannot refer to an open group", start).into());
                }
                self.check_lookbehind_group(group)?;
                return Ok(Node::GroupRef(group));
            }
            return Err(error_at(format!("invalid group reference {group}"), start + 1).into());
        }
        if c.is_ascii_alphabetic() {
            return Err(self.bad_escape(c));
        }
        Ok(Node::Literal(c))
    }

    fn check_lookbehind_group(&self, group: usize) -> Result<()> {
        if let Some(first) = self.state.lookbehind_groups {
            if !self.state.closed(group) {
                return Err(error_at("cannot refer to an open group", self.index).into());
            }
            if group >= first {
                return Err(error_at(
                    "cannot refer to group defined in the same lookbehind subpattern",
                    self.index,
                )
                .into());
            }
        }
        Ok(())
    }

    fn check_name(&self, name: &str) -> Result<()> {
        if is_identifier(name) {
            Ok(())
        } else {
            Err(error_at(format!("bad character in group name '{name}'"), self.index).into())
        }
    }

    /// A group after its `(`; `None` for a comment or global flags.
    fn group(&mut self, verbose: &mut bool, nested: usize, first: bool) -> Result<Option<Node>> {
        let start = self.index - 1;
        let mut capture = true;
        let mut atomic = false;
        let mut name = None;
        let mut add = Flags::default();
        let mut remove = Flags::default();
        let unterminated = |index: usize| -> Restart {
            error_at("missing ), unterminated subpattern", index).into()
        };
        if self.eat('?')? {
            let Some(token) = self.next()? else {
                return Err(error_at("unexpected end of pattern", self.index).into());
            };
            let char = match token {
                Token::Char(c) => c,
                Token::Escape(c) => {
                    return Err(error_at(format!("unknown extension ?\\{c}"), self.index).into())
                }
            };
            match char {
                'P' => {
                    if self.eat('<')? {
                        let group_name = self.until('>', "group name")?;
                        self.check_name(&group_name)?;
                        name = Some(group_name);
                    } else if self.eat('=')? {
                        let group_name = self.until(')', "group name")?;
                        self.check_name(&group_name)?;
                        let Some(&group) = self.state.names.get(&group_name) else {
                            return Err(error_at(
                                format!("unknown group name '{group_name}'"),
                                self.index,
                            )
                            .into());
                        };
                        if !self.state.closed(group) {
                            return Err(
                                error_at("cannot refer to an open group", self.index).into()
                            );
                        }
                        self.check_lookbehind_group(group)?;
                        return Ok(Some(Node::GroupRef(group)));
                    } else {
                        return Err(match self.next()? {
                            None => error_at("unexpected end of pattern", self.index),
                            Some(token) => {
                                error_at(format!("unknown extension ?P{token}"), self.index)
                            }
                        }
                        .into());
                    }
                }
                ':' => capture = false,
                '#' => {
                    loop {
                        if self.index >= self.chars.len() {
                            return Err(error_at("missing ), unterminated comment", start).into());
                        }
                        if self.next()? == Some(Token::Char(')')) {
                            break;
                        }
                    }
                    return Ok(None);
                }
                '=' | '!' | '<' => {
                    let mut negate = char == '!';
                    let behind = char == '<';
                    let mut outer_lookbehind = None;
                    if behind {
                        match self.next()? {
                            None => {
                                return Err(error_at("unexpected end of pattern", self.index).into())
                            }
                            Some(Token::Char(c @ ('=' | '!'))) => negate = c == '!',
                            Some(token) => {
                                return Err(error_at(
                                    format!("unknown extension ?<{token}"),
                                    self.index,
                                )
                                .into())
                            }
                        }
                        outer_lookbehind = Some(self.state.lookbehind_groups);
                        if self.state.lookbehind_groups.is_none() {
                            self.state.lookbehind_groups = Some(self.state.groups());
                        }
                    }
                    let body = self.parse_sub(*verbose, nested + 1)?;
                    if let Some(None) = outer_lookbehind {
                        self.state.lookbehind_groups = None;
                    }
                    if !self.eat(')')? {
                        return Err(unterminated(start));
                    }
                    if behind {
                        let (lo, hi) = self.width(&body);
                        if lo > MAX_CODE {
                            return Err(error_at("looks too much behind", start).into());
                        }
                        if lo != hi {
                            return Err(error_at(
                                "look-behind requires fixed-width pattern",
                                start,
                            )
                            .into());
                        }
                    }
                    return Ok(Some(Node::Look {
                        behind,
                        negate,
                        body,
                    }));
                }
                '(' => return self.conditional(*verbose, nested, start).map(Some),
                '>' => {
                    capture = false;
                    atomic = true;
                }
                c if Flags::of(c).is_some() || c == '-' => match self.flags(c)? {
                    None => {
                        if !first {
                            return Err(error_at(
                                "global flags not at the start of the expression",
                                start,
                            )
                            .into());
                        }
                        let now_verbose = self.state.flags.contains(Flags::VERBOSE);
                        if now_verbose && !*verbose {
                            return Err(Restart::Verbose);
                        }
                        *verbose = now_verbose;
                        return Ok(None);
                    }
                    Some((on, off)) => {
                        add = on;
                        remove = off;
                        capture = false;
                    }
                },
                c => return Err(error_at(format!("unknown extension ?{c}"), self.index).into()),
            }
        }
        let index = if capture {
            let group = self.state.groups();
            self.state.widths.push(None);
            if self.state.groups() > MAX_GROUPS {
                return Err(error_at("too many groups", start).into());
            }
            if let Some(name) = name {
                if let Some(&previous) = self.state.names.get(&name) {
                    return Err(error_at(
                        format!(
                            "redefinition of group name '{name}' as group {group}; was group {previous}"
                        ),
                        start,
                    )
                    .into());
                }
                self.state.names.insert(name, group);
            }
            Some(group)
        } else {
            None
        };
        let inner_verbose =
            (*verbose || add.contains(Flags::VERBOSE)) && !remove.contains(Flags::VERBOSE);
        let body = self.parse_sub(inner_verbose, nested + 1)?;
        if !self.eat(')')? {
            return Err(unterminated(start));
        }
        if let Some(group) = index {
            let width = self.width(&body);
            self.state.widths[group - 1] = Some(width);
        }
        Ok(Some(if atomic {
            Node::Atomic(body)
        } else {
            Node::Group {
                index,
                add,
                remove,
                body,
            }
        }))
    }

    fn conditional(&mut self, verbose: bool, nested: usize, start: usize) -> Result<Node> {
        let name = self.until(')', "group name")?;
        let group = if is_identifier(&name) {
            *self
                .state
                .names
                .get(&name)
                .ok_or_else(|| error_at(format!("unknown group name '{name}'"), self.index))?
        } else {
            let group = name
                .parse::<usize>()
                .ok()
                .filter(|_| name.chars().all(|c| c.is_ascii_digit() || c.is_numeric()))
                .ok_or_else(|| {
                    error_at(format!("bad character in group name '{name}'"), self.index)
                })?;
            if group == 0 {
                return Err(error_at("bad group number", self.index).into());
            }
            if group >= MAX_GROUPS {
                return Err(
                    error_at(format!("invalid group reference {group}"), self.index).into(),
                );
            }
            self.state.condition_refs.push((group, self.index));
            group
        };
        self.check_lookbehind_group(group)?;
        let mut verbose = verbose;
        let yes = self.parse_seq(&mut verbose, nested + 1, false)?;
        let no = if self.eat('|')? {
            let no = self.parse_seq(&mut verbose, nested + 1, false)?;
            if self.next_is(|c| c == '|') {
                return Err(error_at(
                    "conditional backref with more than two branches",
                    self.index,
                )
                .into());
            }
            Some(no)
        } else {
            None
        };
        if !self.eat(')')? {
            return Err(error_at("missing ), unterminated subpattern", start).into());
        }
        Ok(Node::Conditional { group, yes, no })
    }

    /// Inline flags after `(?`: `None` for global ones `(?i)`, else those turned on and off.
    fn flags(&mut self, first: char) -> Result<Option<(Flags, Flags)>> {
        let mut add = Flags::default();
        let mut remove = Flags::default();
        let mut char = Some(first);
        let err =
            |parser: &Self, message: &str| -> Restart { error_at(message, parser.index).into() };
        let next_char = |parser: &mut Self| -> Result<Option<char>> {
            Ok(match parser.next()? {
                Some(Token::Char(c)) => Some(c),
                Some(Token::Escape(_)) => Some('\\'),
                None => None,
            })
        };
        if first != '-' {
            while let Some(flag) = char.and_then(Flags::of) {
                if flag == LOCALE {
                    return Err(err(
                        self,
                        "bad inline flags: cannot use 'L' flag with a str pattern",
                    ));
                }
                add = add.with(flag);
                if flag.intersects(TYPE_FLAGS) && Flags(add.0 & TYPE_FLAGS.0) != flag {
                    return Err(err(
                        self,
                        "bad inline flags: flags 'a', 'u' and 'L' are incompatible",
                    ));
                }
                char = next_char(self)?;
                match char {
                    None => return Err(err(self, "missing -, : or )")),
                    Some(')' | '-' | ':') => break,
                    Some(c) if Flags::of(c).is_none() => {
                        return Err(err(
                            self,
                            if c.is_alphabetic() {
                                "unknown flag"
                            } else {
                                "missing -, : or )"
                            },
                        ))
                    }
                    Some(_) => {}
                }
            }
        }
        if char == Some(')') {
            self.state.flags = self.state.flags.with(add);
            return Ok(None);
        }
        if add.intersects(TEMPLATE) {
            return Err(err(self, "bad inline flags: cannot turn on global flag"));
        }
        if char == Some('-') {
            char = next_char(self)?;
            match char {
                None => return Err(err(self, "missing flag")),
                Some(c) if Flags::of(c).is_none() => {
                    return Err(err(
                        self,
                        if c.is_alphabetic() {
                            "unknown flag"
                        } else {
                            "missing flag"
                        },
                    ))
                }
                Some(_) => {}
            }
            while let Some(flag) = char.and_then(Flags::of) {
                if flag.intersects(TYPE_FLAGS) {
                    return Err(err(
                        self,
                        "bad inline flags: cannot turn off flags 'a', 'u' and 'L'",
                    ));
                }
                remove = remove.with(flag);
                char = next_char(self)?;
                match char {
                    None => return Err(err(self, "missing :")),
                    Some(':') => break,
                    Some(c) if Flags::of(c).is_none() => {
                        return Err(err(
                            self,
                            if c.is_alphabetic() {
                                "unknown flag"
                            } else {
                                "missing :"
                            },
                        ))
                    }
                    Some(_) => {}
                }
            }
        }
        if remove.intersects(TEMPLATE) {
            return Err(err(self, "bad inline flags: cannot turn off global flag"));
        }
        if add.intersects(remove) {
            return Err(err(self, "bad inline flags: flag turned on and off"));
        }
        Ok(Some((add, remove)))
    }

    /// The least and most characters `seq` matches (`getwidth`).
    fn width(&self, seq: &[Node]) -> (u128, u128) {
        let (mut lo, mut hi) = (0u128, 0u128);
        for node in seq {
            let (i, j) = match node {
                Node::Branch(items) => items
                    .iter()
                    .map(|item| self.width(item))
                    .fold((MAX_WIDTH, 0), |(i, j), (l, h)| (i.min(l), j.max(h))),
                Node::Atomic(body) | Node::Group { body, .. } => self.width(body),
                Node::Repeat { min, max, body, .. } => {
                    let (i, j) = self.width(body);
                    let hi = match max {
                        None if j > 0 => MAX_WIDTH,
                        None => 0,
                        Some(max) => j.saturating_mul(u128::from(*max)),
                    };
                    (i.saturating_mul(u128::from(*min)), hi)
                }
                Node::Literal(_)
                | Node::NotLiteral(_)
                | Node::Any
                | Node::Set { .. }
                | Node::Category(_) => (1, 1),
                Node::GroupRef(group) => self.state.width(*group),
                Node::Conditional { yes, no, .. } => {
                    let (i, j) = self.width(yes);
                    match no {
                        Some(no) => {
                            let (l, h) = self.width(no);
                            (i.min(l), j.max(h))
                        }
                        None => (0, j),
                    }
                }
                Node::At(_) | Node::Look { .. } => (0, 0),
            };
            lo = lo.saturating_add(i);
            hi = hi.saturating_add(j);
        }
        (lo.min(MAX_WIDTH), hi.min(MAX_WIDTH))
    }
}

fn simple_escape(c: char) -> Option<char> {
    Some(match c {
        'a' => '\u{7}',
        'f' => '\u{c}',
        'n' => '\n',
        'r' => '\r',
        't' => '\t',
        'v' => '\u{b}',
        '\\' => '\\',
        _ => return None,
    })
}

fn category(c: char) -> Option<Category> {
    Some(match c {
        'd' => Category::Digit,
        'D' => Category::NotDigit,
        'w' => Category::Word,
        'W' => Category::NotWord,
        's' => Category::Space,
        'S' => Category::NotSpace,
        _ => return None,
    })
}

fn octal(digits: &str, start: usize) -> Result<char> {
    let code = u32::from_str_radix(digits, 8).unwrap_or(u32::MAX);
    if code > 0o377 {
        return Err(error_at(
            format!("octal escape value \\{digits} outside of range 0-0o377"),
            start,
        )
        .into());
    }
    Ok(char::from_u32(code).unwrap_or('\0'))
}

/// Python's `str.isidentifier()`: `_` or a character of Unicode's `XID_Start`, then characters
/// of `XID_Continue` (the `unicode-ident` crate's tables, of a later Unicode than Python 3.11's:
/// see the table in `super`).
fn is_identifier(name: &str) -> bool {
    let mut chars = name.chars();
    chars
        .next()
        .is_some_and(|c| c == '_' || unicode_ident::is_xid_start(c))
        && chars.all(unicode_ident::is_xid_continue)
}
