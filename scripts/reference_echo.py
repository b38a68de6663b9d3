"""Times the reference's echo (clustaar.schemas 1.10.0 with clustaar.webhook's mapper) on the
fixtures of `cargo bench --bench models`, for the ratios of benches/models_vs_reference.sh.

The echo, as the Rust benchmark's `echo` functions do it: the notification's bytes loaded
(`json.loads`, then the v1 mapper's `load` with schema WEBHOOK_REQUEST, which processes every
text: sanitising, NFKC), the answer built from the step's own actions with one session value
(`StepReachedResponse`), dumped by the mapper, the dump validated with schema
WEBHOOK_STEP_REACHED_RESPONSE (the reference validates documents, not objects), and the JSON
bytes written (`json.dumps`, compact, UTF-8 as serde_json writes it).

One fault of the reference is worked around, outside the timed work's cost: a loaded
`CustomerSatisfactionChoice` has `matching_intent_id` but its schema dumps `matching_intent`
(an AttributeError on every echo of a `customer_satisfaction_action`); the choice's schema
also sets `matching_intent` from the `matchingIntent` received (id and name, as the platform's
own objects have it), so the echo carries what was sent, as the Rust echo does.

Fixtures:
- `every_action` (the `models` group): the 27 actions of tests/common/every_action.rs, built
  here the same way and written in the same bytes as the benchmark's notification;
- `rich` (the `models_rich` group): tests/fixtures/step_reached_rich.json.

Prints one line per fixture: name, bytes, best µs per echo over ROUNDS rounds of N echoes,
and how many parts of its own echo the reference refuses (see `validate_answer`).

    target/differential-venv/bin/python scripts/reference_echo.py [--rounds 5] [--min-time 0.3]
"""

import argparse
import json
import sys
import time
from pathlib import Path

from clustaar.schemas import models, v1
from lupin.errors import InvalidDocument
from lupin.object_factories import constructor

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "clustaar-schemas/tests/fixtures/v1"
MAPPER = v1.get_mapper(factory=constructor)

# The order of tests/common/every_action.rs.
ACTION_FIXTURES = [
    "pause_bot_action.data", "wait_action.data", "send_email_action.data",
    "send_text_action.data", "send_js_event_action.data", "send_image_action.data",
    "close_intercom_conversation_action.data", "assign_intercom_conversation_action.data",
    "send_cards_action.data", "send_simple_cards_action.data",
    "send_quick_replies_action.data", "store_session_value_action.data",
    "set_user_attribute_action.data", "ask_location_action.data",
    "google_custom_search_action.data", "create_zendesk_ticket_action.data",
    "jump_to_action.data", "customer_satisfaction_action.data",
    "send_webhook_request_action.data", "create_user_request_action.data",
    "transfer_iadvize_conversation_action.data", "close_iadvize_conversation_action.data",
    "ask_document_action.extra", "send_choices_list_action.data", "send_ai_task_action.data",
]


def fixture(name):
    return json.loads((FIXTURES / name).read_text())


def dumps(value):
    return json.dumps(value, ensure_ascii=False, separators=(",", ":")).encode()


def every_action_notification():
    """The bytes of benches/models.rs's `notification()` (serde_json with preserve_order)."""
    actions = [fixture(f"{name}.load.json") for name in ACTION_FIXTURES]
    actions += fixture("webhook_step_reached_response.choices.load.json")["actions"][:2]
    interlocutor = fixture("webhook_interlocutor.data.load.json")
    interlocutor["customAttributes"] = {"age": "21"}
    return dumps({
        "topic": "conversation.step_reached",
        "botID": "4321",
        "timestamp": 1514998709,
        "type": "notification_event",
        "data": {
            "type": "step_reached_event",
            "channel": "web",
            "interlocutor": interlocutor,
            "session": {"values": {"name": "tintin"}},
            "step": {"id": "5a1b2c3d4e5f6a7b8c9d0e1f", "name": "all", "userData": "{}", "actions": actions},
            "input": {"type": "message", "text": "hello", "attachments": []},
        },
    })


def _load_choice(load):
    def wrapped(cls, data, mapper, allow_partial=False, factory=None):
        choice = load(cls, data, mapper, allow_partial, factory or constructor)
        intent = data.get("matchingIntent")
        choice.matching_intent = intent and models.MatchIntentConditionIntent(
            id=intent.get("id"), name=intent.get("name")
        )
        return choice

    return wrapped


v1.CUSTOMER_SATISFACTION_CHOICE.load = _load_choice(v1.CUSTOMER_SATISFACTION_CHOICE.load)


def echo(body):
    request = MAPPER.load(json.loads(body), v1.WEBHOOK_REQUEST)
    answer = models.StepReachedResponse(
        actions=request.event.step.actions,
        session=models.ConversationSession(values={"name": "John"}),
        interlocutor=None,
    )
    document = MAPPER.dump(answer, v1.WEBHOOK_STEP_REACHED_RESPONSE)
    refused = validate_answer(document)
    return dumps(document), refused


def validate_answer(document):
    """`MAPPER.validate(document, WEBHOOK_STEP_REACHED_RESPONSE)`'s work, every action validated:
    lupin stops a list at its first invalid item, and the reference's own echo of the rich
    step is invalid (a sanitised text outgrows its limit: its known fault), which would leave
    most of the actions unchecked. Returns the number of parts refused (0: valid)."""
    refused = 0
    try:
        MAPPER.validate({**document, "actions": []}, v1.WEBHOOK_STEP_REACHED_RESPONSE)
    except InvalidDocument:
        refused += 1
    for index, action in enumerate(document["actions"]):
        mapping = MAPPER.get_schema_mapping(v1.ACTION_SCHEMAS[action["type"]])
        try:
            mapping.validate(action, MAPPER, path=["actions", str(index)])
        except InvalidDocument:
            refused += 1
    return refused


def best_us(body, rounds, min_time):
    """Best of `rounds` rounds, each a loop of at least `min_time` seconds: µs per echo, and
    the number of parts of the echo the reference's validation refuses."""
    _, refused = echo(body)
    start = time.perf_counter()
    echo(body)
    once = time.perf_counter() - start
    n = max(1, int(min_time / max(once, 1e-9)))
    best = float("inf")
    for _ in range(rounds):
        start = time.perf_counter()
        for _ in range(n):
            echo(body)
        best = min(best, (time.perf_counter() - start) / n)
    return best * 1e6, refused


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--min-time", type=float, default=0.3, help="seconds per round")
    parser.add_argument("--every-action", metavar="PATH",
                        help="the every_action notification's bytes, as the benchmark wrote them"
                        " (MODELS_WRITE_NOTIFICATION); else built here")
    args = parser.parse_args()
    every_action = every_action_notification()
    if args.every_action:
        written = Path(args.every_action).read_bytes()
        if written != every_action:
            print("note: the benchmark's notification differs from the one built here;"
                  " timing the benchmark's", file=sys.stderr)
        every_action = written
    cases = [
        ("every_action", every_action),
        ("rich", (ROOT / "tests/fixtures/step_reached_rich.json").read_bytes()),
    ]
    for name, body in cases:
        us, refused = best_us(body, args.rounds, args.min_time)
        print(f"{name} {len(body)} {us:.1f} refused={refused}", flush=True)


if __name__ == "__main__":
    main()
