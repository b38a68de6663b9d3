//! Properties of the models over generated documents: dumping a loaded document is stable
//! (`dump(load(dump(load(x)))) == dump(load(x))`), and sanitised text never holds a tag the
//! sanitiser escapes.

use clustaar_schemas::processing::{html_sanitize, normalize_then_sanitize};
use clustaar_schemas::*;
use proptest::prelude::*;
use serde_json::Value;

const ID: &str = "5a1b2c3d4e5f6a7b8c9d0e1f";
const ALLOWED: &[&str] = &[
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

/// Text mixing letters, HTML, entities, quotes and full-width forms.
fn text() -> impl Strategy<Value = String> {
    prop::collection::vec(
        prop_oneof![
            "[a-zA-Z0-9 ]{1,6}",
            Just("<".to_owned()),
            Just(">".to_owned()),
            Just("&".to_owned()),
            Just("\"".to_owned()),
            Just("'".to_owned()),
            Just("<b>".to_owned()),
            Just("</b>".to_owned()),
            Just("<script>".to_owned()),
            Just("＜script＞".to_owned()),
            Just("<a href='http://x' onclick='y'>".to_owned()),
            Just("<p class=x>".to_owned()),
            Just("<!-- c -->".to_owned()),
            Just("ﬁ é".to_owned()),
        ],
        0..8,
    )
    .prop_map(|parts| parts.concat())
}

fn action() -> impl Strategy<Value = Action> {
    prop_oneof![
        prop::collection::vec(text(), 1..4).prop_map(|t| SendTextAction::new(t).into()),
        (text(), text()).prop_map(|(message, title)| {
            SendQuickRepliesAction::new(message, [QuickReply::new(title, GoToAction::to_step(ID))])
                .into()
        }),
        (text(), text(), text()).prop_map(|(title, subtitle, button)| {
            SendCardsAction::new([Card::new(title)
                .subtitle(subtitle)
                .image_url(" https://example.com/a.png ")
                .button(Button::new(
                    button,
                    OpenUrlAction::new("https://example.com"),
                ))])
            .into()
        }),
        (text(), text()).prop_map(|(key, value)| StoreSessionValueAction::new(key, value).into()),
        (text(), text(), text()).prop_map(|(to, subject, content)| {
            SendEmailAction::new(to, subject, content).into()
        }),
        (text(), text()).prop_map(|(placeholder, title)| {
            SendChoicesListAction::new(
                placeholder,
                [Section::new([Choice::new(title)])],
                GoToAction::to_step(ID),
            )
            .into()
        }),
        (0.5f64..7.0).prop_map(|seconds| WaitAction::seconds(seconds).into()),
        Just(PauseBotAction::new().into()),
        text().prop_map(|label| {
            CustomerSatisfactionAction::new(
                label.clone(),
                [
                    CustomerSatisfactionChoice::new("positive", label.clone())
                        .target(StepTarget::new(ID)),
                    CustomerSatisfactionChoice::new("negative", label),
                ],
            )
            .into()
        }),
    ]
}

fn load_dump(document: &Value) -> Value {
    let response: StepReachedResponse = serde_json::from_value(document.clone()).unwrap();
    serde_json::to_value(&response).unwrap()
}

/// Each `<` of `text` opens or closes an allowed tag.
fn only_allowed_tags(text: &str) -> bool {
    text.match_indices('<').all(|(index, _)| {
        let rest = text[index + 1..].trim_start_matches('/');
        let name: String = rest
            .chars()
            .take_while(|c| c.is_ascii_alphanumeric())
            .collect();
        ALLOWED.contains(&name.as_str())
    })
}

proptest! {
    #[test]
    fn dumping_a_loaded_document_is_stable(actions in prop::collection::vec(action(), 0..6), name in text()) {
        let document = serde_json::to_value(
            StepReachedResponse::with_actions(actions).session_value("name", name),
        )
        .unwrap();
        let once = load_dump(&document);
        let twice = load_dump(&once);
        prop_assert_eq!(once.to_string(), twice.to_string());
    }

    #[test]
    fn sanitised_text_holds_only_allowed_tags_and_is_stable(input in text()) {
        let clean = normalize_then_sanitize(&input);
        prop_assert!(only_allowed_tags(&clean), "{:?} -> {:?}", input, clean);
        prop_assert_eq!(html_sanitize(&clean), clean.clone());
    }
}
