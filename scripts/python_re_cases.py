"""Writes clustaar-schemas/src/validate/pyre/cases.rs: Python 3.11's `re` verdicts, for the
tests of `clustaar_schemas::validate::pyre`.

- COMPILE: whether `re.compile(pattern)` accepts each pattern (its message when not): a list
  written by hand (every error `re/_parser.py` can raise) and every pattern of up to three
  tokens over an alphabet of syntax pieces.
- MATCH: `re.compile(pattern, flags).match(text) is not None` for the schemas' own patterns and
  others, on texts with trailing newlines, non-ASCII digits and letters, and every kind of
  Unicode white space.

Usage: python3 scripts/python_re_cases.py > clustaar-schemas/src/validate/pyre/cases.rs
"""

import itertools
import re
import sys

HAND = [
    "a{}", "a{,}", "a{,3}", "a{3,}", "{", "a{1", "x{2,1}", "(?<n>a)", r"\p{L}", r"\1", "a**",
    "a*+", "a*?+", "(?i)a(?x)b", "a(?i)", "(?L)a", "(?u)a", "(?au)a", "[a-\\d]", "[\\d-z]",
    "(?<=a*)b", "(?<=a|bc)d", "(?<=a|b)d", "(?#x", "(?#x)a", "a{4294967295}", "a{4294967294}",
    "(?P<1a>x)", "(?P<a>x)(?P<a>y)", "(?P=a)", "(?P<a>(?P=a))", "(?P<a>x)(?P=a)", "(a)(?(1)b|c)",
    "(?(2)b|c)", "(?(1)a|b|c)", "(?(0)a)", "(?(a)b)", "(?P<a>x)(?(a)b)", "(?(-1)a)", "[]]", "[^]]",
    "\\8", "[\\8]", "\\400", "[\\400]", "\\777", "\\0", "\\01", "\\012", "\\0123", "(?i:a)",
    "(?-i:a)", "(?i-i:a)", "(?x:a b)", "(?>a)", "*", "^*", "\\b*", "(?=a)*", "()*", "a|*", "(?:)",
    "a++", "a{2}{3}", "a{2}*", "(?s).", "\\Z", "\\z", "\\G", "\\e", "\\", "[a", "(a", "a)", "(?",
    "(?P", "(?P<", "(?P<a", "(?P<a>", "(?=", "(?<", "(?<=", "(?!", "(?P>a)", "(?Px)", "(?t)a",
    "(?-t:a)", "(?a-a:b)", "(?-a:b)", "(?i", "(?i-", "(?i-s", "(?i-s:a)", "(?-:a)", "(?z)",
    "(?i1)", "(?-1:a)", "(?i-1:a)", "(?=x)y", "(?<=a)b", "(?!a)b", r"(a)\1", "(?P<n>a)(?P=n)",
    "[[:alpha:]]", r"\k<n>", "\\x4", "\\x41", "\\u004", "\\u0041", "\\U00000041", "\\U00110000",
    "[\\x4]", "\\N{LATIN SMALL LETTER A}", "\\N", "\\N{", "\\N{}", "[\\N{LATIN SMALL LETTER A}]",
    "(?x)a # comment\nb", "(?x)[ ]", "(?x)a {2}", "a{2,3}?", "a{2,3}+", "(?<=\\1)(a)", "(a)(?<=\\1)",
    "(?<=(a))\\1", "(?<=(a)\\1)", "(a(?<=\\1))", "((a)|b)(?(2)c)", "(?P<é>a)", "(?P<a-b>x)",
    "(?P<_>x)", "[z-a]", "[a-a]", "[\\w-]", "[-a]", "[a-]", "[\\b]", "\\b", "[\\A]", "[\\Z]",
    "a{1,2", "a{1,2}}", "a{ 1}", "(?i)(?x)a", "(?x)(?i) a", "a|(?i)b", "(?:(?i)a)", "((?i)a)",
    "(?m)^$", "(?#)", "(?i)[^a]", "[^]", "[]", "[\\]", "[\\]]", "(*)", "(+a)", "a|", "|a", "()",
    "(|)", "a{0}", "a{0,0}", "(?<!ab|cd)e", "(?<=a{2})b", "(?<=a{1,2})b", "(?<=a+)b", "\\d{2,}\\s",
    "(?i)İ", "é+", "\\é", "\\-", "\\ ", "\\1\\2", "(a)(b)\\2", "(a)\\10", "(a)(b)(c)(d)(e)(f)(g)(h)(i)(j)\\10",
]

ALPHABET = ["a", "(", ")", "[", "]", "*", "?", "{", "}", "1", "|", "^", "\\", "-", "<", "P"]


def verdict(pattern):
    try:
        re.compile(pattern)
        return None
    except re.error as error:
        return error.msg
    except OverflowError as error:
        return str(error)


def rust(text):
    out = []
    for c in text:
        if c in '"\\':
            out.append("\\" + c)
        elif 0x20 <= ord(c) < 0x7F:
            out.append(c)
        else:
            out.append("\\u{%x}" % ord(c))
    return '"' + "".join(out) + '"'


SCHEMA_PATTERNS = [
    (r"^[\w\d_]+$", ""), (r"^\d*$", ""), (r"^[a-z0-9]{24}$", "i"),
    (r"(?i)^(?!(id)$)[\w\d_]+$", ""), (r"^((?!@clustaar\.).)*$", "i"), (r"^[\w\d]+$", ""),
]
OTHER_PATTERNS = [
    (r"\s+$", ""), (r"\b\w+\b$", ""), (r"\w+$", "a"), (r".+$", ""), (r".+\Z", "s"), (r"^b$", "m"),
    (r"a{,2}$", ""), (r" a b # c", "x"), (r"(a)\1$", ""), (r"(?<=a)b", ""), (r"a(?<=a)b", ""),
    (r"\w\b", ""), (r"\W+$", ""), (r"\S+$", ""), (r"\D+$", ""), (r"[^\d]+$", ""), (r"[^a-z]+$", "i"),
    (r"ß$", "i"), (r"K$", "i"), (r"µ$", "i"), (r"(?P<n>a)(?P=n)$", ""), (r"a*+a", ""),
    (r"(?>a*)a", ""), (r"a{2,3}?$", ""), (r"(?i:İ)$", ""), (r"\x41\u0042\U00000043$", ""),
    (r"\0\n\t$", ""),
]
WHITESPACE = [" ", "\u00a0", "\u1680", "\u2000", "\u2007", "\u200a", "\u202f", "\u205f", "\u3000",
              "\u2028", "\u2029", "\t", "\n", "\x0b", "\x0c", "\r", "\x1c", "\x1d", "\x1e", "\x1f",
              "\x85", "\u200b", "\u180e", "\ufeff"]
TEXTS = [
    "", "4242", "4242\n", "4242\n\n", "4242\r\n", "\n4242", "42 42", "\u0664\u0662", "\uff14\uff12",
    "\u00b2", "\u2155", "\u2160", "abc", "abc\n", "ab_c", "\u00e9t\u00e9", "e\u0301", "\u01c5",
    "\u0130d", "\u0131d", "ID", "id", "Id", "id\n", "id\n\n", "idx", "\u017f", "\u212a", "k", "K",
    "\u00df", "\u1e9e", "\u00b5", "\u03bc", "\u039c", "a", "aa", "aaa", "ab", "bb", "a\nb", "b\n",
    "x@clustaar.com", "x@CLUSTAAR.com", "x@clu\u017ftaar.com", "x@example.com", "x@example.com\n",
    "a\nb@example.com", "5a1b2c3d4e5f6a7b8c9d0e1f", "5A1B2C3D4E5F6A7B8C9D0E1F", "5a1b2c3d4e5f6a7b8c9d0e1f\n",
    "\u0130a1b2c3d4e5f6a7b8c9d0e1f", "\u212aa1b2c3d4e5f6a7b8c9d0e1f", "\u0660a1b2c3d4e5f6a7b8c9d0e1f",
    "ABC", "A\u0042C", "\x00\n\t", "\u0915\u093f", "\u200d", "a\u200db",
] + ["a" + w + "b" for w in WHITESPACE] + [w for w in WHITESPACE] + ["ab" + w for w in WHITESPACE]


def main():
    compile_cases = list(dict.fromkeys(HAND + [
        "".join(tokens) for n in range(1, 4) for tokens in itertools.product(ALPHABET, repeat=n)
    ]))
    # `\N{...}` names are not looked up here (see the module's table): only valid ones kept.
    compile_cases = [p for p in compile_cases if "\\N{" not in p or verdict(p) is None]
    out = sys.stdout
    out.write("// Generated by `scripts/python_re_cases.py` from Python "
              f"{sys.version.split()[0]}: do not edit.\n\n")
    out.write("/// `re.compile(pattern)`: `Ok` or Python's message.\n")
    out.write("#[rustfmt::skip]\nconst COMPILE: &[(&str, Result<(), &str>)] = &[\n")
    for pattern in compile_cases:
        message = verdict(pattern)
        result = "Ok(())" if message is None else f"Err({rust(message)})"
        out.write(f"    ({rust(pattern)}, {result}),\n")
    out.write("];\n\n")
    out.write("/// `re.compile(pattern, flags).match(text) is not None`.\n")
    out.write("#[rustfmt::skip]\nconst MATCH: &[(&str, &str, &str, bool)] = &[\n")
    flag_of = {"i": re.I, "s": re.S, "m": re.M, "a": re.A, "x": re.X, "": 0}
    for pattern, flags in SCHEMA_PATTERNS + OTHER_PATTERNS:
        compiled = re.compile(pattern, flag_of[flags])
        for text in TEXTS:
            matched = compiled.match(text) is not None
            out.write(f"    ({rust(pattern)}, {rust(flags)}, {rust(text)}, {str(matched).lower()}),\n")
    out.write("];\n")


main()
