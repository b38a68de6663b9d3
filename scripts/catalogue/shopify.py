"""Extract Shopify webhook topics (as the X-Shopify-Topic header writes them).
Usage: python3 shopify.py <unpacked @shopify/dev-mcp dir>
@shopify/dev-mcp ships Shopify's Admin GraphQL introspection per API version
(dist/data/admin_<version>.json.gz). The WebhookSubscriptionTopic enum names
(ORDERS_CREATE) cannot be converted mechanically (APP_SCOPES_UPDATE is
`app/scopes_update`, CUSTOMER_TAGS_ADDED is `customer.tags_added`), so the
topic string is taken from each value's description ("The webhook topic for
`orders/create` events.") and checked to be the enum name with one `_`
replaced by `/` or `.`.
Takes the union over the stable and release-candidate admin versions listed in
dist/data/supported-versions-schema.json (not `unstable`), and adds the three
mandatory compliance topics, which are not in the enum (subscribed through
compliance_topics in shopify.app.toml):
https://shopify.dev/docs/apps/build/compliance/privacy-law-compliance"""
import gzip, json, re, sys, pathlib
pkg = pathlib.Path(sys.argv[1])
data = pkg / "dist/data"
versions = [v["name"] for v in json.loads((data / "supported-versions-schema.json").read_text())["admin"]
            if v["name"] != "unstable"]
topics, per_version = set(), {}
for v in versions:
    schema = json.load(gzip.open(data / f"admin_{v}.json.gz"))["data"]["__schema"]
    enum = next(t for t in schema["types"] if t["name"] == "WebhookSubscriptionTopic")
    vs = set()
    for e in enum["enumValues"]:
        lit = set(re.findall(r"`([a-z0-9_]+[/.][a-z0-9_]+)`", e["description"] or ""))
        assert len(lit) == 1, (e["name"], lit)
        t = lit.pop()
        assert re.sub(r"[/.]", "_", t).upper() == e["name"], (e["name"], t)
        vs.add(t)
    per_version[v] = len(vs); topics |= vs
compliance = {"customers/data_request", "customers/redact", "shop/redact"}
names = sorted(topics | compliance)
ver = json.loads((pkg / "package.json").read_text())["version"]
json.dump({"source": f"@shopify/dev-mcp@{ver} (npm) Admin GraphQL WebhookSubscriptionTopic, API versions {', '.join(versions)}; + compliance topics from https://shopify.dev/docs/apps/build/compliance/privacy-law-compliance",
           "per_version": per_version, "names": names},
          open(pathlib.Path(__file__).parent / "out/shopify.json", "w"), indent=1)
print(per_version, len(names))
