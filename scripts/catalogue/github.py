"""Extract GitHub webhook event names from @octokit/openapi-webhooks-types.
Usage: python3 github.py <unpacked package dir>
For every entry of `interface operations` (one per event or event/action,
generated from GitHub's own OpenAPI webhook description) read:
  * the `X-Github-Event` header example  -> header value (e.g. `issues`)
  * the request body schema's top-level `action` literal -> `issues.opened`
The header value is also derived from the operation key (kebab -> snake) and
the two are required to agree."""
import json, re, sys, pathlib
pkg = pathlib.Path(sys.argv[1])
src = (pkg / "types.d.ts").read_text()
lines = src.split("\n")

def block(start_re, indent):
    """Yield (key, body) for `<indent>"key": {` ... `<indent>};` blocks after start_re."""
    i = next(n for n, l in enumerate(lines) if re.match(start_re, l))
    pat = re.compile("^" + " " * indent + r'"?([^"]+?)"?: \{$')
    end = " " * indent + "};"
    cur, body = None, []
    for l in lines[i + 1:]:
        if cur is None:
            if l.startswith("}"): return
            m = pat.match(l)
            if m: cur, body = m.group(1), []
        elif l == end:
            yield cur, "\n".join(body); cur = None
        else:
            body.append(l)

def schema_texts():
    """Split `components.schemas` into name -> text (up to the next 4-space key)."""
    i = next(n for n, l in enumerate(lines) if l == "  schemas: {")
    out, cur = {}, None
    key = re.compile(r'^    "?([A-Za-z0-9_-]+)"?: ')
    for l in lines[i + 1:]:
        if l == "  };": break
        m = key.match(l)
        if m: cur = m.group(1); out[cur] = []
        if cur: out[cur].append(l)
    return {k: "\n".join(v) for k, v in out.items()}
schemas = schema_texts()
headers, combos, problems = set(), set(), []
for key, body in block(r"^export interface operations \{$", 2):
    ev = re.search(r'@example (\S+) \*/\n\s+"X-Github-Event"', body)
    derived = key.split("/")[0].replace("-", "_")
    if not ev or ev.group(1) != derived:
        problems.append((key, ev and ev.group(1)))
    header = derived
    headers.add(header)
    ref = re.search(r'"application/json": components\["schemas"\]\["([^"]+)"\]', body)
    sch = schemas[ref.group(1)]
    ms = re.findall(r'^ {6,10}action\??: ([^;]+);', sch, re.M)
    if ms:
        acts = sorted({a for m in ms for a in re.findall(r'"([^"]+)"', m)})
        if len(ms) > 1: problems.append((key, "several action fields: " + " / ".join(ms)))
        if not acts:  # e.g. repository_dispatch: action is free-form
            problems.append((key, "free-form action: " + " ".join(ms)))
        for a in acts:
            combos.add(f"{header}.{a}")
    elif "/" in key:
        problems.append((key, "has /action but schema has no action literal"))
ver = json.loads((pkg / "package.json").read_text())["version"]
for p in problems: print("NOTE", p, file=sys.stderr)
json.dump({"source": f"@octokit/openapi-webhooks-types@{ver} (npm) types.d.ts interface operations",
           "headers": sorted(headers), "actions": sorted(combos),
           "names": sorted(headers | combos)},
          open(pathlib.Path(__file__).parent / "out/github.json", "w"), indent=1)
print(len(headers), "events,", len(combos), "event.action,", len(headers | combos), "total")
