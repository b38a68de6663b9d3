"""Writes clustaar-schemas/tests/fixtures/v1/ from the reference's own tests (clustaar.schemas 1.10.0).

For every `data*` fixture of `tests/schemas/v1/test_*.py` in the reference's sdist, writes
`<test>.<fixture>.load.json` (the fixture: what the platform sends) and
`<test>.<fixture>.dump.json` (what the reference dumps after loading it, with the mapper of
clustaar.webhook: `get_mapper(factory=constructor)`), and lists them in `manifest.json` with the
schema's name. Where the reference cannot load or dump a document (its known faults), the
dump is the document itself (it round-trips here) and the manifest names the reference's
error.

Usage: python extract_reference_fixtures.py <sdist tests/schemas/v1 dir> <output dir>
(needs clustaar.schemas==1.10.0, lupin and pytest<8 installed.)
"""

import importlib.util
import inspect
import json
import sys
from pathlib import Path

from lupin import Schema
from lupin.object_factories import constructor

from clustaar.schemas import v1

sys.path.insert(0, ".")

MAPPER = v1.get_mapper(factory=constructor)
SCHEMA_NAMES = {id(value): name for name, value in vars(v1).items() if isinstance(value, Schema)}


def fixture_function(obj):
    wrapped = getattr(obj, "__pytest_wrapped__", None)
    return wrapped.obj if wrapped is not None else None


ALIASES = {"MESSAGE": "INCOMING_MESSAGE"}

# Models the reference's tests do not exercise on their own, and malicious inputs: loaded and
# dumped by the reference like the others.
EXTRA = {
    "ask_document_action.extra": ("ASK_DOCUMENT_ACTION", {
        "type": "ask_document_action",
        "message": "Send us your documents",
        "documents": [{
            "type": "asked_document",
            "message": "Your ID",
            "name": "id_card",
            "authorizedFileTypes": ["application/pdf", "image/"],
        }],
    }),
    "legacy_reply_to_message_action.attachments": ("LEGACY_REPLY_TO_MESSAGE_ACTION", {
        "type": "legacy_reply_to_message_action",
        "message": "here it is",
        "attachments": [{"name": "invoice", "url": "https://example.com/invoice.pdf"}],
    }),
    "predicate_attachment_value_getter.extra": ("PREDICATE_ATTACHMENT_VALUE_GETTER", {
        "type": "attachment_value", "key": "id_card",
    }),
    "webhook_step_reached_response.choices": ("WEBHOOK_STEP_REACHED_RESPONSE", {
        "actions": [
            {"type": "choice", "title": "A", "imageUrl": " https://example.com/a.png "},
            {"type": "section", "title": "S", "choices": [{"type": "choice", "title": "B"}]},
            {"type": "store_session_value_action", "key": "k", "value": "v"},
        ],
        "session": {"values": {"name": "John"}},
    }),
    "webhook_step_reached_response.malicious": ("WEBHOOK_STEP_REACHED_RESPONSE", {
        "actions": [
            {"type": "send_text_action", "alternatives": [
                "<script>alert(1)</script>", "<b>bold</b> & <i>it</i>",
                "<img src=x onerror=alert(1)>", "<a href='javascript:alert(1)' onclick='x'>l</a>",
            ]},
            {"type": "send_email_action", "fromEmail": "  <b>a</b>@example.com ",
             "recipient": " x@example.com ", "subject": "<p>s</p>", "content": "c"},
        ],
    }),
    "webhook_interlocutor.malicious": ("WEBHOOK_INTERLOCUTOR", {
        "id": "1", "userID": "2", "firstName": "<script>x</script>Tin", "lastName": "&amp;",
        "email": "<b>e</b>", "phoneNumber": "<u>1</u>", "customAttributes": {},
    }),
}


def call_fixture(module, function):
    """Calls a fixture, resolving its parameters with the module's fixtures of those names."""
    arguments = {
        parameter: call_fixture(module, fixture_function(getattr(module, parameter)))
        for parameter in inspect.signature(function).parameters
    }
    return function(**arguments)


def main(tests_dir, out_dir):
    out_dir.mkdir(parents=True, exist_ok=True)
    manifest = []
    for path in sorted(tests_dir.glob("test_*.py")):
        spec = importlib.util.spec_from_file_location(path.stem, path)
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
        schemas = [value for value in vars(module).values() if isinstance(value, Schema)]
        model = path.stem[len("test_"):].upper()
        if len(schemas) != 1:
            model = ALIASES.get(model, model)
            if not isinstance(getattr(v1, model, None), Schema):
                print(f"skip {path.name}: no schema", file=sys.stderr)
                continue
            schemas = [getattr(v1, model)]
        schema = schemas[0]
        for name, obj in sorted(vars(module).items()):
            function = fixture_function(obj)
            if not name.startswith("data") or function is None:
                continue
            data = call_fixture(module, function)
            stem = f"{path.stem[len('test_'):]}.{name}"
            entry = {"name": stem, "schema": SCHEMA_NAMES[id(schema)]}
            try:
                dumped = schema.dump(MAPPER.load(json.loads(json.dumps(data)), schema), MAPPER)
            except Exception as error:  # the reference's faults: here, they round-trip
                entry["reference_error"] = repr(error)
                dumped = data
            (out_dir / f"{stem}.load.json").write_text(json.dumps(data, indent=2, ensure_ascii=False) + "\n")
            (out_dir / f"{stem}.dump.json").write_text(json.dumps(dumped, indent=2, ensure_ascii=False) + "\n")
            manifest.append(entry)
    for stem, (schema_name, data) in EXTRA.items():
        schema = getattr(v1, schema_name)
        entry = {"name": stem, "schema": schema_name}
        try:
            dumped = schema.dump(MAPPER.load(json.loads(json.dumps(data)), schema), MAPPER)
        except Exception as error:
            entry["reference_error"] = repr(error)
            dumped = data
        (out_dir / f"{stem}.load.json").write_text(json.dumps(data, indent=2, ensure_ascii=False) + "\n")
        (out_dir / f"{stem}.dump.json").write_text(json.dumps(dumped, indent=2, ensure_ascii=False) + "\n")
        manifest.append(entry)
    (out_dir / "manifest.json").write_text(json.dumps(manifest, indent=2) + "\n")


if __name__ == "__main__":
    main(Path(sys.argv[1]), Path(sys.argv[2]))
