//! One test per kind of rule, and the collection of every error of a document.

use serde_json::json;

use super::*;
use crate::*;

const ID: &str = "5a1b2c3d4e5f6a7b8c9d0e1f";

fn errors(value: &impl Validate) -> Vec<(String, Rule)> {
    match value.validate() {
        Ok(()) => Vec::new(),
        Err(errors) => errors.0.into_iter().map(|e| (e.path, e.rule)).collect(),
    }
}

fn paths(value: &impl Validate) -> Vec<String> {
    errors(value).into_iter().map(|(path, _)| path).collect()
}

fn response(actions: impl IntoIterator<Item = Action>) -> StepReachedResponse {
    StepReachedResponse::with_actions(actions)
}

#[test]
fn valid_answers_pass() {
    let answer = response([
        SendTextAction::new(["hello"]).into(),
        WaitAction::seconds(0.5).into(),
        SendQuickRepliesAction::new("Where?", [QuickReply::new("Home", GoToAction::to_step(ID))])
            .into(),
        SendCardsAction::new([Card::new("A card")
            .image_url("https://example.com/a.png")
            .button(Button::new(
                "Open",
                OpenUrlAction::new("https://example.com"),
            ))])
        .into(),
        JumpToAction::new(StoryTarget::new(ID))
            .connection(FlowConnection::new(
                StepTarget::new(ID),
                [ConnectionPredicate::new(
                    SessionValueGetter::new("age"),
                    IsGreaterThanCondition::new(18),
                )
                .into()],
            ))
            .into(),
        StoreSessionValueAction::new("name", "John").into(),
    ])
    .session_value("k", "v");
    assert_eq!(answer.validate(), Ok(()));
}

#[test]
fn lengths_and_counts() {
    let too_many: Vec<String> = (0..11).map(|i| i.to_string()).collect();
    let answer = response([
        SendTextAction::new(["", &"x".repeat(1001)]).into(),
        SendTextAction::new(too_many).into(),
        SendTextAction::new(Vec::<String>::new()).into(),
    ]);
    assert_eq!(
        errors(&answer),
        [
            (
                "actions[0].alternatives[0]".into(),
                Rule::Length {
                    min: 1,
                    max: 1000,
                    actual: 0
                }
            ),
            (
                "actions[0].alternatives[1]".into(),
                Rule::Length {
                    min: 1,
                    max: 1000,
                    actual: 1001
                }
            ),
            (
                "actions[1].alternatives".into(),
                Rule::Count {
                    min: 1,
                    max: 10,
                    actual: 11
                }
            ),
            (
                "actions[2].alternatives".into(),
                Rule::Count {
                    min: 1,
                    max: 10,
                    actual: 0
                }
            ),
        ]
    );
    // Characters, not bytes.
    assert_eq!(errors(&SendTextAction::new(["é".repeat(1000)])), []);
}

#[test]
fn required_fields() {
    let answer = response([SendQuickRepliesAction::default().into()]);
    assert_eq!(
        errors(&answer),
        [
            ("actions[0].message".into(), Rule::Required),
            ("actions[0].buttons".into(), Rule::Required),
        ]
    );
}

#[test]
fn object_ids_and_target_types() {
    let reply = QuickReply::new("t", GoToAction::to_step("1234"));
    assert_eq!(
        errors(&reply),
        [("action.target.id".into(), Rule::ObjectId)]
    );
    let block = GoToAction::new(ActionsBlockTarget::new(ID));
    assert_eq!(
        errors(&block),
        [(
            "target".into(),
            Rule::Type {
                allowed: &["step", "story"],
                actual: Some("actions_block".into())
            }
        )]
    );
}

#[test]
fn urls_and_schemes() {
    let image = SendImageAction::new("ftp://example.com/a.png");
    assert_eq!(
        errors(&image),
        [(
            "imageURL".into(),
            Rule::Url {
                schemes: &["http", "https"]
            }
        )]
    );
    assert_eq!(
        errors(&OpenUrlAction::new("not a url")),
        [("url".into(), Rule::Url { schemes: &[] })]
    );
    // A card's image may be empty.
    assert_eq!(errors(&Card::new("t").image_url("")), []);
}

#[test]
fn patterns() {
    let store = StoreSessionValueAction::new("first name", "v");
    assert_eq!(
        errors(&store),
        [(
            "key".into(),
            Rule::Pattern {
                pattern: r"^[\w\d_]+$"
            }
        )]
    );
    let attribute = SetUserAttributeAction::new("ID", "v");
    assert_eq!(paths(&attribute), ["key"]);
    let email = SendEmailAction {
        from_email: Some("bot@Clustaar.com".into()),
        ..SendEmailAction::new("a@example.com", "s", "c")
    };
    assert_eq!(paths(&email), ["fromEmail"]);
    let intercom = AssignIntercomConversationAction {
        assignee_id: Some("12a".into()),
        ..Default::default()
    };
    assert_eq!(
        errors(&intercom),
        [("assigneeID".into(), Rule::Pattern { pattern: r"^\d*$" })]
    );
}

/// The schemas' patterns match as Python's `re.match` does (the platform's verdicts, checked by
/// `scripts/differential.sh`): `$` before a final `\n`, Python's `\d` and `\w`, and
/// case-insensitive comparison with `re`'s equivalences (`ı`, `İ`, `ſ`, `K`).
#[test]
fn patterns_match_as_python_matches_them() {
    let intercom = |id: &str| AssignIntercomConversationAction {
        assignee_id: Some(id.into()),
        ..Default::default()
    };
    for valid in ["4242\n", "", "\n", "\u{664}\u{662}", "\u{ff14}"] {
        assert!(paths(&intercom(valid)).is_empty(), "{valid:?}");
    }
    for invalid in ["4242\n\n", "4242\r\n", "\n4242", "\u{b2}", "42 "] {
        assert_eq!(paths(&intercom(invalid)), ["assigneeID"], "{invalid:?}");
    }
    let key = |key: &str| paths(&StoreSessionValueAction::new(key, "v"));
    assert!(key("prénom\n").is_empty() && key("a_1").is_empty() && key("\u{2160}").is_empty());
    assert_eq!(key("a\u{200d}b"), ["key"]);
    assert_eq!(key("a b"), ["key"]);
    let attribute = |key: &str| paths(&SetUserAttributeAction::new(key, "v"));
    for refused in ["id", "ID", "Id\n", "\u{131}d", "\u{130}D"] {
        assert_eq!(attribute(refused), ["key"], "{refused:?}");
    }
    assert!(attribute("idx").is_empty() && attribute("id\n\n").len() == 1);
    let email = |from: &str| {
        paths(&SendEmailAction {
            from_email: Some(from.into()),
            ..SendEmailAction::new("a@example.com", "s", "c")
        })
    };
    assert_eq!(email("bot@clu\u{17f}taar.com"), ["fromEmail"]);
    assert_eq!(email("a\nb@example.com"), ["fromEmail"]);
    assert!(email("bot@example.com").is_empty());
    let id = |id: &str| paths(&StepTarget::new(id));
    assert!(id("5A1B2C3D4E5F6A7B8C9D0E1F").is_empty());
    assert!(id("5a1b2c3d4e5f6a7b8c9d0e1f\n").is_empty());
    assert!(id("\u{130}a1b2c3d4e5f6a7b8c9d0e1f").is_empty());
    assert_eq!(id("\u{660}a1b2c3d4e5f6a7b8c9d0e1f"), ["id"]);
}

#[test]
fn allowed_values_and_ranges() {
    let request = SendWebhookRequestAction::new("https://x", "ifttt", []);
    assert_eq!(
        errors(&request),
        [(
            "service".into(),
            Rule::OneOf {
                allowed: &["custom", "zapier"]
            }
        )]
    );
    assert_eq!(
        errors(&WaitAction::new(8)),
        [("duration".into(), Rule::Range { min: 0.5, max: 7.0 })]
    );
    assert_eq!(errors(&WaitAction::seconds(0.5)), []);
    let search = GoogleCustomSearchAction::new("q", "e", 11);
    assert_eq!(
        errors(&search),
        [(
            "limit".into(),
            Rule::Range {
                min: 1.0,
                max: 10.0
            }
        )]
    );
}

#[test]
fn regexes_and_conditions_per_predicate_kind() {
    let connection = FlowConnection::new(
        StepTarget::new(ID),
        [
            ConnectionPredicate::new(
                MessageGetter::new(),
                MatchRegexpCondition {
                    pattern: Some("(".into()),
                    ..Default::default()
                },
            )
            .into(),
            ConnectionTeamPredicate {
                condition: Some(IsLoggedCondition::new().into()),
                ..Default::default()
            }
            .into(),
        ],
    );
    let found = errors(&connection);
    assert_eq!(found.len(), 2, "{found:?}");
    assert_eq!(found[0].0, "predicates[0].condition.pattern");
    assert!(matches!(found[0].1, Rule::Regex { .. }));
    assert_eq!(
        found[1],
        (
            "predicates[1].condition".into(),
            Rule::Type {
                allowed: &["is_online", "is_offline"],
                actual: Some("is_logged".into())
            }
        )
    );
}

#[test]
fn section_titles_are_required_with_several_sections() {
    let list = SendChoicesListAction::new(
        "Pick",
        [
            Section::new([Choice::new("a")]).title("A"),
            Section::new([Choice::new("b")]),
        ],
        GoToAction::to_step(ID),
    );
    assert_eq!(
        errors(&list),
        [("sections[1].title".into(), Rule::SectionTitle)]
    );
    let single = SendChoicesListAction::new(
        "Pick",
        [Section::new([Choice::new("a")])],
        GoToAction::to_step(ID),
    );
    assert_eq!(errors(&single), []);
}

#[test]
fn custom_attributes_are_strings_with_word_keys() {
    let interlocutor: Interlocutor = serde_json::from_value(json!({
        "id": "1", "userID": "2", "customAttributes": {"ok": "1", "not ok": "2", "age": 3}
    }))
    .unwrap();
    assert_eq!(
        errors(&interlocutor),
        [
            (
                "customAttributes.not ok".into(),
                Rule::Pattern {
                    pattern: r"^[\w\d]+$"
                }
            ),
            ("customAttributes.age".into(), Rule::NotAString),
        ]
    );
}

#[test]
fn every_error_of_a_document_is_reported_with_a_prefix_and_a_readable_message() {
    let answer = response([
        PauseBotAction::new().into(),
        SendTextAction::new([""]).into(),
        SendImageAction::new("nope").into(),
    ]);
    let errors = answer.validate_at("data").unwrap_err();
    assert_eq!(
        errors.to_string(),
        "data.actions[1].alternatives[0]: the length must be between 1 and 1000 characters, not 0; \
         data.actions[2].imageURL: must be a URL with a host and one of the schemes http, https"
    );
}

#[test]
fn unknown_objects_are_not_validated() {
    let unknown: Action = serde_json::from_value(json!({"type": "send_hologram_action"})).unwrap();
    assert_eq!(errors(&response([unknown])), []);
}

#[test]
fn optional_fields_that_may_not_be_null() {
    let ticket = CreateZendeskTicketAction {
        subject: None,
        ..CreateZendeskTicketAction::new("help", ZendeskUser::new("Tintin", "t@example.com"))
    };
    assert_eq!(errors(&ticket), [("subject".into(), Rule::NotNull)]);
    let valid = CreateZendeskTicketAction::new("help", ZendeskUser::new("Tintin", "t@example.com"));
    assert_eq!(errors(&valid), []);
    let transfer = TransferIadvizeConversationAction {
        failed_transfer_message: None,
        ..TransferIadvizeConversationAction::new("1", "rule")
    };
    assert_eq!(
        errors(&transfer),
        [("failed_transfer_message".into(), Rule::NotNull)]
    );
}

/// Patterns and whether Python 3.11's `re.compile` accepts them (the platform's check),
/// recorded from Python.
const PYTHON_PATTERNS: &[(&str, bool)] = &[
    ("(hello)", true),
    (r"^(bonjour|hello)\b", true),
    (r"(?i)\d{2,4}[- ]?\w+", true),
    ("(", false),
    (")", false),
    ("[a-", false),
    ("*a", false),
    ("a**", false),
    ("(?=x)y", true),
    ("(?<=a)b", true),
    ("(?!a)b", true),
    (r"(a)\1", true),
    ("(?P<n>a)(?P=n)", true),
    ("[[:alpha:]]", true),
    (r"\k<n>", false),
    ("a{,3}", true),
    ("\\", false),
    ("[]", false),
    ("[^]", false),
    ("(?x) a b", true),
    (r"\Z", true),
    ("a++", true),
    ("(?>a)", true),
    (r"\x41", true),
    // fancy-regex's parser accepted these four; Python refuses them.
    ("a{2,1}", false),
    (r"\p{L}", false),
    ("(?<n>a)", false),
    (r"\1", false),
];

#[test]
fn patterns_are_judged_as_python_compiles_them() {
    let verdict = |pattern: &str| {
        let condition = Condition::MatchRegexp(MatchRegexpCondition {
            pattern: Some(pattern.into()),
            ..Default::default()
        });
        // Twice: the second verdict comes from the cache.
        let first = condition.validate().is_ok();
        assert_eq!(condition.validate().is_ok(), first, "{pattern}");
        first
    };
    for (pattern, python) in PYTHON_PATTERNS {
        assert_eq!(verdict(pattern), *python, "{pattern}");
    }
}

/// The checks by hand of the fixed patterns give the compiled patterns' verdicts (themselves
/// Python's: `pyre::tests`), on ASCII text and on any text: every string of up to 4 (ASCII)
/// or 3 characters over alphabets that reach each branch (Python's `\w`, `\d` and `re.I`
/// equivalents among them), the shapes each pattern cares about, and random strings.
#[test]
fn fixed_patterns_are_judged_as_the_compiled_patterns_judge() {
    use super::rules::{fixed_match, fixed_match_unicode, FixedPattern};

    fn every_string(alphabet: &[char], max_len: usize) -> Vec<String> {
        let mut texts = vec![String::new()];
        let mut level = vec![String::new()];
        for _ in 0..max_len {
            level = level
                .iter()
                .flat_map(|text| {
                    alphabet.iter().map(move |&c| {
                        let mut text = text.clone();
                        text.push(c);
                        text
                    })
                })
                .collect();
            texts.extend(level.iter().cloned());
        }
        texts
    }

    /// Random strings over `alphabet` (a fixed linear congruential sequence).
    fn random(alphabet: &[char], count: usize, seed: u64) -> Vec<String> {
        let mut state = seed;
        let mut next = move || {
            state = state
                .wrapping_mul(6_364_136_223_846_793_005)
                .wrapping_add(1_442_695_040_888_963_407);
            state >> 33
        };
        (0..count)
            .map(|_| {
                let len = (next() % 32) as usize;
                (0..len)
                    .map(|_| alphabet[next() as usize % alphabet.len()])
                    .collect()
            })
            .collect()
    }

    let ascii: Vec<char> = "aZ09_\n@.iIdDcC -\t".chars().collect();
    // Python's `\w` and `\d` beyond ASCII and not (`²` is `\w`, not `\d`; a combining accent
    // is neither), `re.I`'s equivalents of `i`, `d`, `s`, `k` (`İ`, `ı`, `ſ`, the Kelvin sign),
    // Unicode line separators and white space.
    let unicode: Vec<char> = "a_0\nIidSs\u{130}\u{131}\u{17f}\u{212a}\u{e9}\u{ff21}\u{663}\u{b2}\u{301}\u{2028}\u{85}\u{a0}\u{3000}.@"
        .chars()
        .collect();
    let all_ascii: Vec<char> = (0u8..0x80).map(char::from).collect();
    let mut texts = every_string(&ascii, 4);
    texts.extend(every_string(&unicode, 3));
    for base in [
        ID,
        "5A1B2C3D4E5F6A7B8C9D0E1F",
        "x@clustaar.io",
        "id",
        "ID",
        "iD",
    ] {
        for prefix in ["", "a", "\n", "@", "_", "\u{e9}"] {
            for suffix in [
                "",
                "\n",
                "\n\n",
                "x",
                "\nx",
                " ",
                "@ClUsTaAr.",
                "@clustaar",
                "\u{2028}",
            ] {
                texts.push(format!("{prefix}{base}{suffix}"));
            }
        }
    }
    for text in [
        &ID[1..],
        &format!("{ID}0"),
        &format!("{}\u{17f}", &ID[1..]),
        &format!("{}\u{212a}", &ID[1..]),
        &format!("{}\u{130}", &ID[1..]),
        &format!("{}\u{663}", &ID[1..]),
        "a@CLUSTAAR.com\n",
        "a@clustaar-.com",
        "a@clu\u{17f}taar.com",
        "a@CLU\u{17f}TAAR.com",
        "\u{130}d",
        "\u{131}D\n",
        "\u{130}\u{130}",
    ] {
        texts.push(text.to_owned());
    }
    texts.extend(random(&all_ascii, 20_000, 1));
    texts.extend(random(&unicode, 20_000, 2));
    let mut checked = 0;
    for pattern in FixedPattern::ALL {
        for text in &texts {
            let python = pattern.regex().is_match(text);
            assert_eq!(
                fixed_match(pattern, text),
                python,
                "{pattern:?} on {text:?}"
            );
            assert_eq!(
                fixed_match_unicode(pattern, text),
                python,
                "{pattern:?} on {text:?} (by characters)"
            );
            checked += 1;
        }
    }
    assert!(checked > 6 * 140_000, "{checked}");
}

/// The URLs judged without the parser ([`super::rules::plain_http_url`]) are URLs with a host
/// for the parser, with the same scheme: every host of up to 4 characters over an alphabet
/// that reaches each branch (labels, hyphens, `xn--`, numbers, ports, user info, escapes,
/// upper case, non-ASCII), and random ones, each followed by the ends a URL has.
#[test]
fn plain_http_urls_are_urls_with_a_host() {
    use super::rules::plain_http_url;

    let alphabet: Vec<char> = "ax0-.:@%\\ \tXé[".chars().collect();
    let mut hosts = vec![String::new()];
    let mut level = vec![String::new()];
    for _ in 0..4 {
        level = level
            .iter()
            .flat_map(|host| {
                alphabet.iter().map(move |&c| {
                    let mut host = host.clone();
                    host.push(c);
                    host
                })
            })
            .collect();
        hosts.extend(level.iter().cloned());
    }
    hosts.extend(
        [
            "example.com",
            "xn--nxasmq6b.com",
            "ab--c.com",
            "a-.com",
            "-a.com",
            "a.0x1f",
            "a.b1",
            "1.2.3.4",
            "256.0.0.1",
            "www.example.co.uk",
            "a..b",
            "a.",
        ]
        .map(str::to_owned),
    );
    let mut fast = 0;
    for host in &hosts {
        for scheme in ["http://", "https://", "HTTP://"] {
            for end in ["", "/path?q=1#f", "#y", "/ a b ", ":80/", "\\x"] {
                let text = format!("{scheme}{host}{end}");
                let parsed = url::Url::parse(&text).ok().filter(url::Url::has_host);
                if let Some(scheme) = plain_http_url(&text) {
                    fast += 1;
                    let parsed =
                        parsed.unwrap_or_else(|| panic!("{text:?}: not a URL with a host"));
                    assert_eq!(parsed.scheme(), scheme, "{text:?}");
                    // Between C0 controls and spaces, which the parser leaves out.
                    let padded = format!(" \t{text}\n\u{1f} ");
                    assert_eq!(plain_http_url(&padded), Some(scheme), "{padded:?}");
                    assert!(url::Url::parse(&padded).is_ok_and(|url| url.has_host()));
                }
            }
        }
    }
    assert!(fast > 1000, "{fast}");
}
