"""Generate ../catalogue.rs from out/*.json (written by the extract scripts).
Usage: python3 gen.py [YYYY-MM-DD]   (date defaults to today, UTC)"""
import datetime, json, pathlib, re, sys
here = pathlib.Path(__file__).parent
date = sys.argv[1] if len(sys.argv) > 1 else datetime.datetime.now(datetime.timezone.utc).date().isoformat()

def load(n): return json.load(open(here / "out" / f"{n}.json"))

# A URL in a doc comment is written `<https://...>`, which rustdoc links (a bare one is a warning).
def link_urls(text): return re.sub(r"https?://[^\s)<>]+[^\s)<>.,;]", lambda m: f"<{m.group(0)}>", text)

# (CONST, json file, key, preset names, extra doc lines, known names for the tests)
LISTS = [
    ("STRIPE", "stripe", "names", ["stripe"], ["Stripe `Event.type` values (v1 snapshot events; v2 thin events are not included)."],
     ["invoice.paid", "customer.subscription.created", "checkout.session.completed", "payment_intent.succeeded"]),
    ("GITHUB_EVENTS", "github", "headers", ["github"], ["GitHub `X-GitHub-Event` header values only (what the `github` preset reads)."],
     ["push", "pull_request", "issues", "check_run", "ping", "workflow_run"]),
    ("GITHUB_EVENT_ACTIONS", "github", "actions", [], ["GitHub `<X-GitHub-Event>.<payload action>` combinations only."],
     ["issues.opened", "pull_request.closed", "check_run.completed", "pull_request.review_requested"]),
    ("GITHUB", "github", "names", [],
     ["GitHub: `X-GitHub-Event` header values (`push`, `issues`) and, as separate entries,",
      "`event.action` combinations (`issues.opened`). Union of GITHUB_EVENTS and GITHUB_EVENT_ACTIONS.",
      "`repository_dispatch` has a free-form action (the caller's `event_type`), so it has no `.action` entries."],
     ["push", "issues", "issues.opened", "pull_request.closed", "check_run"]),
    ("SHOPIFY", "shopify", "names", ["shopify"],
     ["Shopify webhook topics as the `X-Shopify-Topic` header writes them (`orders/create`).",
      "Topic strings are read from each WebhookSubscriptionTopic value's own description, since",
      "enum -> topic is not mechanical (APP_SCOPES_UPDATE = `app/scopes_update`,",
      "CUSTOMER_TAGS_ADDED = `customer.tags_added`)."],
     ["orders/create", "app/uninstalled", "products/update", "customers/redact", "shop/redact", "app_subscriptions/update"]),
    ("SLACK", "slack", "names", ["slack"],
     ["Slack Events API types: inner `event.type` values plus the outer envelope types",
      "`url_verification`, `event_callback` and `app_rate_limited`."],
     ["app_mention", "message", "reaction_added", "url_verification", "event_callback", "app_home_opened"]),
    ("TWITCH", "twitch", "names", ["twitch"], ["Twitch EventSub subscription types (`Twitch-Eventsub-Subscription-Type` header / `subscription.type`)."],
     ["channel.follow", "stream.online", "stream.offline", "channel.subscribe", "channel.chat.message"]),
    ("PADDLE", "paddle", "names", ["paddle"], ["Paddle Billing `event_type` values."],
     ["transaction.completed", "subscription.created", "subscription.canceled", "customer.created"]),
    ("LINEAR", "linear", "names", ["linear"],
     ["Linear webhook `type` values (also the `Linear-Event` header); the payload's `action`",
      "(`create`/`update`/`remove`) is separate and not combined here."],
     ["Issue", "Comment", "Project", "IssueLabel"]),
    ("ZOOM", "zoom", "names", [],
     ["Zoom webhook `event` values. PARTIAL: only the products @zoom/rivet models (see PARTIAL_PRESETS);",
      "Zoom Rooms, Contact Center, Mail, Calendar, Whiteboard, Docs, etc. are missing."],
     ["meeting.started", "meeting.ended", "recording.completed", "endpoint.url_validation"]),
    ("SQUARE", "square", "names", ["square"], ["Square webhook event `type` values."],
     ["payment.created", "payment.updated", "refund.created", "invoice.payment_made", "dispute.created"]),
    ("MUX", "mux", "names", ["mux"], ["Mux webhook `type` values."],
     ["video.asset.ready", "video.asset.created", "video.live_stream.active", "video.upload.asset_created"]),
    ("WORKOS", "workos", "names", ["workos"], ["WorkOS event / webhook `event` values."],
     ["dsync.user.created", "user.created", "authentication.sso_succeeded", "organization.updated"]),
    ("VERCEL", "vercel", "names", ["vercel"], ["Vercel webhook `type` values (includes the legacy dash-form names such as `deployment-ready`)."],
     ["deployment.created", "deployment.succeeded", "deployment.error", "project.created"]),
    ("LEMON_SQUEEZY", "lemon_squeezy", "names", ["lemon-squeezy"], ["Lemon Squeezy `meta.event_name` values (also the `X-Event-Name` header)."],
     ["order_created", "subscription_created", "subscription_payment_success", "license_key_created"]),
    ("HUBSPOT", "hubspot", "names", ["hubspot"], ["HubSpot webhook `subscriptionType` values."],
     ["contact.creation", "contact.propertyChange", "deal.deletion", "object.creation"]),
]
# Presets whose provider publishes no fixed catalogue, or that were not done faithfully.
NONE = {
    "standard-webhooks": "a signing spec; event types are user-defined",
    "zoom": "incomplete (only the products @zoom/rivet models): not checked",
    "svix": "a delivery service; event types are defined by each Svix customer",
    "mailgun": "not done: SDK webhook ids (e.g. `unsubscribe`, `permanent_fail`) differ from payload `event-data.event` values (`failed`, `unsubscribed`)",
    "sendgrid": "not done: no SDK enum; only docs",
    "pagerduty": "not done: no SDK enum; only docs",
    "calendly": "not done: no official SDK; only docs",
    "typeform": "not done: no SDK enum; only docs",
    "coinbase-commerce": "not done: coinbase-commerce-node@1.0.4 has no event list; only docs",
    "intercom": "not done: no SDK enum found",
}
PARTIAL = []

out = ["//! Compile-time webhook event-name catalogues, one `&[&str]` per provider,",
       "//! sorted (byte order) and deduplicated, for checking `event = \"...\"` in the",
       "//! webhook macro. GENERATED by scripts/catalogue/gen.py from the provider's published SDK",
       "//! types (see SOURCES.md); do not edit by hand, re-run the extract scripts.",
       f"//! Generated: {date}.", ""]
data = {}
for const, f, key, presets, doc, known in LISTS:
    d = load(f); names = sorted(set(d[key]))
    for n in names: assert '"' not in n and "\\" not in n
    data[const] = names
    out += [f"/// {l}" for l in doc]
    out += ["///", f"/// Source: {link_urls(d['source'])}.", f"/// Extracted: {date}. {len(names)} names."]
    out.append(f"pub const {const}: &[&str] = &[")
    out += [f'    "{n}",' for n in names]
    out += ["];", ""]
out += ["/// Presets whose catalogue is known to be incomplete: a name missing from the",
        "/// list is not proof that the provider never sends it (warn, don't reject).",
        "pub const PARTIAL_PRESETS: &[&str] = &[" + ", ".join(f'"{p}"' for p in PARTIAL) + "];", ""]
out += ["/// The event-name catalogue for a preset, or `None` where the provider publishes",
        "/// no catalogue (or none could be extracted faithfully). Unknown presets are `None` too.",
        "pub fn catalogue(preset: &str) -> Option<&'static [&'static str]> {",
        "    match preset {"]
for const, f, key, presets, doc, known in LISTS:
    if presets:
        out.append("        " + " | ".join(f'"{p}"' for p in presets) + f" => Some({const}),")
for p, why in NONE.items():
    out.append(f'        // {why}')
    out.append(f'        "{p}" => None,')
out += ["        _ => None,", "    }", "}", ""]
# tests
out += ["#[cfg(test)]", "mod tests {", "    use super::*;", "",
        "    const ALL: &[(&str, &[&str])] = &["]
out += [f'        ("{c}", {c}),' for c, *_ in LISTS]
out += ["    ];", "",
        "    #[test]",
        "    fn sorted_unique_nonempty() {",
        "        for (name, list) in ALL {",
        "            assert!(!list.is_empty(), \"{name} is empty\");",
        "            for w in list.windows(2) {",
        "                assert!(w[0] < w[1], \"{name}: {:?} !< {:?}\", w[0], w[1]);",
        "            }",
        "            for n in list.iter() {",
        "                assert!(!n.is_empty() && n.trim() == *n, \"{name}: bad entry {n:?}\");",
        "            }",
        "        }",
        "    }", "",
        "    #[test]",
        "    fn well_known_names() {",
        "        let known: &[(&[&str], &[&str])] = &["]
for const, f, key, presets, doc, known in LISTS:
    for k in known: assert k in data[const], (const, k)
    out.append(f"            ({const}, &[" + ", ".join(f'"{k}"' for k in known) + "]),")
out += ["        ];",
        "        for (list, names) in known {",
        "            for n in names.iter() {",
        "                assert!(list.binary_search(n).is_ok(), \"missing {n}\");",
        "            }",
        "        }",
        "    }", "",
        "    #[test]",
        "    fn github_union() {",
        "        assert_eq!(GITHUB.len(), GITHUB_EVENTS.len() + GITHUB_EVENT_ACTIONS.len());",
        "        for n in GITHUB_EVENTS.iter().chain(GITHUB_EVENT_ACTIONS) {",
        "            assert!(GITHUB.binary_search(n).is_ok());",
        "        }",
        "        assert!(GITHUB_EVENTS.iter().all(|e| !e.contains('.')));",
        "        assert!(GITHUB_EVENT_ACTIONS.iter().all(|e| GITHUB_EVENTS.binary_search(&e.split('.').next().unwrap()).is_ok()));",
        "        assert!(GITHUB.binary_search(&\"repository_dispatch\").is_ok());",
        "    }", "",
        "    #[test]",
        "    fn shopify_shape() {",
        "        assert!(SHOPIFY.iter().all(|t| t.contains('/') || t.starts_with(\"customer.\")));",
        "        assert!(SHOPIFY.binary_search(&\"fulfillment_orders/cancellation_request_accepted\").is_ok());",
        "        assert!(SHOPIFY.binary_search(&\"orders/risk_assessment_changed\").is_ok());",
        "        assert!(SHOPIFY.binary_search(&\"customer.tags_added\").is_ok());",
        "    }", "",
        "    #[test]",
        "    fn presets() {"]
for const, f, key, presets, doc, known in LISTS:
    for p in presets:
        out.append(f'        assert_eq!(catalogue("{p}"), Some({const}));')
for p in NONE:
    out.append(f'        assert_eq!(catalogue("{p}"), None);')
out += ['        assert_eq!(catalogue("no-such-provider"), None);',
        "        for p in PARTIAL_PRESETS { assert!(catalogue(p).is_some()); }",
        "    }", "}", ""]
(here.parent.parent / "webhook-core/src/senders/catalogue.rs").write_text("\n".join(out))
for c, *_ in LISTS: print(c, len(data[c]))
