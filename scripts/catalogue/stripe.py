"""Extract Stripe event types from the stripe npm package's TypeScript types.
Usage: python3 stripe.py <unpacked package dir>
Reads cjs/resources/Events.d.ts: the `type Type = '...' | ...;` union inside
`namespace Event`, and cross-checks it against the `type: '...'` literals of
each concrete *Event interface (the `Stripe.Event` discriminated union)."""
import json, re, sys, pathlib
pkg = pathlib.Path(sys.argv[1])
src = (pkg / "cjs/resources/Events.d.ts").read_text()
m = re.search(r"^\s*type Type = ([^;]+);", src, re.M)
union = re.findall(r"'([^']+)'", m.group(1))
literals = set(re.findall(r"^\s+type: '([^']+)';", src, re.M))
assert set(union) == literals, (set(union) ^ literals)
ver = json.loads((pkg / "package.json").read_text())["version"]
out = sorted(set(union))
json.dump({"source": f"stripe@{ver} (npm) cjs/resources/Events.d.ts Stripe.Event.Type", "names": out},
          open(pathlib.Path(__file__).parent / "out/stripe.json", "w"), indent=1)
print(len(out))
