"""Differential test: the same documents through the reference (clustaar.schemas 1.10.0, with
clustaar.webhook's mapper) and through the Rust models (`examples/models_dump.rs`); their dumps
must be the same JSON, key order included, and every error the reference's validation finds in
the dump must be found by the Rust validation (which finds more: lupin stops at the first bad
item of a list and inside a failing nested object).

The documents are the reference's own examples (webhook/tests/fixtures/v1/) and seeded random
variations of them: text replaced by HTML, entities, padding and compatibility characters, keys
removed, values set to null. Documents the reference cannot load or dump (its faults) are
skipped and counted, as are the documents where the Rust API differs on purpose
(`known_difference`). Full-width `＜` `＞` are left out of the generated text: there the outputs
differ on purpose (the reference sanitises before normalising); unit tests pin that difference.

Usage: python differential.py <fixtures dir> <models_dump binary> [variations per fixture]
"""

import copy
import json
import random
import subprocess
import sys
from pathlib import Path

from lupin.errors import InvalidDocument
from lupin.object_factories import constructor

from clustaar.schemas import v1

MAPPER = v1.get_mapper(factory=constructor)

TEXTS = [
    "hello", "  padded  ", "<b>bold</b>", "<script>alert(1)</script>", "a & b", "&amp; &lt;",
    "<a href='http://x' target='_blank' onclick='y'>l</a>", "<p class=\"c\">p</p>", "x < y > z",
    "ﬁne ① ＡＢＣ", "é", "", "<br/>line", "<img src=x onerror=alert(1)>", "<!-- c -->t",
    "https://example.com/a.png", " https://example.com ", "5a1b2c3d4e5f6a7b8c9d0e1f",
]


def mutate(value, rng, key=None):
    """A random variation of `value`, keeping the JSON types (and the `type` keys)."""
    if isinstance(value, dict):
        out = {}
        for k, v in value.items():
            if k != "type" and rng.random() < 0.1:
                continue  # key removed
            if k != "type" and rng.random() < 0.05:
                out[k] = None
                continue
            out[k] = mutate(v, rng, k)
        return out
    if isinstance(value, list):
        return [mutate(item, rng) for item in value]
    if isinstance(value, str) and key != "type" and rng.random() < 0.5:
        return rng.choice(TEXTS)
    return value


def known_difference(schema_name, document):
    """Why the Rust dump differs on purpose, or None."""
    if schema_name == "WEBHOOK_REQUEST" and (
        document.get("topic") is None or document.get("data") is None
    ):
        return "a notification's topic and data are required (a 400 before any handler)"
    if schema_name == "WEBHOOK_STEP_REACHED_RESPONSE" and document.get("actions") is None:
        return "an answer's actions are a list, [] when absent"
    return None


def reference_dump(schema_name, document):
    schema = getattr(v1, schema_name)
    try:
        return schema.dump(MAPPER.load(copy.deepcopy(document), schema), MAPPER)
    except Exception:  # the reference's faults
        return None


def reference_invalid_paths(schema_name, dump):
    """The paths of the errors the reference's validation reports on `dump`, in our notation."""
    try:
        MAPPER.validate(copy.deepcopy(dump), getattr(v1, schema_name))
        return set()
    except InvalidDocument as error:
        found = set()

        def walk(error):
            if isinstance(error, InvalidDocument):
                for inner in error.errors:
                    walk(inner)
            else:
                path = ""
                for segment in error.path:
                    path += f"[{segment}]" if str(segment).isdigit() else (f".{segment}" if path else segment)
                found.add(path)

        walk(error)
        return found
    except Exception as error:  # the reference's validation crashes on some documents
        return {f"<crash: {error!r}>"}


def compare_validation(compared, answers):
    """Every error the reference's validation finds is found here (ours may find more: the
    reference stops at the first bad item of a list)."""
    missed = []
    checked = 0
    for (name, schema, document, expected), answer in zip(compared, answers):
        ours = answer.get("invalid")
        if ours is None or "dump" not in answer:
            continue
        checked += 1
        theirs = reference_invalid_paths(schema, expected)
        if any(path.startswith("<crash") for path in theirs):
            continue
        lost = sorted(path for path in theirs if not any(o == path or o.startswith(path + ".") or o.startswith(path + "[") for o in ours))
        if lost:
            missed.append((name, expected, sorted(theirs), ours, lost))
    print(f"validation: {checked} documents checked, {len(missed)} with an error the reference finds and we do not")
    for name, dump, theirs, ours, lost in missed[:20]:
        print(f"\n{name}\n  dump: {json.dumps(dump)}\n  reference: {theirs}\n  ours: {ours}\n  missed: {lost}")
    return len(missed)


def main(fixtures, binary, variations):
    manifest = json.loads((fixtures / "manifest.json").read_text())
    rng = random.Random(20261125)
    cases = []
    known = 0
    for entry in manifest:
        document = json.loads((fixtures / f"{entry['name']}.load.json").read_text())
        documents = [document] + [mutate(document, rng) for _ in range(variations)]
        for doc in documents:
            if known_difference(entry["schema"], doc):
                known += 1
                continue
            expected = reference_dump(entry["schema"], doc)
            cases.append((entry["name"], entry["schema"], doc, expected))
    compared = [case for case in cases if case[3] is not None]
    lines = "".join(json.dumps({"schema": s, "document": d}) + "\n" for _, s, d, _ in compared)
    output = subprocess.run([binary], input=lines, capture_output=True, text=True, check=True)
    answers = [json.loads(line) for line in output.stdout.splitlines()]
    failures = []
    for (name, schema, document, expected), answer in zip(compared, answers):
        ours = answer.get("dump")
        if json.dumps(ours) != json.dumps(expected):
            failures.append((name, document, expected, answer))
    print(f"{len(cases) + known} documents: {known} with a known difference, "
          f"{len(cases) - len(compared)} that the reference cannot load or dump, "
          f"{len(compared)} compared, {len(failures)} different")
    for name, document, expected, answer in failures[:20]:
        print(f"\n{name}\n  document:  {json.dumps(document)}\n  reference: {json.dumps(expected)}"
              f"\n  ours:      {json.dumps(answer)}")
    missed = compare_validation(compared, answers)
    return 1 if failures or missed else 0


if __name__ == "__main__":
    count = int(sys.argv[3]) if len(sys.argv) > 3 else 20
    sys.exit(main(Path(sys.argv[1]), sys.argv[2], count))
