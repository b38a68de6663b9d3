"""Extract event-name catalogues for the secondary presets from official SDK
packages (npm). Usage: python3 others.py <dir holding the unpacked packages>
Each extractor reads one type/enum that the SDK itself uses for the event name."""
import glob, json, re, sys, pathlib
sys.path.insert(0, str(pathlib.Path(__file__).parent))
import tsunion
root = pathlib.Path(sys.argv[1]); out = pathlib.Path(__file__).parent / "out"

def pkgdir(prefix):
    d = sorted(root.glob(prefix + "*/package"))
    assert len(d) == 1, (prefix, d); return d[0]

def ver(p): return json.loads((p / "package.json").read_text())["name"] + "@" + json.loads((p / "package.json").read_text())["version"]

def save(name, source, names, **extra):
    names = sorted(set(names)); assert names
    json.dump({"source": source, "names": names, **extra}, open(out / f"{name}.json", "w"), indent=1)
    print(f"{name}: {len(names)}  ({source})")

# Mux: UnwrapWebhookEvent union, discriminator `type`.
p = pkgdir("x-mux-mux-node-")
lits, miss = tsunion.resolve((p / "resources/webhooks/webhooks.d.ts").read_text(), "UnwrapWebhookEvent", "type")
assert not miss, miss
save("mux", f"{ver(p)} (npm) resources/webhooks/webhooks.d.ts UnwrapWebhookEvent", lits)

# WorkOS: KnownEvent union, discriminator `event`.
p = pkgdir("x-workos-inc-node-")
src = "\n".join(f.read_text() for f in sorted((p / "lib").glob("factory-*.d.mts")))
lits, miss = tsunion.resolve(src, "KnownEvent", "event")
assert not miss, miss
save("workos", f"{ver(p)} (npm) lib/factory-*.d.mts KnownEvent (Event['event'])", lits)

# Linear: LinearWebhookEventType (the payload `type` / Linear-Event header).
p = pkgdir("x-linear-sdk-")
src = "\n".join(f.read_text() for f in sorted((p / "dist").glob("*.d.mts")))
m = re.search(r'type LinearWebhookEventType = ([^;]+);', src)
save("linear", f"{ver(p)} (npm) LinearWebhookEventType", re.findall(r'"([^"]+)"', m.group(1)))

# Lemon Squeezy: `type Events` used by createWebhook/updateWebhook (meta.event_name).
p = pkgdir("x-lemonsqueezy-lemonsqueezy.js-")
m = re.search(r'type Events = ([^;]+);', (p / "dist/index.d.ts").read_text())
save("lemon_squeezy", f"{ver(p)} (npm) dist/index.d.ts type Events", re.findall(r'"([^"]+)"', m.group(1)))

# Vercel: CreateWebhookEvents const enum (webhook `type`), checked against the response enum.
p = pkgdir("x-vercel-sdk-")
s = (p / "esm/models/createwebhookop.d.ts").read_text()
def const_enum(name):
    m = re.search(r'export declare const ' + re.escape(name) + r': \{(.*?)\n\};', s, re.S)
    return re.findall(r'readonly \w+: "([^"]+)";', m.group(1))
a, b = const_enum("CreateWebhookEvents"), const_enum("CreateWebhookWebhooksEvents")
assert set(a) == set(b)
save("vercel", f"{ver(p)} (npm) esm/models/createwebhookop.d.ts CreateWebhookEvents", a)

# HubSpot: webhooks SubscriptionCreateRequestEventTypeEnum (payload `subscriptionType`).
p = pkgdir("x-hubspot-api-client-")
s = (p / "lib/codegen/webhooks/models/SubscriptionCreateRequest.d.ts").read_text()
m = re.search(r'export declare enum SubscriptionCreateRequestEventTypeEnum \{(.*?)\}', s, re.S)
save("hubspot", f"{ver(p)} (npm) webhooks SubscriptionCreateRequestEventTypeEnum", re.findall(r'= "([^"]+)"', m.group(1)))

# Square: one api/types/<Name>Event.d.ts per webhook event; the doc comment on its
# `type` field gives the literal ("The type of this event. The value is `"booking.created"`.").
# Where that comment has no literal, the name is derived from the interface name
# (DisputeEvidenceAddedEvent -> dispute.evidence.added); those are listed in `derived`.
p = pkgdir("x-square-")
names, derived = [], []
for f in sorted((p / "api/types").glob("*Event.d.ts")):
    s = f.read_text(); iface = f.name[:-len(".d.ts")]
    if not re.search(r"export interface " + iface + r" \{", s): continue
    if iface in ("Event",): continue  # generic envelope
    m = re.search(r'/\*\*((?:(?!\*/).)*)\*/\s*\n\s*type\?: string \| null;', s, re.S)
    if not m: continue  # not a webhook event object (e.g. CashDrawerShiftEvent)
    lits = {l for l in re.findall(r'`"?([a-z0-9_.]+?)"?\.?`', m.group(1)) if "." in l}
    if len(lits) == 1:
        names.append(lits.pop())
    else:
        words = re.findall(r"[A-Z][a-z0-9]*", iface[:-len("Event")])
        d = ".".join(w.lower() for w in words); names.append(d); derived.append(d)
save("square", f"{ver(p)} (npm) api/types/*Event.d.ts `type` field docs", names, derived=derived)

# Zoom: @zoom/rivet Event<"..."> payload types (only the products Rivet covers).
p = pkgdir("x-zoom-rivet-")
found = {}
for f in sorted(p.glob("*/*.d.ts")):
    for e in re.findall(r'Event<"([a-zA-Z0-9_.]+)">', f.read_text()):
        found.setdefault(e, f.parent.name)
# Zoom's endpoint URL-validation challenge event, handled by Rivet's own receiver
# (users/users.mjs, marketplace/marketplace.mjs) rather than typed as Event<...>.
assert "endpoint.url_validation" in (p / "users/users.mjs").read_text()
found.setdefault("endpoint.url_validation", "receiver")
mods = sorted(set(found.values()) - {"receiver"})
save("zoom", f"{ver(p)} (npm) Event<\"...\"> types of modules {', '.join(mods)}", found, partial=True)
