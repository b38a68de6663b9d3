"""Extract Paddle Billing event types from @paddle/paddle-node-sdk.
Usage: python3 paddle.py <unpacked package dir>
Reads the compiled `EventName` enum in dist/esm/notifications/helpers/types.js
(`EventName["TransactionCompleted"] = "transaction.completed";`)."""
import json, re, sys, pathlib
pkg = pathlib.Path(sys.argv[1])
src = (pkg / "dist/esm/notifications/helpers/types.js").read_text()
vals = re.findall(r'EventName\["\w+"\] = "([^"]+)";', src)
assert len(vals) == len(set(vals)), "duplicate enum values"
ver = json.loads((pkg / "package.json").read_text())["version"]
json.dump({"source": f"@paddle/paddle-node-sdk@{ver} (npm) EventName enum", "names": sorted(vals)},
          open(pathlib.Path(__file__).parent / "out/paddle.json", "w"), indent=1)
print(len(vals)); print(sorted(vals))
