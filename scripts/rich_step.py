"""Writes tests/fixtures/step_reached_rich.json: a rich step for the models benchmark and the
echo law, valid by the reference's own validation (clustaar.schemas 1.10.0).

34 actions of every type (the reference's examples, see tests/common/every_action.rs, plus
text, quick replies, cards and jumps on `match_regexp` conditions), each text made as rich as
its field accepts: markup, entities, full-width and decomposed characters, URLs padded with
spaces. Every enrichment is kept only if the reference still accepts the notification, so the
document stays valid whatever the limits.

Run with the differential test's virtualenv (scripts/differential.sh creates it):
    target/differential-venv/bin/python scripts/rich_step.py
"""

import copy
import json
from pathlib import Path

from clustaar.schemas import v1
from lupin.object_factories import constructor

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "clustaar-schemas/tests/fixtures/v1"
MAPPER = v1.get_mapper(factory=constructor)

ACTIONS = [
    "pause_bot_action.data", "wait_action.data", "send_email_action.data", "send_text_action.data",
    "send_js_event_action.data", "send_image_action.data", "close_intercom_conversation_action.data",
    "assign_intercom_conversation_action.data", "send_cards_action.data",
    "send_simple_cards_action.data", "send_quick_replies_action.data",
    "store_session_value_action.data", "set_user_attribute_action.data",
    "ask_location_action.data", "google_custom_search_action.data",
    "create_zendesk_ticket_action.data", "jump_to_action.data",
    "customer_satisfaction_action.data", "send_webhook_request_action.data",
    "create_user_request_action.data", "transfer_iadvize_conversation_action.data",
    "close_iadvize_conversation_action.data", "ask_document_action.extra",
    "send_choices_list_action.data", "send_ai_task_action.data",
]

# Rich pieces, longest first: each text gets as many as its field accepts.
PIECES = [
    " <b>Offre</b> &amp; <i>remise</i> de 10 % <script>alert(1)</script> sur ＡＢＣ① et ﬁ",
    " — cafe\u0301 <a href='https://example.com/x?a=1&b=2' onclick='y' target='_blank'>lien</a>",
    " <p class=\"note\">1 < 2 > 0</p> &lt;tag&gt; <!-- note --> <br/> ",
    " <em>ｆｕｌｌ</em> &amp; <u>u</u>",
    " <b>é</b>",
    " &amp;",
    " <",
]


def valid(document):
    try:
        MAPPER.validate(copy.deepcopy(document), v1.WEBHOOK_REQUEST)
        return True
    except Exception:
        return False


def load(name):
    return json.loads((FIXTURES / f"{name}.load.json").read_text())


def paths_of_strings(value, path=()):
    if isinstance(value, dict):
        for key, item in value.items():
            if key != "type":
                yield from paths_of_strings(item, path + (key,))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from paths_of_strings(item, path + (index,))
    elif isinstance(value, str):
        yield path


def get(document, path):
    for segment in path:
        document = document[segment]
    return document


def put(document, path, value):
    for segment in path[:-1]:
        document = document[segment]
    document[path[-1]] = value


def enrich(notification):
    """Makes each text of the step's actions as rich as the reference accepts."""
    actions = notification["data"]["step"]["actions"]
    for path in list(paths_of_strings(actions)):
        full = ("data", "step", "actions") + path
        original = get(notification, full)
        if original.startswith("http"):
            candidates = [f"  {original} ", f" {original}"]
        else:
            candidates = []
            for count in range(len(PIECES), 0, -1):
                candidates.append(original + "".join(PIECES[:count]))
            candidates += [original + piece for piece in PIECES[1:]]
        for candidate in candidates:
            put(notification, full, candidate)
            if valid(notification):
                break
        else:
            put(notification, full, original)


def extra_actions():
    """Actions beyond one of each type: more text, replies, cards, and regexp jumps."""
    regexp_jump = load("jump_to_action.data")
    connection = regexp_jump["connections"][0]
    connection["predicates"] = [
        {"type": "connection_predicate",
         "condition": {"type": "match_regexp", "pattern": pattern},
         "valueGetter": {"type": "message"}}
        for pattern in [r"^(bonjour|hello)\b", r"(?i)\d{2,4}[- ]?\w+", r"[a-z]+@[a-z]+\.(fr|com)"]
    ]
    second_jump = copy.deepcopy(regexp_jump)
    second_jump["connections"][0]["predicates"][0]["condition"]["pattern"] = r"^commande (\d+)$"
    return [
        load("send_text_action.data"),
        load("send_text_action.data"),
        load("send_quick_replies_action.data"),
        load("send_cards_action.data"),
        load("send_simple_cards_action.data"),
        regexp_jump,
        second_jump,
    ]


def main():
    actions = [load(name) for name in ACTIONS]
    choices = load("webhook_step_reached_response.choices")["actions"][:2]
    actions += choices + extra_actions()
    for action in actions:
        if action["type"] == "send_text_action":
            action["alternatives"] = action["alternatives"] * 3
    notification = load("webhook_request.data") if (FIXTURES / "webhook_request.data.load.json").exists() \
        else None
    if notification is None:
        manifest = json.loads((FIXTURES / "manifest.json").read_text())
        name = next(entry["name"] for entry in manifest if entry["schema"] == "WEBHOOK_REQUEST")
        notification = load(name)
    notification["data"]["step"]["actions"] = actions
    assert valid(notification), "the plain step must be valid"
    enrich(notification)
    assert valid(notification)
    out = ROOT / "tests/fixtures/step_reached_rich.json"
    out.write_text(json.dumps(notification, ensure_ascii=False) + "\n")
    print(f"{out}: {len(actions)} actions, {len(out.read_bytes())} bytes")


if __name__ == "__main__":
    main()
