#!/usr/bin/env python3
"""The providers' official SDKs judge the sender presets of `examples/senders.rs` over HTTP.

    python3 scripts/senders_sdk.py --sdk-dir target/senders-sdk --server target/debug/examples/senders
    python3 scripts/senders_sdk.py --sdk-dir target/senders-sdk --judges-only   # no server
    ... [--preset NAME]...                                                       # a subset

Run by scripts/senders_sdk.sh (which installs the SDKs and builds the example). Standard
library only; the SDKs run in the judges (tests/senders/judge.mjs, judge.py, copied into the
SDK directory), called as subprocesses: one JSON object in, one out.

The example is started on 127.0.0.1:<free port> with a fresh random secret per preset (an
Ed25519 key pair for Discord, a P-256 one for SendGrid: their public halves in the
environment). Then, for every preset:

  signed               a request the SDK signed (else the documented scheme, see README) with
                       the preset's sample body -> 200 {"sender", "event", "id"} as expected
  judge                the judge verifies that same request (SDK where one verifies)
  tampered-body        -> 401, the description naming a signature header
  wrong-secret         -> 401, likewise
  stale-timestamp      signed at now-3600, where the preset enforces a tolerance -> 401, "timestamp"
  missing <header>     each signature header removed -> 401, naming that header
  handshake ...        Slack, Discord, Zoom, Twitch (signed; and refused unsigned), Meta,
                       Dropbox, Asana, byte for byte as each provider documents
  send --print         the framework signs and the SDK verifies: only if the example has it

--judges-only runs no server: each request built above goes to the judge's `verify` instead
(the signed one must pass, the others must be refused), which checks the harness itself.

One line per check, `ok <preset> <what>` or `FAIL <preset> <what>: <details>` (or `skip
<preset> <what>: <why>`), then `N passed, M failed`. Exit status 1 when M > 0.
"""

import argparse
import base64
import hashlib
import hmac
import http.client
import json
import os
import secrets
import signal
import socket
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from urllib.parse import urlsplit

JUDGE_TIMEOUT = 90  # seconds for one judge call
HTTP_TIMEOUT = 15  # seconds for one request
START_TIMEOUT = 60  # seconds for the example to listen
STOP_TIMEOUT = 10  # seconds between SIGTERM and SIGKILL
STALE = 3600  # how old a stale timestamp is


# ---- the presets -----------------------------------------------------------------------------
@dataclass
class Preset:
    name: str
    event: str | None  # the event type the sample (plus `extra`) carries
    id: str | None  # the delivery id it carries
    signature: tuple  # the headers the scheme needs: each one removed must be refused
    extra: dict = field(default_factory=dict)  # headers the provider sends beside the signature
    content_type: str = "application/json"
    tolerance: int | None = None  # seconds, where the preset refuses stale signed timestamps
    key: str = "secret"  # secret | whsec | ed25519 | p256
    sign_id: str | None = None  # the delivery id the judge signs (Standard Webhooks, Svix, Twitch)
    body_signed: bool = True  # False: the scheme covers no body (GitLab's token), no tampered-body check
    note: str = ""

    @property
    def variable(self):
        if self.key == "ed25519":
            return "DISCORD_PUBLIC_KEY"
        if self.key == "p256":
            return "SENDGRID_PUBLIC_KEY"
        return self.name.upper().replace("-", "_") + "_SECRET"


GITHUB_DELIVERY = "72d3162e-cc78-11e3-81ab-4c9367dc0958"
UUID = "9b1deb4d-3b7d-4bad-9bdd-2b0d7b3dcb6d"

PRESETS = [
    Preset("stripe", "payment_intent.succeeded", "evt_3MtwBwLkdIwHu7ix0Jvz1Q2m", ("Stripe-Signature",), tolerance=300),
    Preset("github", "issues", GITHUB_DELIVERY, ("X-Hub-Signature-256",),
           {"X-GitHub-Event": "issues", "X-GitHub-Delivery": GITHUB_DELIVERY, "X-GitHub-Hook-ID": "292430182",
            "User-Agent": "GitHub-Hookshot/044aadd"}),
    Preset("gitlab", "Push Hook", UUID, ("X-Gitlab-Token",),
           {"X-Gitlab-Event": "Push Hook", "X-Gitlab-Event-UUID": UUID,
            "X-Gitlab-Webhook-UUID": "16f4fc0d-4b2f-4b77-9b8b-4b1d5b0a6c3e", "X-Gitlab-Instance": "https://gitlab.com"},
           body_signed=False, note="X-Gitlab-Token is the shared secret itself: it covers no body"),
    Preset("bitbucket", "repo:push", UUID, ("X-Hub-Signature",),
           {"X-Event-Key": "repo:push", "X-Request-UUID": UUID, "X-Hook-UUID": "cb5f1a07-7b8a-4f0d-9d7e-0e2b5f3b2a1c"}),
    Preset("slack", "app_mention", "Ev123ABC456", ("X-Slack-Signature", "X-Slack-Request-Timestamp"), tolerance=300),
    Preset("shopify", "orders/create", "b54557e4-bdd9-4b37-8a5f-bf7d70bcd043", ("X-Shopify-Hmac-Sha256",),
           {"X-Shopify-Topic": "orders/create", "X-Shopify-Shop-Domain": "example.myshopify.com",
            "X-Shopify-API-Version": "2025-01", "X-Shopify-Webhook-Id": "b54557e4-bdd9-4b37-8a5f-bf7d70bcd043",
            "X-Shopify-Triggered-At": "2024-06-01T16:00:00.000000000Z",
            "X-Shopify-Event-Id": "98880550-7158-44d4-b7cd-2c97c8a091b5"}),
    Preset("twilio", None, "c7a8a2a4-0d7e-4e4b-9a3c-2e1f0d9c8b7a", ("X-Twilio-Signature",),
           {"I-Twilio-Idempotency-Token": "c7a8a2a4-0d7e-4e4b-9a3c-2e1f0d9c8b7a"},
           content_type="application/x-www-form-urlencoded"),
    Preset("discord", "APPLICATION_COMMAND", "786008729715212338", ("X-Signature-Ed25519", "X-Signature-Timestamp"),
           key="ed25519", note="Discord documents no timestamp tolerance; the preset applies none"),
    Preset("standard-webhooks", "contact.created", "msg_2KWPBgLlAfxdpx2AI54pPJ85f4W",
           ("webhook-id", "webhook-timestamp", "webhook-signature"), tolerance=300, key="whsec",
           sign_id="msg_2KWPBgLlAfxdpx2AI54pPJ85f4W"),
    Preset("svix", "contact.created", "msg_p5jXN8AQM9LWM0D4loKWxJek", ("svix-id", "svix-timestamp", "svix-signature"),
           tolerance=300, key="whsec", sign_id="msg_p5jXN8AQM9LWM0D4loKWxJek"),
    Preset("paddle", "transaction.completed", "evt_01hv8x2acma9ty9kfm3rwj4xkh", ("Paddle-Signature",), tolerance=5),
    Preset("linear", "Issue", "a7c2d1e0-5b4f-4c3a-9e8d-7f6a5b4c3d2e", ("Linear-Signature",),
           {"Linear-Event": "Issue", "Linear-Delivery": "a7c2d1e0-5b4f-4c3a-9e8d-7f6a5b4c3d2e",
            "User-Agent": "Linear-Webhook"}, tolerance=60),
    Preset("zoom", "meeting.started", None, ("x-zm-signature", "x-zm-request-timestamp"), tolerance=300),
    Preset("intercom", "conversation.user.created", "notif_ccd8a4d2-3b2a-4f5e-9c1d-2a3b4c5d6e7f", ("X-Hub-Signature",)),
    Preset("hubspot", "contact.propertyChange", "1234567890", ("X-HubSpot-Signature-v3", "X-HubSpot-Request-Timestamp"),
           tolerance=300),
    Preset("square", "payment.updated", "6a8f5f28-54a1-4eb0-a98a-3111513fd4fc", ("x-square-hmacsha256-signature",),
           {"square-version": "2024-06-04", "square-retry-number": "0"}),
    Preset("sendgrid", "delivered", "sg_event_id",
           ("X-Twilio-Email-Event-Webhook-Signature", "X-Twilio-Email-Event-Webhook-Timestamp"), key="p256",
           note="SendGrid documents no timestamp tolerance; the preset applies none"),
    Preset("mailgun", "delivered", "CPgfbmQMTCKtHW6uIWtuVe", ("signature",), tolerance=300,
           note="the signature travels in the body's `signature` object, which covers timestamp + token only"),
    Preset("twitch", "channel.follow", "e76c6bd4-55c9-4987-8304-da1588d8988b",
           ("Twitch-Eventsub-Message-Id", "Twitch-Eventsub-Message-Timestamp", "Twitch-Eventsub-Message-Signature"),
           {"Twitch-Eventsub-Message-Type": "notification", "Twitch-Eventsub-Message-Retry": "0",
            "Twitch-Eventsub-Subscription-Type": "channel.follow", "Twitch-Eventsub-Subscription-Version": "2"},
           tolerance=600, sign_id="e76c6bd4-55c9-4987-8304-da1588d8988b"),
    Preset("typeform", "form_response", "01HZ3K8W9F2Q5M7N1P4R6T8V0X", ("Typeform-Signature",)),
    Preset("calendly", "invitee.created", None, ("Calendly-Webhook-Signature",), tolerance=180),
    Preset("vercel", "deployment.created", "uev_2y1hGAZ3RvqkXnLmYNkqUz3f", ("x-vercel-signature",)),
    Preset("meta", "whatsapp_business_account", None, ("X-Hub-Signature-256",)),
    Preset("line", "message", "01FZ74A0TDDPYRVKNK77XKC3ZR", ("x-line-signature",)),
    Preset("mux", "video.asset.ready", "3a56ac3d-33da-4366-855b-f592d898409d", ("Mux-Signature",), tolerance=300),
    Preset("workos", "user.created", "event_01HWWB7S1Q5BXN6TJSBCQ6F4YJ", ("WorkOS-Signature",), tolerance=180),
    Preset("pagerduty", "incident.priority_updated", "5ac64822-4adc-4fda-ade0-410becf0de4f", ("X-PagerDuty-Signature",),
           {"X-Webhook-Id": "PDWHID1", "X-Webhook-Subscription": "PSUBID1"}),
    Preset("sentry", "issue.created", "a1b2c3d4-e5f6-4a7b-8c9d-0e1f2a3b4c5d", ("Sentry-Hook-Signature",),
           {"Sentry-Hook-Resource": "issue", "Sentry-Hook-Timestamp": "1717243200",
            "Request-ID": "a1b2c3d4-e5f6-4a7b-8c9d-0e1f2a3b4c5d"},
           note="event = Sentry-Hook-Resource + '.' + the body's action"),
    Preset("lemon-squeezy", "order_created", None, ("X-Signature",), {"X-Event-Name": "order_created"}),
    Preset("coinbase-commerce", "charge:created", "24934862-d980-46cb-9402-43c81b0cdba6", ("X-CC-Webhook-Signature",)),
    Preset("dropbox", "list_folder", None, ("X-Dropbox-Signature",)),
    Preset("asana", "task.changed", None, ("X-Hook-Signature",)),
]


# ---- results ---------------------------------------------------------------------------------
class Report:
    """Counts checks and prints their lines; a buffered one keeps its lines for `merge`."""

    def __init__(self, buffered=False):
        self.passed = self.failed = 0
        self.buffered, self.lines = buffered, []

    def line(self, text):
        if self.buffered:
            self.lines.append(text)
        else:
            print(text, flush=True)

    def ok(self, preset, what, details=""):
        self.passed += 1
        self.line(f"ok {preset} {what}" + (f" ({details})" if details else ""))

    def fail(self, preset, what, details):
        self.failed += 1
        self.line(f"FAIL {preset} {what}: {details}")

    def skip(self, preset, what, why):
        self.line(f"skip {preset} {what}: {why}")

    def check(self, preset, what, problem, details=""):
        """`problem` is None (pass) or a string (fail)."""
        if problem is None:
            self.ok(preset, what, details)
        else:
            self.fail(preset, what, problem)

    def merge(self, other):
        self.passed += other.passed
        self.failed += other.failed
        for text in other.lines:
            self.line(text)


def clip(text, n=300):
    text = text if isinstance(text, str) else text.decode("utf-8", "replace")
    return text if len(text) <= n else text[:n] + "..."


# ---- the judges ------------------------------------------------------------------------------
class JudgeError(Exception):
    pass


class Judges:
    def __init__(self, sdk_dir):
        self.sdk_dir = sdk_dir
        self.script = os.path.join(sdk_dir, "judge.mjs")
        if not os.path.isfile(self.script):
            raise JudgeError(f"{self.script} is missing: run scripts/senders_sdk.sh")

    def call(self, command, preset, payload):
        """The judge's answer; raises JudgeError when it fails or cannot (exit 2: `None`)."""
        try:
            run = subprocess.run(["node", self.script, command, preset], input=json.dumps(payload),
                                 capture_output=True, text=True, cwd=self.sdk_dir, timeout=JUDGE_TIMEOUT)
        except subprocess.TimeoutExpired:
            raise JudgeError(f"judge {command} {preset} timed out after {JUDGE_TIMEOUT}s") from None
        if run.returncode == 2:
            return None
        if run.returncode != 0:
            tail = " | ".join(run.stderr.strip().splitlines()[-3:])
            raise JudgeError(f"judge {command} {preset} exited {run.returncode}: {clip(tail)}")
        try:
            return json.loads(run.stdout)
        except json.JSONDecodeError:
            raise JudgeError(f"judge {command} {preset} printed {clip(run.stdout)!r}") from None


# ---- keys ------------------------------------------------------------------------------------
@dataclass
class Keys:
    sign: str  # what the judge signs with
    verify: str  # what the server (and the judge's verify) is configured with


def new_keys(preset, judges):
    if preset.key in ("ed25519", "p256"):
        pair = judges.call("keygen", "discord" if preset.key == "ed25519" else "sendgrid", {})
        if not pair:
            raise JudgeError(f"no keygen for {preset.name}")
        return Keys(pair["secret"], pair["public"])
    if preset.key == "whsec":
        secret = "whsec_" + base64.b64encode(secrets.token_bytes(24)).decode()
    else:
        secret = secrets.token_hex(20)
    return Keys(secret, secret)


# ---- requests --------------------------------------------------------------------------------
@dataclass
class Req:
    method: str
    url: str
    headers: dict
    body: str

    def without(self, name):
        return Req(self.method, self.url, {k: v for k, v in self.headers.items() if k.lower() != name.lower()},
                   self.body)

    def with_body(self, body):
        return Req(self.method, self.url, dict(self.headers), body)


@dataclass
class Case:
    what: str
    make: object  # () -> (Req, now): built when it is about to be sent (signed timestamps stay fresh)
    accept: bool  # 200 with the event, or 401 with a description naming one of `needles`
    needles: tuple = ()


def header_get(headers, name):
    return next((v for k, v in headers.items() if k.lower() == name.lower()), None)


class Builder:
    """Signs the requests of one preset through the judges."""

    def __init__(self, judges, base_url):
        self.judges, self.base_url = judges, base_url

    def url(self, preset):
        return f"{self.base_url}/{preset.name}"

    def sign(self, preset, secret, body, timestamp, extra=None):
        payload = {"secret": secret, "method": "POST", "url": self.url(preset), "body": body,
                   "timestamp": int(timestamp)}
        if preset.sign_id:
            payload["id"] = preset.sign_id
        out = self.judges.call("sign", preset.name, payload)
        if not out or "headers" not in out:
            raise JudgeError(f"judge cannot sign {preset.name}: {out}")
        headers = {"Content-Type": preset.content_type, **preset.extra, **(extra or {}), **out["headers"]}
        return Req("POST", out.get("url") or self.url(preset), headers, out["body"]), out.get("by", "?")

    def verify(self, preset, keys, req, now):
        return self.judges.call("verify", preset.name, {"secret": keys.verify, "method": req.method, "url": req.url,
                                                        "headers": req.headers, "body": req.body, "now": int(now)})

    def cases(self, preset, keys, wrong):
        """The requests of one preset, as cases built on demand: the signed one first."""
        sample = SAMPLES[preset.name]
        # Reused by the cases derived from it while fresh (Paddle allows 5 s of drift).
        limit = min(60, (preset.tolerance or 120) / 2)
        cache = {}

        def base():
            now = int(time.time())
            if "req" not in cache or now - cache["at"] > limit:
                cache["req"], cache["by"] = self.sign(preset, keys.sign, sample, now)
                cache["at"] = now
            return cache["req"], cache["at"]

        def derived(change):
            def make():
                req, now = base()
                return change(req), now
            return make

        def signed_with(secret, age=0):
            def make():
                now = int(time.time())
                return self.sign(preset, secret, sample, now - age)[0], now
            return make

        def without(name):
            if preset.name != "mailgun":
                return lambda req: req.without(name)

            def drop(req):  # Mailgun: the signature object, in the body
                doc = json.loads(req.body)
                doc.pop(name)
                return req.with_body(json.dumps(doc, separators=(",", ":")))
            return drop

        needles = preset.signature
        out = [Case("signed", base, True)]
        if preset.body_signed:
            out.append(Case("tampered-body", derived(lambda req: tamper(preset, req)), False, needles))
        out.append(Case("wrong-secret", signed_with(wrong.sign), False, needles))
        if preset.tolerance:
            out.append(Case("stale-timestamp", signed_with(keys.sign, STALE), False, ("timestamp",)))
        for name in preset.signature:
            out.append(Case(f"missing {name}", derived(without(name)), False, (name,)))
        return out, lambda: cache.get("by", "?")


def tamper(preset, req):
    """The body changed where the signature covers it."""
    body = req.body
    if preset.name == "mailgun":  # Mailgun signs timestamp + token, not the event
        doc = json.loads(body)
        token = doc["signature"]["token"]
        doc["signature"]["token"] = ("1" if token.startswith("0") else "0") + token[1:]
        return req.with_body(json.dumps(doc, separators=(",", ":")))
    if preset.content_type.startswith("application/x-www-form-urlencoded"):
        return req.with_body(body + "&Tampered=1")
    # JSON: the same document with one more space, so that a verifier re-serializing the
    # parsed body instead of hashing the raw bytes would accept it, and be caught.
    return req.with_body(body[:1] + " " + body[1:])


# ---- HTTP ------------------------------------------------------------------------------------
@dataclass
class Answer:
    status: int
    headers: dict  # lowercased names
    body: bytes

    def json(self):
        try:
            return json.loads(self.body)
        except ValueError:
            return None

    def describe(self):
        return f"{self.status} {clip(self.body, 200)!r}"


def send(port, method, target, headers=None, body=""):
    """One request to 127.0.0.1:port; `target` is the path and query."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=HTTP_TIMEOUT)
    try:
        data = body.encode() if isinstance(body, str) else body
        conn.request(method, target, body=data if method != "GET" else None, headers=headers or {})
        response = conn.getresponse()
        raw = response.read()
        return Answer(response.status, {k.lower(): v for k, v in response.getheaders()}, raw)
    finally:
        conn.close()


def target_of(url):
    parts = urlsplit(url)
    return (parts.path or "/") + (f"?{parts.query}" if parts.query else "")


def judge_answer(preset, case, answer):
    """None when the server answered as `case` expects, else what is wrong."""
    if case.accept:
        want = {"sender": preset.name, "event": preset.event, "id": preset.id}
        if answer.status != 200:
            return f"expected 200 {json.dumps(want)}, got {answer.describe()}"
        got = answer.json()
        if got != want:
            return f"expected {json.dumps(want)}, got {clip(answer.body)!r}"
        return None
    if answer.status != 401:
        return f"expected 401, got {answer.describe()}"
    doc = answer.json()
    description = doc.get("description") if isinstance(doc, dict) else None
    if not isinstance(description, str):
        return f"401 without a JSON description: {clip(answer.body)!r}"
    if not any(n.lower() in description.lower() for n in case.needles):
        return f"description {description!r} names none of {list(case.needles)}"
    return None


# ---- the server ------------------------------------------------------------------------------
def free_port():
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def listening(port):
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=1):
            return True
    except OSError:
        return False


class Server:
    def __init__(self, binary, env, log_path):
        self.binary, self.env, self.log_path = binary, env, log_path
        self.proc = None

    def start(self, port):
        self.log = open(self.log_path, "wb")
        self.proc = subprocess.Popen([self.binary], env=self.env, stdout=self.log, stderr=subprocess.STDOUT,
                                     stdin=subprocess.DEVNULL, start_new_session=True)
        deadline = time.monotonic() + START_TIMEOUT
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"the example exited {self.proc.returncode} before listening: {self.tail()}")
            if listening(port):
                return
            time.sleep(0.1)
        raise RuntimeError(f"the example did not listen on 127.0.0.1:{port} within {START_TIMEOUT}s: {self.tail()}")

    def tail(self):
        try:
            self.log.flush()
            with open(self.log_path, "rb") as f:
                return clip(" | ".join(f.read().decode("utf-8", "replace").strip().splitlines()[-5:]), 600)
        except OSError:
            return "(no log)"

    def stop(self):
        if self.proc is None:
            return
        if self.proc.poll() is None:
            for sig, wait in ((signal.SIGTERM, STOP_TIMEOUT), (signal.SIGKILL, 5)):
                try:
                    os.killpg(self.proc.pid, sig)
                except ProcessLookupError:
                    break
                try:
                    self.proc.wait(timeout=wait)
                    break
                except subprocess.TimeoutExpired:
                    continue
        self.log.close()


# ---- handshakes ------------------------------------------------------------------------------
SLACK_CHALLENGE = "3eZbrw1aBm2rZgRNFdxV2595E9CY3gmdALWMmHkvFXO7tYXAYM8P"
ZOOM_PLAIN = "qgg8vlvZRS6UYooatFL8Aw"
TWITCH_CHALLENGE = "pogchamp-kappa-360noscope-vohiyo"
SIGNED_HANDSHAKES = {  # preset -> (body, extra headers)
    "slack": (json.dumps({"token": "Jhj5dZrVaK7ZwHHjRyZWjbDl", "challenge": SLACK_CHALLENGE,
                          "type": "url_verification"}, separators=(",", ":")), {}),
    "discord": (json.dumps({"id": "1234567890123456789", "application_id": "775799577604522054", "type": 1,
                            "token": "A_UNIQUE_TOKEN", "version": 1}, separators=(",", ":")), {}),
    "zoom": (json.dumps({"payload": {"plainToken": ZOOM_PLAIN}, "event_ts": 1654503849680,
                         "event": "endpoint.url_validation"}, separators=(",", ":")), {}),
    "twitch": (json.dumps({"challenge": TWITCH_CHALLENGE, "subscription": {
        "id": "f1c2a387-161a-49f9-a165-0f21d7a4e1c4", "status": "webhook_callback_verification_pending",
        "type": "channel.follow", "version": "2", "cost": 1,
        "condition": {"broadcaster_user_id": "12826", "moderator_user_id": "12826"},
        "transport": {"method": "webhook", "callback": "https://example.com/webhooks/callback"},
        "created_at": "2019-11-16T10:11:12.634234626Z"}}, separators=(",", ":")),
        {"Twitch-Eventsub-Message-Type": "webhook_callback_verification"}),
}


def expect_reply(answer, status, body=None, content_type=None, parsed=None, headers=None):
    problems = []
    if answer.status != status:
        problems.append(f"status {answer.status}")
    if body is not None and answer.body != body:
        problems.append(f"body {clip(answer.body, 200)!r} (expected {body!r})")
    if parsed is not None and answer.json() != parsed:
        problems.append(f"body {clip(answer.body, 200)!r} (expected {json.dumps(parsed)})")
    ctype = answer.headers.get("content-type", "")
    if content_type and ctype.split(";")[0].strip().lower() != content_type:
        problems.append(f"Content-Type {ctype!r} (expected {content_type})")
    for name, value in (headers or {}).items():
        if answer.headers.get(name.lower()) != value:
            problems.append(f"{name}: {answer.headers.get(name.lower())!r} (expected {value!r})")
    return "; ".join(problems) or None


def handshakes(report, preset, builder, keys, port, meta_token):
    name = preset.name
    if name in SIGNED_HANDSHAKES:
        body, extra = SIGNED_HANDSHAKES[name]
        req, _ = builder.sign(preset, keys.sign, body, int(time.time()), extra)
        answer = send(port, "POST", target_of(req.url), req.headers, req.body)
        if name == "slack":
            problem = expect_reply(answer, 200, SLACK_CHALLENGE.encode(), "text/plain")
        elif name == "discord":
            problem = expect_reply(answer, 200, b'{"type":1}', "application/json")
        elif name == "zoom":
            encrypted = hmac.new(keys.sign.encode(), ZOOM_PLAIN.encode(), hashlib.sha256).hexdigest()
            problem = expect_reply(answer, 200, None, "application/json",
                                   {"plainToken": ZOOM_PLAIN, "encryptedToken": encrypted})
        else:
            problem = expect_reply(answer, 200, TWITCH_CHALLENGE.encode(), "text/plain")
        report.check(name, "handshake signed", problem)
        # The same handshake without its signature must not be answered.
        bare = req
        for header in preset.signature:
            bare = bare.without(header)
        answer = send(port, "POST", target_of(bare.url), bare.headers, bare.body)
        report.check(name, "handshake unsigned refused",
                     None if answer.status == 401 else f"expected 401, got {answer.describe()}")
    if name == "meta":
        good = send(port, "GET", f"/meta?hub.mode=subscribe&hub.verify_token={meta_token}&hub.challenge=123")
        report.check(name, "handshake GET verify_token", expect_reply(good, 200, b"123"))
        bad = send(port, "GET", "/meta?hub.mode=subscribe&hub.verify_token=wrong-token&hub.challenge=123")
        report.check(name, "handshake GET wrong verify_token refused",
                     None if bad.status in (401, 403) and b"123" not in bad.body
                     else f"expected 401 or 403, got {bad.describe()}")
    if name == "dropbox":
        answer = send(port, "GET", "/dropbox?challenge=abc")
        report.check(name, "handshake GET challenge",
                     expect_reply(answer, 200, b"abc", "text/plain", headers={"X-Content-Type-Options": "nosniff"}))
    if name == "asana":
        answer = send(port, "POST", "/asana", {"X-Hook-Secret": "s", "Content-Length": "0"}, "")
        report.check(name, "handshake X-Hook-Secret", expect_reply(answer, 200, headers={"X-Hook-Secret": "s"}))


# ---- the framework signs ---------------------------------------------------------------------
def run_bounded(argv, env, timeout):
    """Runs argv (its own process group, killed whole past `timeout`): (status, stdout, stderr),
    status None when it timed out."""
    proc = subprocess.Popen(argv, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                            stdin=subprocess.DEVNULL, start_new_session=True)
    try:
        out, err = proc.communicate(timeout=timeout)
        return proc.returncode, out, err
    except subprocess.TimeoutExpired:
        try:
            os.killpg(proc.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        proc.communicate(timeout=5)
        return None, "", ""


def send_print_supported(binary, env):
    """Whether `senders --help` lists `send` with `--print` (no server: no key in its env)."""
    bare = {k: v for k, v in env.items() if not k.endswith(("_SECRET", "_PUBLIC_KEY", "_VERIFY_TOKEN"))}
    bare["WEBHOOK_ADDR"] = f"127.0.0.1:{free_port()}"
    status, out, err = run_bounded([binary, "--help"], bare, 20)
    if status is None:
        return False, "`senders --help` did not return within 20s (no argument parsing?)"
    text = out + err
    if "send" in text and "--print" in text:
        return True, ""
    return False, f"`senders --help` (exit {status}) lists no `send ... --print`: {clip(text.strip(), 160)!r}"


def parse_printed(text, base_url):
    """A request printed by `send --print`: a JSON object {method, url, headers, body}, or an
    HTTP/1.1 request (request line, headers, blank line, body)."""
    text = text.strip("\n")
    try:
        doc = json.loads(text)
        headers = doc.get("headers") or {}
        if isinstance(headers, list):
            headers = {k: v for k, v in headers}
        return Req(doc.get("method", "POST"), doc["url"], headers, doc.get("body", ""))
    except (ValueError, KeyError, TypeError, AttributeError):
        pass
    head, _, body = text.replace("\r\n", "\n").partition("\n\n")
    lines = head.split("\n")
    method, target, *_ = lines[0].split(" ")
    headers = dict(line.split(":", 1) for line in lines[1:] if ":" in line)
    headers = {k.strip(): v.strip() for k, v in headers.items()}
    host = header_get(headers, "host")
    url = target if target.startswith("http") else (f"http://{host}{target}" if host else base_url + target)
    return Req(method, url, headers, body)


def framework_signs(report, preset, builder, keys, binary, env):
    run_env = dict(env)
    if preset.key in ("ed25519", "p256"):  # a private key, should the example sign with one
        run_env["DISCORD_PRIVATE_KEY" if preset.key == "ed25519" else "SENDGRID_PRIVATE_KEY"] = keys.sign
    status, out, err = run_bounded([binary, "send", preset.name, "--print"], run_env, 30)
    if status is None:
        report.fail(preset.name, "send --print", "did not return within 30s")
        return
    if status != 0:
        if preset.key in ("ed25519", "p256"):
            report.skip(preset.name, "send --print", f"exit {status} (signing needs the private key): "
                        f"{clip(err.strip(), 160)!r}")
        else:
            report.fail(preset.name, "send --print", f"exit {status}: {clip(err.strip())!r}")
        return
    try:
        req = parse_printed(out, builder.base_url)
    except (ValueError, IndexError) as error:
        report.fail(preset.name, "send --print", f"unreadable output ({error}): {clip(out)!r}")
        return
    # Headers the provider sends beside the signature (Shopify's SDK wants its topic, domain...),
    # where the framework printed none.
    req.headers = {**{k: v for k, v in preset.extra.items() if header_get(req.headers, k) is None}, **req.headers}
    verdict = builder.verify(preset, keys, req, int(time.time()))
    if verdict is None:
        report.skip(preset.name, "sdk verifies send --print", "no judge verifies this preset")
    else:
        report.check(preset.name, "sdk verifies send --print",
                     None if verdict.get("ok") else f"refused: {verdict.get('error')}")


# ---- main ------------------------------------------------------------------------------------
def run_preset(report, preset, builder, port, server_mode, meta_token, keys, wrong, reverse):
    cases, by = builder.cases(preset, keys, wrong)
    for n, case in enumerate(cases):
        req, now = case.make()
        if not server_mode:  # the judge stands in for the server
            verdict = builder.verify(preset, keys, req, now)
            if verdict is None:
                report.skip(preset.name, "judge", "no judge verifies this preset")
                return
            if case.accept:
                report.check(preset.name, f"{case.what} accepted by the judge",
                             None if verdict.get("ok") else f"refused: {verdict.get('error')} [signed by {by()}]",
                             by())
            else:
                report.check(preset.name, f"{case.what} refused by the judge",
                             None if not verdict.get("ok") else "accepted")
            continue
        answer = send(port, req.method, target_of(req.url), req.headers, req.body)
        if n == 0 and answer.status == 404:
            report.fail(preset.name, "route", f"POST /{preset.name} answered 404: no route, its other checks not run")
            return
        report.check(preset.name, case.what, judge_answer(preset, case, answer), by() if n == 0 else "")
        if n == 0:  # the SDK's verdict on the very request the server accepted (or not)
            verdict = builder.verify(preset, keys, req, now)
            if verdict is None:
                report.skip(preset.name, "judge accepts signed", "no judge verifies this preset")
            else:
                report.check(preset.name, "judge accepts signed",
                             None if verdict.get("ok") else f"refused: {verdict.get('error')}")
    if not server_mode:
        return
    if not preset.body_signed:
        report.skip(preset.name, "tampered-body", preset.note)
    if not preset.tolerance and any("timestamp" in h.lower() for h in preset.signature):
        report.skip(preset.name, "stale-timestamp", preset.note or "no tolerance")
    handshakes(report, preset, builder, keys, port, meta_token)
    if reverse:
        framework_signs(report, preset, builder, keys, *reverse)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sdk-dir", required=True, help="where senders_sdk.sh installed the SDKs and judges")
    parser.add_argument("--server", help="the built example (target/debug/examples/senders)")
    parser.add_argument("--judges-only", action="store_true", help="no server: the judges verify every request")
    parser.add_argument("--preset", action="append", help="only these presets (repeatable)")
    parser.add_argument("--jobs", type=int, default=int(os.environ.get("SENDERS_SDK_JOBS", "2")),
                        help="presets checked at once (default 2, or $SENDERS_SDK_JOBS)")
    args = parser.parse_args()
    if not args.judges_only and not args.server:
        parser.error("--server is required unless --judges-only")
    chosen = [p for p in PRESETS if not args.preset or p.name in args.preset]
    unknown = set(args.preset or ()) - {p.name for p in PRESETS}
    report = Report()
    for name in sorted(unknown):
        report.fail(name, "preset", "unknown preset")

    server = None
    # SIGTERM (CI cancelling) unwinds through the finally below, which stops the server.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    try:
        judges = Judges(os.path.abspath(args.sdk_dir))
        port = 9 if args.judges_only else free_port()  # judges-only: a URL to sign, never dialled
        builder = Builder(judges, f"http://127.0.0.1:{port}")
        keys = {p.name: new_keys(p, judges) for p in chosen}
        wrong = {p.name: new_keys(p, judges) for p in chosen}
        meta_token = secrets.token_hex(12)
        env = dict(os.environ)
        for p in chosen:
            env[p.variable] = keys[p.name].verify
        env["META_VERIFY_TOKEN"] = meta_token
        env["WEBHOOK_ADDR"] = f"127.0.0.1:{port}"
        env.pop("WEBHOOK_PUBLIC_URL", None)  # the signed URL is http://127.0.0.1:<port>/<preset>
        reverse = None
        if not args.judges_only:
            binary = os.path.abspath(args.server)
            supported, why = send_print_supported(binary, env)
            if supported:
                reverse = (binary, env)
            else:
                report.skip("*", "send --print", why)
            server = Server(binary, env, os.path.join(args.sdk_dir, "server.log"))
            server.start(port)
            print(f"# the example listens on 127.0.0.1:{port} (log: {server.log_path})", flush=True)

        def one(preset):
            mine = Report(buffered=True)
            if server and server.proc.poll() is not None:
                mine.fail(preset.name, "server", f"the example exited {server.proc.returncode}: {server.tail()}")
                return mine
            try:
                run_preset(mine, preset, builder, port, not args.judges_only, meta_token,
                           keys[preset.name], wrong[preset.name], reverse)
            except (JudgeError, OSError, http.client.HTTPException, ValueError, KeyError) as error:
                mine.fail(preset.name, "harness", f"{type(error).__name__}: {error}")
            return mine

        # Presets run side by side (--jobs), their lines printed in order, preset by preset.
        with ThreadPoolExecutor(max_workers=max(1, args.jobs)) as pool:
            for mine in pool.map(one, chosen):
                report.merge(mine)
    except (JudgeError, RuntimeError, OSError) as error:
        report.fail("*", "setup", str(error))
    finally:
        if server:
            server.stop()
    print(f"{report.passed} passed, {report.failed} failed", flush=True)
    return 1 if report.failed else 0


SAMPLES = {  # each preset's `sample_event`, as in its Rust file
    'asana': '{"events":[{"user":{"gid":"1516181920","resource_type":"user"},"created_at":"2024-01-01T12:00:00.000Z","action":"changed","resource":{"gid":"1234567890","resource_type":"task","resource_subtype":"default_task"},"parent":null,"change":{"field":"completed","action":"changed"}}]}',
    'bitbucket': '{"push":{"changes":[{"new":{"type":"branch","name":"main","target":{"type":"commit","hash":"8ab74d1f0e8c2b0c9a5d7e4b3f6a1c2d9e8f7a6b","message":"Fix the build\\n","date":"2024-03-04T10:15:30+00:00"}},"old":{"type":"branch","name":"main","target":{"type":"commit","hash":"1c2d9e8f7a6b8ab74d1f0e8c2b0c9a5d7e4b3f6a"}},"created":false,"forced":false,"closed":false}]},"repository":{"type":"repository","full_name":"team/project","name":"project","uuid":"{b4a6c1e2-1f2d-4c3b-9a8e-7d6c5b4a3f2e}","is_private":true},"actor":{"type":"user","display_name":"Emma","uuid":"{d1c2b3a4-5e6f-4a7b-8c9d-0e1f2a3b4c5d}"}}',
    'calendly': '{"created_at":"2024-06-01T12:00:00.000000Z","created_by":"https://api.calendly.com/users/AAAAAAAAAAAAAAAA","event":"invitee.created","payload":{"email":"test@example.com","name":"John Doe","status":"active","timezone":"America/New_York","uri":"https://api.calendly.com/scheduled_events/GBGBDCAADAEDCRZ2/invitees/AAAAAAAAAAAAAAAA","event":"https://api.calendly.com/scheduled_events/GBGBDCAADAEDCRZ2","scheduled_event":{"uri":"https://api.calendly.com/scheduled_events/GBGBDCAADAEDCRZ2","name":"15 Minute Meeting","start_time":"2024-06-05T15:00:00.000000Z","end_time":"2024-06-05T15:15:00.000000Z","event_type":"https://api.calendly.com/event_types/GBGBDCAADAEDCRZ2"},"created_at":"2024-06-01T12:00:00.000000Z","updated_at":"2024-06-01T12:00:00.000000Z"}}',
    'coinbase-commerce': '{"id":1,"scheduled_for":"2017-01-31T20:50:02Z","event":{"id":"24934862-d980-46cb-9402-43c81b0cdba6","resource":"event","type":"charge:created","api_version":"2018-03-22","created_at":"2017-01-31T20:49:02Z","data":{"code":"66BEOV2A","name":"The Sovereign Individual","description":"Mastering the Transition to the Information Age","hosted_url":"https://commerce.coinbase.com/charges/66BEOV2A","created_at":"2017-01-31T20:49:02Z","expires_at":"2017-01-31T21:49:02Z","pricing_type":"fixed_price","pricing":{"local":{"amount":"100.00","currency":"USD"}}}}}',
    'discord': '{"type":2,"token":"A_UNIQUE_TOKEN","member":{"user":{"id":"53908232506183680","username":"Mason","avatar":"a_d5efa99b3eeaa7dd43acca82f5692432","discriminator":"1337","public_flags":131141},"roles":["539082325061836999"],"premium_since":null,"permissions":"2147483647","pending":false,"nick":null,"mute":false,"joined_at":"2017-03-13T19:19:14.040000+00:00","is_pending":false,"deaf":false},"id":"786008729715212338","guild_id":"290926798626357999","app_permissions":"442368","guild_locale":"en-US","locale":"en-US","data":{"options":[{"type":3,"name":"cardname","value":"The Gitrog Monster"}],"type":1,"name":"cardsearch","id":"771825006014889984"},"channel_id":"645027906669510667","version":1,"application_id":"775799577604522054"}',
    'dropbox': '{"list_folder": {"accounts": ["dbid:AAH4f99T0taONIb-OurWxbNQ6ywGRopQngc", "dbid:AAH4f99T0taONIb-OurWxbNQ6ywGRopQngd"]}, "delta": {"users": [12345, 23456]}}',
    'github': '{"action":"opened","issue":{"id":1,"number":1347,"title":"Found a bug","state":"open","user":{"login":"octocat","id":1},"body":"I\'m having a problem with this."},"repository":{"id":1296269,"name":"Hello-World","full_name":"octocat/Hello-World","private":false},"sender":{"login":"octocat","id":1,"type":"User"}}',
    'gitlab': '{"object_kind":"push","event_name":"push","before":"95790bf891e76fee5e1747ab589903a6a1f80f22","after":"da1560886d4f094c3e6c9ef40349f7d38b5d27d7","ref":"refs/heads/master","ref_protected":true,"checkout_sha":"da1560886d4f094c3e6c9ef40349f7d38b5d27d7","user_id":4,"user_name":"John Smith","user_username":"jsmith","project_id":15,"project":{"id":15,"name":"Diaspora","path_with_namespace":"mike/diaspora","default_branch":"master","web_url":"http://example.com/mike/diaspora"},"commits":[{"id":"b6568db1bc1dcd7f8b4d5a946b0b91f9dacd7327","message":"Update Catalan translation to e38cb41.\\n\\nSee https://gitlab.com/gitlab-org/gitlab for more information","title":"Update Catalan translation to e38cb41.","timestamp":"2011-12-12T14:27:31+02:00","author":{"name":"Jordi Mallach","email":"jordi@softcatala.org"},"added":["CHANGELOG"],"modified":["app/controller/application.rb"],"removed":[]}],"total_commits_count":1}',
    'hubspot': '[{"eventId":1234567890,"subscriptionId":4629,"portalId":62515,"appId":54321,"occurredAt":1717243200000,"subscriptionType":"contact.propertyChange","attemptNumber":0,"objectId":123,"propertyName":"firstname","propertyValue":"Jane","changeSource":"CRM","sourceId":"userId:1234567"}]',
    'intercom': '{"type":"notification_event","app_id":"ecahpwf5","data":{"type":"notification_event_data","item":{"type":"conversation","id":"147","created_at":1717243200,"updated_at":1717243200,"source":{"type":"conversation","id":"403918316","delivered_as":"customer_initiated","body":"<p>Hi there!</p>","author":{"type":"user","id":"5d4c9b3e8c2f1a0012345678","name":"Jane Doe","email":"jane@example.com"}},"open":true,"state":"open"}},"links":{},"id":"notif_ccd8a4d2-3b2a-4f5e-9c1d-2a3b4c5d6e7f","topic":"conversation.user.created","delivery_status":"pending","delivery_attempts":1,"delivered_at":0,"first_sent_at":1717243200,"created_at":1717243200,"self":null}',
    'lemon-squeezy': '{"meta":{"event_name":"order_created","custom_data":{"customer_id":25},"test_mode":true,"webhook_id":"e6a1e7c1-1d1e-4c69-a3e0-7f1e1e4b8a11"},"data":{"type":"orders","id":"1","attributes":{"store_id":1,"customer_id":1,"identifier":"104e18a2-d755-4d4b-80c4-a6c1dcbe1c10","order_number":1,"user_name":"Darlene Daugherty","user_email":"gernser@yahoo.com","currency":"USD","subtotal":999,"total":1199,"status":"paid","status_formatted":"Paid","refunded":false,"created_at":"2021-08-17T09:45:53.000000Z","updated_at":"2021-08-17T09:45:53.000000Z","test_mode":false}}}',
    'line': '{"destination":"xxxxxxxxxx","events":[{"type":"message","message":{"type":"text","id":"14353798921116","text":"Hello, world"},"timestamp":1625665242211,"source":{"type":"user","userId":"U80696558e1aa831..."},"replyToken":"757913772c4646b784d4b7ce46d12671","mode":"active","webhookEventId":"01FZ74A0TDDPYRVKNK77XKC3ZR","deliveryContext":{"isRedelivery":false}}]}',
    'linear': '{"action":"create","actor":{"id":"2e6eea91-1111-0000-9486-acea0603064d","type":"user","name":"Linear Agent","email":"agent@example.com","url":"https://linear.app/linear/profiles/agent"},"createdAt":"2024-06-01T12:00:00.000Z","data":{"id":"2174add1-f7c8-44e3-bbf3-2d60b5ea8bc9","createdAt":"2024-06-01T12:00:00.000Z","updatedAt":"2024-06-01T12:00:00.000Z","number":1234,"title":"Fix the login page","priority":2,"identifier":"ENG-1234","url":"https://linear.app/acme/issue/ENG-1234/fix-the-login-page","teamId":"72b2a2dc-6f4f-4423-9d34-24b5bd10634a","stateId":"3b2a1c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d"},"url":"https://linear.app/acme/issue/ENG-1234/fix-the-login-page","type":"Issue","organizationId":"3f1a2b3c-4d5e-4f60-8a7b-9c0d1e2f3a4b","webhookTimestamp":1717243200000,"webhookId":"000042e3-d123-4980-b49f-8e140eef9329"}',
    'mailgun': '{"signature":{"token":"e0b5477167110d68991efc6b9f89f0a11066af27834600e123","timestamp":"1770920772","signature":"12d99f5a15355c180971bed7494d578b093c958f57766f3fe750761baed12345"},"event-data":{"id":"CPgfbmQMTCKtHW6uIWtuVe","timestamp":1521472262.908181,"log-level":"info","event":"delivered","delivery-status":{"tls":true,"mx-host":"smtp-in.example.com","code":250,"description":"","attempt-no":1,"message":"OK","certificate-verified":true},"flags":{"is-routed":false,"is-authenticated":true,"is-system-test":false,"is-test-mode":false},"envelope":{"transport":"smtp","sender":"bob@sandbox.mailgun.org","sending-ip":"209.61.154.250","targets":"alice@example.com"},"message":{"headers":{"to":"Alice <alice@example.com>","message-id":"20130503182626.18666.16540@sandbox.mailgun.org","from":"Bob <bob@sandbox.mailgun.org>","subject":"Test delivered webhook"},"attachments":[],"size":111},"recipient":"alice@example.com","recipient-domain":"example.com","storage":{"url":"https://se.api.mailgun.net/v3/domains/sandbox.mailgun.org/messages/message_key","key":"message_key"},"campaigns":[],"tags":["my_tag_1","my_tag_2"],"user-variables":{"my_var_1":"Mailgun Variable #1","my-var-2":"awesome"}}}',
    'meta': '{"object":"whatsapp_business_account","entry":[{"id":"102290129340398","changes":[{"value":{"messaging_product":"whatsapp","metadata":{"display_phone_number":"15550783881","phone_number_id":"106540352242922"},"contacts":[{"profile":{"name":"Sheena Nelson"},"wa_id":"16505551234"}],"messages":[{"from":"16505551234","id":"wamid.HBgLMTY1MDM4Nzk0MzkVAgASGBQzQTRBNjU5OUFFRTAzODEwMTQ0RgA=","timestamp":"1749416383","type":"text","text":{"body":"Does it come in another color?"}}]},"field":"messages"}]}]}',
    'mux': '{"type":"video.asset.ready","object":{"type":"asset","id":"0201p02fGKPE7MrbC269XRD7LpcHhrmbu0002"},"id":"3a56ac3d-33da-4366-855b-f592d898409d","environment":{"name":"Demo pages","id":"j0863n"},"data":{"tracks":[{"type":"video","max_width":1280,"max_height":544,"max_frame_rate":23.976,"id":"0201p02fGKPE7MrbC269XRD7LpcHhrmbu0002","duration":153.361542},{"type":"audio","max_channels":2,"id":"FzB95vBizv02bYNqO5QVzNWRrVo5SnQju","duration":153.361497}],"status":"ready","playback_ids":[{"policy":"public","id":"88Kvx7DR26pNBsvVOGZ5QoSkTnLPQK026"}],"mp4_support":"none","max_stored_resolution":"HD","aspect_ratio":"40:17","duration":153.361542,"created_at":1556577600},"created_at":"2019-04-29T21:20:00.000000Z","attempts":[],"accessor_source":null,"accessor":null,"request_id":null}',
    'paddle': '{"event_id":"evt_01hv8x2acma9ty9kfm3rwj4xkh","event_type":"transaction.completed","occurred_at":"2024-04-12T10:18:49.621022Z","notification_id":"ntf_01hv8x2af9zbcqv1arhzd8k1dy","data":{"id":"txn_01hv8wptq8987qeep44cyrewp9","status":"completed","customer_id":"ctm_01hv6y1jedq4p1n0yqn5ba3ky4","currency_code":"USD","origin":"web","collection_mode":"automatic","items":[{"price":{"id":"pri_01gsz8x8sawmvhz1pv30nge1ke","description":"Monthly (per seat)","unit_price":{"amount":"3000","currency_code":"USD"}},"quantity":10}],"details":{"totals":{"subtotal":"30000","tax":"2550","total":"32550","currency_code":"USD"}}}}',
    'pagerduty': '{"event":{"id":"5ac64822-4adc-4fda-ade0-410becf0de4f","event_type":"incident.priority_updated","resource_type":"incident","occurred_at":"2020-10-02T18:45:22.169Z","agent":{"html_url":"https://acme.pagerduty.com/users/PLH1HKV","id":"PLH1HKV","self":"https://api.pagerduty.com/users/PLH1HKV","summary":"Tenex Engineer","type":"user_reference"},"client":{"name":"PagerDuty"},"data":{"id":"PGR0VU2","type":"incident","self":"https://api.pagerduty.com/incidents/PGR0VU2","html_url":"https://acme.pagerduty.com/incidents/PGR0VU2","number":2,"status":"triggered","title":"A little bump in the road","service":{"html_url":"https://acme.pagerduty.com/services/PF9KMXH","id":"PF9KMXH","self":"https://api.pagerduty.com/services/PF9KMXH","summary":"API Service","type":"service_reference"},"priority":{"html_url":"https://acme.pagerduty.com/account/incident_priorities","id":"PSO75BM","self":"https://api.pagerduty.com/priorities/PSO75BM","summary":"P1","type":"priority_reference"}}}}',
    'sendgrid': '[{"email":"example@test.com","timestamp":1513299569,"smtp-id":"<14c5d75ce93.dfd.64b469@ismtpd-555>","event":"delivered","category":"cat facts","sg_event_id":"sg_event_id","sg_message_id":"sg_message_id","response":"250 OK"}]',
    'sentry': '{"action":"created","installation":{"uuid":"7a485448-a9e2-4c85-8a3c-4f44175783c9"},"data":{"issue":{"id":"1170820242","shortId":"SENTRY-APP-1","title":"ZeroDivisionError: division by zero","culprit":"main in divide","level":"error","status":"unresolved","platform":"python","project":{"id":"1","name":"python","slug":"python","platform":"python"},"web_url":"https://sentry.io/organizations/example/issues/1170820242/"}},"actor":{"type":"application","id":"sentry","name":"Sentry"}}',
    'shopify': '{"id":820982911946154508,"admin_graphql_api_id":"gid://shopify/Order/820982911946154508","email":"jon@example.com","created_at":"2024-06-01T12:00:00-04:00","currency":"USD","financial_status":"paid","name":"#9999","total_price":"403.00","line_items":[{"id":487817672276298554,"title":"Aviator sunglasses","quantity":1,"price":"89.99","sku":"SKU2006-001"}],"customer":{"id":115310627314723954,"email":"john@example.com","first_name":"John","last_name":"Smith"}}',
    'slack': '{"token":"XXYYZZ","team_id":"T123ABC456","api_app_id":"A123ABC456","event":{"type":"app_mention","user":"U123ABC456","text":"<@U0LAN0Z89> is it everything a river should be?","ts":"1515449522.000016","channel":"C123ABC456","event_ts":"1515449522000016"},"type":"event_callback","event_id":"Ev123ABC456","event_time":1515449522000016,"authorizations":[{"enterprise_id":"E123ABC456","team_id":"T123ABC456","user_id":"U123ABC456","is_bot":false,"is_enterprise_install":false}],"event_context":"EC123ABC456"}',
    'square': '{"merchant_id":"6SSW7HV8K2ST5","type":"payment.updated","event_id":"6a8f5f28-54a1-4eb0-a98a-3111513fd4fc","created_at":"2024-06-01T12:00:00.000Z","data":{"type":"payment","id":"hYy9pRFVxpDsO1FB05SunFWUe9JZY","object":{"payment":{"id":"hYy9pRFVxpDsO1FB05SunFWUe9JZY","amount_money":{"amount":100,"currency":"USD"},"status":"COMPLETED","source_type":"CARD","location_id":"S8GWD5R9QB376","order_id":"03O3USaPaAaFnI6kkwB1JxGgBsUZY","created_at":"2024-06-01T11:59:58.000Z","updated_at":"2024-06-01T12:00:00.000Z","version":1}}}}',
    'standard-webhooks': '{"type":"contact.created","timestamp":"2022-11-03T20:26:10.344522Z","data":{"id":"1f81eb52-5198-4599-803e-771906343485","email":"alice@example.com","name":"Alice"}}',
    'stripe': '{"id":"evt_3MtwBwLkdIwHu7ix0Jvz1Q2m","object":"event","api_version":"2024-06-20","created":1680064028,"data":{"object":{"id":"pi_3MtwBwLkdIwHu7ix28a3tqPa","object":"payment_intent","amount":2000,"amount_received":2000,"currency":"usd","status":"succeeded"}},"livemode":false,"pending_webhooks":1,"request":{"id":"req_9Zx2Qb1Rt5Lm3N","idempotency_key":"a1b2c3d4-e5f6-4a7b-8c9d-0e1f2a3b4c5d"},"type":"payment_intent.succeeded"}',
    'svix': '{"type":"contact.created","timestamp":"2022-11-03T20:26:10.344522Z","data":{"id":"1f81eb52-5198-4599-803e-771906343485","email":"alice@example.com","name":"Alice"}}',
    'twilio': 'ToCountry=US&ToState=CA&SmsMessageSid=SM1f0e8ae6ade43cb3c0ce4525424e404f&NumMedia=0&ToCity=SAN+FRANCISCO&FromZip=94105&SmsSid=SM1f0e8ae6ade43cb3c0ce4525424e404f&FromState=CA&SmsStatus=received&FromCity=SAN+FRANCISCO&Body=Hello+from+Twilio%21&FromCountry=US&To=%2B15017122661&ToZip=94105&NumSegments=1&MessageSid=SM1f0e8ae6ade43cb3c0ce4525424e404f&AccountSid=ACXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXX&From=%2B15558675310&ApiVersion=2010-04-01',
    'twitch': '{"subscription":{"id":"f1c2a387-161a-49f9-a165-0f21d7a4e1c4","type":"channel.follow","version":"2","status":"enabled","cost":0,"condition":{"broadcaster_user_id":"1337","moderator_user_id":"1337"},"transport":{"method":"webhook","callback":"https://example.com/webhooks/callback"},"created_at":"2019-11-16T10:11:12.634234626Z"},"event":{"user_id":"1234","user_login":"cool_user","user_name":"Cool_User","broadcaster_user_id":"1337","broadcaster_user_login":"cooler_user","broadcaster_user_name":"Cooler_User","followed_at":"2020-07-15T18:16:11.17106713Z"}}',
    'typeform': '{"event_id":"01HZ3K8W9F2Q5M7N1P4R6T8V0X","event_type":"form_response","form_response":{"form_id":"lT4Z3j","token":"a3a12ec67a1365927098a606107fac15","submitted_at":"2024-06-01T12:00:00Z","landed_at":"2024-06-01T11:59:12Z","definition":{"id":"lT4Z3j","title":"Webhooks example","fields":[{"id":"DlXFaesGBpoF","title":"What is your name?","type":"short_text","ref":"readable_ref_short_text"}]},"answers":[{"type":"text","text":"Laura","field":{"id":"DlXFaesGBpoF","type":"short_text","ref":"readable_ref_short_text"}}]}}',
    'vercel': '{"id":"uev_2y1hGAZ3RvqkXnLmYNkqUz3f","type":"deployment.created","createdAt":1717243200000,"region":"iad1","payload":{"team":{"id":"team_7xF4qLmYNkqUz3fZ"},"user":{"id":"usr_2q4HbN7pLmYNkqUz"},"deployment":{"id":"dpl_89qyp1cskzkLrVicDaZoDbjyHuDJ","url":"my-app-git-main-acme.vercel.app","name":"my-app","meta":{"githubCommitRef":"main"}},"links":{"deployment":"https://vercel.com/acme/my-app/89qyp1cskzkLrVicDaZoDbjyHuDJ","project":"https://vercel.com/acme/my-app"},"target":"production","project":{"id":"prj_Qk3nXzLmYNkqUz3fZ"},"plan":"pro","regions":["iad1"]}}',
    'workos': '{"id":"event_01HWWB7S1Q5BXN6TJSBCQ6F4YJ","data":{"id":"user_01E4ZCR3C56J083X43JQXF3JK5","email":"marcelina.davis@example.com","object":"user","first_name":"Marcelina","last_name":"Davis","email_verified":true,"profile_picture_url":"https://workoscdn.com/images/v1/123abc","created_at":"2021-06-25T19:07:33.155Z","updated_at":"2021-06-25T19:07:33.155Z"},"event":"user.created","created_at":"2021-06-25T19:07:33.155Z"}',
    'zoom': '{"event":"meeting.started","event_ts":1626230691572,"payload":{"account_id":"AAAAAABBBB","object":{"id":"1234567890","uuid":"4444AAAiAAAAAiAiAiiAii==","host_id":"x1yCzABCDEfg23HiJKl4mN","topic":"My Meeting","type":8,"start_time":"2021-07-13T21:44:51Z","timezone":"America/Los_Angeles","duration":60}}}',
}

if __name__ == "__main__":
    sys.exit(main())
