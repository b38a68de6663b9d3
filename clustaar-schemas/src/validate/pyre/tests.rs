//! Verdicts of Python 3.11's `re`, written down by `scripts/python_re_cases.py` (the script
//! runs Python on each case; the test keeps its answers).

use super::*;

include!("cases.rs");

#[test]
fn compile_verdicts_are_python_s() {
    let mut wrong = Vec::new();
    for &(pattern, python) in COMPILE {
        let ours = check(pattern);
        if ours.is_ok() != python.is_ok() {
            wrong.push(format!("{pattern:?}: python {python:?}, ours {ours:?}"));
        } else if let (Err(ours), Err(python)) = (&ours, python)
            && ours.message != python
        {
            wrong.push(format!(
                "{pattern:?}: python {python:?}, ours {:?}",
                ours.message
            ));
        }
    }
    assert!(
        wrong.is_empty(),
        "{} disagreements:\n{}",
        wrong.len(),
        wrong.join("\n")
    );
}

#[test]
fn match_verdicts_are_python_s() {
    let mut wrong = Vec::new();
    let mut compiled: std::collections::HashMap<(&str, &str), PyRegex> = Default::default();
    for &(pattern, flags, text, python) in MATCH {
        let key = (pattern, flags);
        let flags = flags.chars().fold(Flags::default(), |all, c| {
            all.with(match c {
                'i' => Flags::IGNORECASE,
                's' => Flags::DOTALL,
                'm' => Flags::MULTILINE,
                'a' => Flags::ASCII,
                'x' => Flags::VERBOSE,
                _ => unreachable!("{c}"),
            })
        });
        let regex = compiled.entry(key).or_insert_with(|| {
            PyRegex::new(pattern, flags).unwrap_or_else(|e| panic!("{pattern:?}: {e}"))
        });
        if regex.is_match(text) != python {
            wrong.push(format!(
                "{pattern:?} {flags:?} on {text:?}: python {python}"
            ));
        }
    }
    assert!(
        wrong.is_empty(),
        "{} disagreements:\n{}",
        wrong.len(),
        wrong.join("\n")
    );
}
