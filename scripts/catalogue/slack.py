"""Extract Slack Events API event types from @slack/types.
Usage: python3 slack.py <unpacked package dir>
Every exported interface in dist/events/*.d.ts carries its event type as a
top-level (4-space indented) `type: '...'` member; collect them all and check
that the set covers every interface named in the `SlackEvent` union.
Adds the Events API envelope types (outer `type` of the HTTP body), which
@slack/types does not model: url_verification, event_callback
(https://api.slack.com/apis/events-api, app_rate_limited is already in the union)."""
import json, re, sys, pathlib
pkg = pathlib.Path(sys.argv[1])
d = pkg / "dist/events"
names, by_iface = set(), {}
for f in sorted(d.glob("*.d.ts")):
    src = f.read_text()
    for m in re.finditer(r"^export interface (\w+)[^{]*\{\n(.*?)^\}", src, re.M | re.S):
        ts = re.findall(r"^    type: '([^']+)';", m.group(2), re.M)
        if ts:
            by_iface[m.group(1)] = ts[0]; names.update(ts)
union = re.search(r"export type SlackEvent = ([^;]+);", (d / "index.d.ts").read_text()).group(1)
missing = [n.strip() for n in union.split("|") if n.strip() not in by_iface and not n.strip().startswith("All")]
if missing: print("NOTE union members without a type literal:", missing, file=sys.stderr)
names |= {"url_verification", "event_callback"}
ver = json.loads((pkg / "package.json").read_text())["version"]
json.dump({"source": f"@slack/types@{ver} (npm) dist/events/*.d.ts SlackEvent + envelope types from https://api.slack.com/apis/events-api",
           "names": sorted(names)}, open(pathlib.Path(__file__).parent / "out/slack.json", "w"), indent=1)
print(len(names)); print(sorted(names))
