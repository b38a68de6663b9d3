"""Differential test: the same documents through the reference (clustaar.schemas 1.10.0, with
clustaar.webhook's mapper) and through the Rust models (`examples/models_dump.rs`).

- What a handler reads (the processed view) is what the reference's dump holds, key order
  included.
- On every dump (and echo) the Rust models produce, the Rust validation and the reference's
  agree: the same documents accepted, the same refused; every error the reference finds is
  found (the Rust validation finds more: lupin stops at the first bad item of a list).
- Every text a schema checks with a pattern is also tried with trailing newlines, non-ASCII
  digits and letters, white space of every Unicode class and case-insensitive look-alikes
  (`pattern_variants`): the verdicts must be Python's `re`'s.
- For every document the reference's validation accepts, the two laws: (1) the dump is valid
  by the reference and by the Rust validation; (2) the reference, loading the dump, reads what
  it reads from the document (keys holding null or [] aside). For a step (a notification, or
  an action document put in the step of the notification fixture), the same for the echo
  answer made of the step's own actions.

The documents are the reference's own examples (clustaar-schemas/tests/fixtures/v1/) and seeded random
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
    # Texts that grow when sanitised, short enough for the tightest limits (20 characters):
    # echoed as sanitised, they would break the limit the platform accepted them within.
    "Buy <now> & save", "<script>y</script>", "a<b>c", "1 < 2 > 0 < 3 > 2", "<i>open<b>",
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


GROWING = ["Buy <now> & save", "<script>y</script>", "a<b>c", "1 < 2 > 0 < 3 > 2", "<i>open<b>"]


def single_edits(document, rng, limit=40):
    """Variations of `document` that change one thing each: a text replaced by one that grows
    when sanitised, or a key removed (`type` kept). Most stay valid, so the laws apply."""
    edits = []

    def walk(value, path):
        if isinstance(value, dict):
            for key, item in value.items():
                if key == "type":
                    continue
                edits.append(("remove", path + [key]))
                walk(item, path + [key])
        elif isinstance(value, list):
            for index, item in enumerate(value):
                walk(item, path + [index])
        elif isinstance(value, str):
            edits.append(("grow", path))

    walk(document, [])
    rng.shuffle(edits)
    out = []
    for kind, path in edits[:limit]:
        edited = copy.deepcopy(document)
        parent = edited
        for segment in path[:-1]:
            parent = parent[segment]
        if kind == "remove":
            del parent[path[-1]]
        else:
            parent[path[-1]] = rng.choice(GROWING)
        out.append(edited)
    return out


# The string fields the schemas check with a pattern (`v.Match`, `ObjectID`) or compile
# (`match_regexp`), and the texts that tell Python's `re` from another engine: `$` before a final
# newline, Python's `\d`, `\w` and `\s` (non-ASCII digits and letters, white space of every
# Unicode class), case-insensitive equivalences (`ı`, `İ`, `ſ`, `K`).
PATTERN_KEYS = {"key", "assigneeID", "groupID", "id", "fromEmail", "pattern"}
WHITESPACE = [" ", "\t", "\x0b", "\x0c", "\r", "\x1c", "\x1d", "\x1e", "\x1f", "\x85", "\u00a0",
              "\u1680", "\u2000", "\u200a", "\u2028", "\u2029", "\u202f", "\u205f", "\u3000",
              "\u200b", "\u180e", "\ufeff"]
SUFFIXES = ["\n", "\n\n", "\r\n"] + WHITESPACE
REPLACEMENTS = [
    "4242", "4242\n", "\u0664\u0662", "\uff14\uff12", "\u00b2", "\u2160", "pr\u00e9nom", "\u01c5x",
    "e\u0301", "a\u200db", "id", "ID\n", "\u0131d", "\u0130D", "id_client", "\u017f", "\u212a",
    "5a1b2c3d4e5f6a7b8c9d0e1f", "\u0130a1b2c3d4e5f6a7b8c9d0e1f", "\u212aa1b2c3d4e5f6a7b8c9d0e1f",
    "\u0660a1b2c3d4e5f6a7b8c9d0e1f", "bot@clu\u017ftaar.com", "bot@CLUSTAAR.io", "a\nb@example.com",
    "a{2,1}", "\\p{L}", "(?<n>a)", "\\1", "(a)\\1", "a{,3}$", "(?i)\u0130", "[\\w-]+\\Z",
]


def pattern_variants(document, rng, limit=60):
    """Copies of `document` with one pattern-checked text changed to a text where Python's
    `re` and another engine could disagree."""
    edits = []

    def walk(value, path):
        if isinstance(value, dict):
            for key, item in value.items():
                if key in PATTERN_KEYS and isinstance(item, str):
                    edits.extend((path + [key], item + suffix) for suffix in SUFFIXES)
                    edits.extend((path + [key], text) for text in REPLACEMENTS)
                else:
                    walk(item, path + [key])
        elif isinstance(value, list):
            for index, item in enumerate(value):
                walk(item, path + [index])

    walk(document, [])
    rng.shuffle(edits)
    out = []
    for path, text in edits[:limit]:
        edited = copy.deepcopy(document)
        parent = edited
        for segment in path[:-1]:
            parent = parent[segment]
        parent[path[-1]] = text
        out.append(edited)
    return out


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


def reference_valid(schema_name, document):
    """Whether the reference's validation accepts `document` (a crash is a refusal)."""
    try:
        MAPPER.validate(copy.deepcopy(document), getattr(v1, schema_name))
        return True
    except Exception:
        return False


def without_empty(value):
    """`value` without the keys whose value is null or [] (the laws compare modulo those)."""
    if isinstance(value, dict):
        return {k: without_empty(v) for k, v in value.items() if v is not None and v != []}
    if isinstance(value, list):
        return [without_empty(item) for item in value]
    return value


def same_processing(ours, theirs):
    """Our processed view against the reference's dump. One difference on purpose: absent
    buttons of a card are null here, [] there (a simple card's [] is refused when written)."""
    if isinstance(ours, dict) and isinstance(theirs, dict):
        if list(ours) != list(theirs):
            return False
        for key in ours:
            if key == "buttons" and ours.get("type") in ("card", "simple_card") \
                    and ours[key] is None and theirs[key] == []:
                continue
            if not same_processing(ours[key], theirs[key]):
                return False
        return True
    if isinstance(ours, list) and isinstance(theirs, list):
        return len(ours) == len(theirs) and all(map(same_processing, ours, theirs))
    return json.dumps(ours) == json.dumps(theirs)


class Report:
    def __init__(self):
        self.counts = {}
        self.failures = {}

    def count(self, what):
        self.counts[what] = self.counts.get(what, 0) + 1

    def fail(self, what, name, details):
        self.failures.setdefault(what, []).append((name, details))

    def print(self):
        for what, number in sorted(self.counts.items()):
            print(f"  {what}: {number}")
        for what, failures in sorted(self.failures.items()):
            print(f"FAILED {what}: {len(failures)}")
            for name, details in failures[:10]:
                print(f"\n  {name}")
                for key, value in details.items():
                    print(f"    {key}: {json.dumps(value) if not isinstance(value, str) else value}")
        return sum(len(failures) for failures in self.failures.values())


def check_validation(report, name, schema, dump, ours):
    """This project's verdict on a dump it produced is the reference's, and every error the
    reference finds is found here (ours may find more: lupin stops at the first bad item)."""
    theirs = reference_invalid_paths(schema, dump)
    if any(path.startswith("<crash") for path in theirs):
        report.count("dumps the reference's validation crashes on (skipped)")
        return
    report.count("dumps whose validity is compared")
    if bool(theirs) != bool(ours):
        report.fail("validity disagreements", name, {"schema": schema, "dump": dump, "reference": sorted(theirs), "ours": ours})
    lost = sorted(path for path in theirs if not any(o == path or o.startswith(path + ".") or o.startswith(path + "[") for o in ours))
    if lost:
        report.fail("errors the reference finds and we do not", name, {"dump": dump, "reference": sorted(theirs), "ours": ours, "missed": lost})


def check_laws(report, name, schema, document, expected, answer):
    """For a document the reference accepts: (1) the dump is valid, (2) the reference reads
    back from the dump what it reads from the document; and for a step, the same of its echo."""
    if not reference_valid(schema, document):
        return
    report.count("documents the reference accepts (laws checked)")
    dump = answer["dump"]
    if not reference_valid(schema, dump):
        report.fail("law 1: dump refused by the reference", name, {"document": document, "dump": dump, "reference": sorted(reference_invalid_paths(schema, dump))})
    if answer.get("invalid"):
        report.fail("law 1: dump refused by our validation", name, {"document": document, "dump": dump, "ours": answer["invalid"]})
    read_back = reference_dump(schema, dump)
    if expected is not None and without_empty(read_back) != without_empty(expected):
        report.fail("law 2: the reference reads back something else", name, {"document": document, "dump": dump, "read from the document": expected, "read from the dump": read_back})
    if "echo" not in answer:
        return
    report.count("steps echoed")
    echo = answer["echo"]
    response = "WEBHOOK_STEP_REACHED_RESPONSE"
    if not reference_valid(response, echo):
        report.fail("law 1: echo refused by the reference", name, {"document": document, "echo": echo, "reference": sorted(reference_invalid_paths(response, echo))})
    if answer["echo_invalid"]:
        report.fail("law 1: echo refused by our validation", name, {"document": document, "echo": echo, "ours": answer["echo_invalid"]})
    check_validation(report, name + " (echo)", response, echo, answer["echo_invalid"])
    if expected is None:
        return
    echoed = (reference_dump(response, echo) or {}).get("actions")
    sent = ((expected.get("data") or {}).get("step") or {}).get("actions")
    if without_empty(echoed) != without_empty(sent or []):
        report.fail("law 2: the reference reads other actions from the echo", name, {"document": document, "echo": echo, "read from the step": sent, "read from the echo": echoed})


def notifications_of_actions(manifest, fixtures, documents):
    """Notifications whose step holds each action document, and one holding every action
    fixture (the step of the WEBHOOK_REQUEST fixture, with other actions)."""
    base = next(json.loads((fixtures / f"{entry['name']}.load.json").read_text())
                for entry in manifest if entry["schema"] == "WEBHOOK_REQUEST")
    actions = [(name, doc) for name, schema, doc in documents
               if schema.endswith("_ACTION") or schema.endswith("_ACTIONS")]

    def wrapped(items):
        notification = copy.deepcopy(base)
        notification["data"]["step"]["actions"] = items
        return notification

    out = [(f"step of {name}", wrapped([doc])) for name, doc in actions]
    originals = [doc for name, doc in actions if " " not in name]
    out.append(("step of every action fixture", wrapped(originals)))
    return out


def main(fixtures, binary, variations):
    manifest = json.loads((fixtures / "manifest.json").read_text())
    rng = random.Random(20261125)
    documents = []
    for entry in manifest:
        document = json.loads((fixtures / f"{entry['name']}.load.json").read_text())
        documents.append((entry["name"], entry["schema"], document))
        for index in range(variations):
            documents.append((f"{entry['name']} variation {index}", entry["schema"], mutate(document, rng)))
        for index, edited in enumerate(single_edits(document, rng)):
            documents.append((f"{entry['name']} edit {index}", entry["schema"], edited))
        for index, edited in enumerate(pattern_variants(document, rng)):
            documents.append((f"{entry['name']} pattern {index}", entry["schema"], edited))
    documents += [(name, "WEBHOOK_REQUEST", doc) for name, doc in notifications_of_actions(manifest, fixtures, documents)]
    rich = fixtures.parent.parent.parent.parent / "tests/fixtures/step_reached_rich.json"
    documents.append(("the rich step of the models benchmark", "WEBHOOK_REQUEST", json.loads(rich.read_text())))
    cases = []
    known = 0
    for name, schema, doc in documents:
        if known_difference(schema, doc):
            known += 1
            continue
        cases.append((name, schema, doc, reference_dump(schema, doc)))
    # The documents the reference cannot dump (its faults) but accepts are still checked for
    # law 1: an answer is valid whether or not the reference can dump the step.
    compared = [case for case in cases if case[3] is not None or reference_valid(case[1], case[2])]
    lines = "".join(json.dumps({"schema": s, "document": d}) + "\n" for _, s, d, _ in compared)
    output = subprocess.run([binary], input=lines, capture_output=True, text=True, check=True)
    # One answer a line, split on "\n" only: `splitlines` also splits at U+2028, U+0085...,
    # which the answers hold raw inside their strings.
    answers = [json.loads(line) for line in output.stdout.split("\n") if line]
    report = Report()
    print(f"{len(documents)} documents: {known} with a known difference, "
          f"{len(cases) - len(compared)} that the reference cannot load or dump (nor accepts), "
          f"{len(compared)} compared")
    for (name, schema, document, expected), answer in zip(compared, answers):
        if "dump" not in answer:
            report.fail("documents we cannot load", name, {"document": document, "answer": answer})
            continue
        report.count("documents compared")
        if expected is None:
            report.count("documents the reference accepts but cannot dump (law 1 only)")
        elif not same_processing(answer["processed"], expected):
            report.fail("processed view different from the reference's dump", name, {"document": document, "reference": expected, "ours": answer["processed"]})
        if answer.get("invalid") is not None:
            check_validation(report, name, schema, answer["dump"], answer["invalid"])
        check_laws(report, name, schema, document, expected, answer)
    return 1 if report.print() else 0


if __name__ == "__main__":
    count = int(sys.argv[3]) if len(sys.argv) > 3 else 20
    sys.exit(main(Path(sys.argv[1]), sys.argv[2], count))
