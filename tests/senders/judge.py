#!/usr/bin/env python3
"""The Python half of the SDK judge (see README.md): the providers' Python SDKs, and every
documented scheme that no SDK signs or verifies, written with the standard library.

    venv/bin/python judge.py sign <preset>    < {"secret", "method", "url", "body", "timestamp", "id"?}
        -> {"headers": {...}, "url": ..., "body": ..., "by": ...}
    venv/bin/python judge.py verify <preset>  < {"secret", "method", "url", "headers", "body", "now"}
        -> {"ok": true} | {"ok": false, "error": "..."}
    venv/bin/python judge.py keygen discord   < {}
        -> {"secret": <hex Ed25519 seed>, "public": <hex public key>}

`timestamp` and `now` are Unix seconds. `id` is the delivery id a scheme signs (Standard
Webhooks, Svix, Twitch), optional. `by` says who signed: `sdk <package>==<version>` or
`doc <document>`. An operation this judge does not offer prints {"error": ...} and exits 2;
`node judge.mjs` is the entry point for every preset (it runs this file for the ones here).

SDKs here (versions in requirements.txt): slack-sdk, twilio, hubspot-api-client, svix,
standardwebhooks (sign + verify); squareup, paddle-python-sdk, discord-interactions,
coinbase-commerce (verify; coinbase-commerce also signs with its own private routine).
SDKs are imported lazily: a call loads only its provider's package.
"""

import base64
import datetime as _dt
import hashlib
import hmac
import json
import sys
from contextlib import redirect_stdout
from importlib import import_module, metadata
from urllib.parse import parse_qsl, urlsplit, urlunsplit


# ---- shared helpers --------------------------------------------------------------------------
def lower(headers):
    return {k.lower(): v for k, v in (headers or {}).items()}


def mac(secret, *parts, digest=hashlib.sha256):
    """HMAC of the concatenated parts (text as UTF-8) under the secret (text as UTF-8)."""
    key = secret.encode() if isinstance(secret, str) else secret
    h = hmac.new(key, digestmod=digest)
    for part in parts:
        h.update(part.encode() if isinstance(part, str) else part)
    return h.digest()


def encode(raw, encoding):
    return raw.hex() if encoding == "hex" else base64.b64encode(raw).decode()


def same(a, b):
    return hmac.compare_digest(str(a).encode(), str(b).encode())


def verdict(ok, error="signature does not match"):
    return {"ok": True} if ok else {"ok": False, "error": error}


def by_sdk(package):
    return f"sdk {package}=={metadata.version(package)}"


def signed(i, headers, by, url=None, body=None):
    return {"headers": headers, "url": i.get("url") if url is None else url,
            "body": i["body"] if body is None else body, "by": by}


def fresh(now, ts, tolerance):
    return abs(float(now) - float(ts)) <= tolerance


def rfc3339(secs):
    return _dt.datetime.fromtimestamp(int(secs), tz=_dt.timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.000000000Z")


def frozen_datetime(now):
    """A datetime class whose now() is `now` (for SDKs that read datetime.now())."""

    class Frozen(_dt.datetime):
        @classmethod
        def now(cls, tz=None):
            return _dt.datetime.fromtimestamp(float(now), tz=tz or _dt.timezone.utc)

    return Frozen


def is_form(body):
    return bool(body) and not body.lstrip().startswith(("{", "["))


# ---- slack (slack-sdk) -----------------------------------------------------------------------
def slack_sign(i):
    from slack_sdk.signature import SignatureVerifier

    ts = str(i["timestamp"])
    sig = SignatureVerifier(i["secret"]).generate_signature(timestamp=ts, body=i["body"])
    return signed(i, {"X-Slack-Signature": sig, "X-Slack-Request-Timestamp": ts}, by_sdk("slack_sdk"))


def slack_verify(i):
    from slack_sdk.signature import Clock, SignatureVerifier

    class Fixed(Clock):
        def now(self):
            return float(i["now"])

    ok = SignatureVerifier(i["secret"], clock=Fixed()).is_valid_request(i["body"], i["headers"])
    return verdict(ok, "SignatureVerifier.is_valid_request returned False")


# ---- twilio (twilio) -------------------------------------------------------------------------
class Multi:
    """Repeated form fields, the way Flask's MultiDict hands them to RequestValidator."""

    def __init__(self, pairs):
        self.pairs = pairs

    def __iter__(self):
        return iter({k for k, _ in self.pairs})

    def __bool__(self):
        return bool(self.pairs)

    def getall(self, name):
        return [v for k, v in self.pairs if k == name]


def twilio_sign(i):
    from twilio.request_validator import RequestValidator

    v = RequestValidator(i["secret"])
    url, body = i["url"], i["body"]
    if is_form(body):
        sig = v.compute_signature(url, Multi(parse_qsl(body, keep_blank_values=True)))
    else:
        if body:  # JSON: the URL carries the body's hash, the signature covers the URL alone
            parts = urlsplit(url)
            query = (parts.query + "&" if parts.query else "") + "bodySHA256=" + v.compute_hash(body)
            url = urlunsplit(parts._replace(query=query))
        sig = v.compute_signature(url, {})
    return signed(i, {"X-Twilio-Signature": sig}, by_sdk("twilio"), url=url)


def twilio_verify(i):
    from twilio.request_validator import RequestValidator, get_signature_algorithm

    h, body = lower(i["headers"]), i["body"]
    ctype = h.get("content-type", "")
    if ctype.startswith("application/x-www-form-urlencoded") or (not ctype and is_form(body)):
        params = Multi(parse_qsl(body, keep_blank_values=True))
    else:
        params = body
    algorithm = get_signature_algorithm(h.get("x-twilio-webhooks-signature-settings"))
    ok = RequestValidator(i["secret"]).validate(i["url"], params, h.get("x-twilio-signature", ""), algorithm)
    return verdict(ok, "RequestValidator.validate returned False")


# ---- hubspot (hubspot-api-client, signature v3) ----------------------------------------------
# HubSpot's v3 docs: decode these percent-escapes in the URI before signing (the SDK's
# Signature takes the URI as the caller gives it).
HUBSPOT_DECODE = {"%3A": ":", "%2F": "/", "%3F": "?", "%40": "@", "%21": "!", "%24": "$",
                  "%27": "'", "%28": "(", "%29": ")", "%2A": "*", "%2C": ",", "%3B": ";"}


def hubspot_uri(url):
    out, k = [], 0
    while k < len(url):
        chunk = url[k:k + 3].upper()
        if url[k] == "%" and chunk in HUBSPOT_DECODE:
            out.append(HUBSPOT_DECODE[chunk])
            k += 3
        else:
            out.append(url[k])
            k += 1
    return "".join(out)


def hubspot_sign(i):
    from hubspot.utils.signature import Signature

    ts = str(int(i["timestamp"]) * 1000)
    sig = Signature.get_signature(i["secret"], i["body"], "v3", hubspot_uri(i["url"]), i["method"], ts)
    return signed(i, {"X-HubSpot-Signature-v3": sig, "X-HubSpot-Request-Timestamp": ts},
                  by_sdk("hubspot-api-client"))


def hubspot_verify(i):
    module = import_module("hubspot.utils.signature")
    module.datetime = frozen_datetime(i["now"])
    h = lower(i["headers"])
    try:
        ok = module.Signature.is_valid(
            signature=h.get("x-hubspot-signature-v3", ""), client_secret=i["secret"],
            request_body=i["body"], http_uri=hubspot_uri(i["url"]), http_method=i["method"],
            signature_version="v3", timestamp=h.get("x-hubspot-request-timestamp"))
    except Exception as error:  # the SDK raises on a stale or missing timestamp
        return verdict(False, f"{type(error).__name__}: {error}")
    return verdict(ok, "Signature.is_valid returned False")


# ---- square (squareup: verify only) ----------------------------------------------------------
def square_verify(i):
    from square.utils.webhooks_helper import verify_signature

    ok = verify_signature(request_body=i["body"],
                          signature_header=lower(i["headers"]).get("x-square-hmacsha256-signature", ""),
                          signature_key=i["secret"], notification_url=i["url"])
    return verdict(ok, "verify_signature returned False")


# ---- paddle (paddle-python-sdk: verify only) -------------------------------------------------
def paddle_verify(i):
    from paddle_billing.Notifications import Secret

    # The package re-exports the class under the module's name: fetch the module itself.
    module = import_module("paddle_billing.Notifications.Verifier")
    module.time = lambda: float(i["now"])

    class Request:
        def __init__(self, headers, body):
            self.headers = headers
            self.body = body.encode("utf-8")

    headers = {"Paddle-Signature": lower(i["headers"]).get("paddle-signature")}
    ok = module.Verifier().verify(Request(headers, i["body"]), Secret(i["secret"]))
    return verdict(ok, "Verifier.verify returned False")


# ---- svix / standard-webhooks (svix, standardwebhooks) ---------------------------------------
def webhooks_module(preset):
    return import_module("svix.webhooks" if preset == "svix" else "standardwebhooks.webhooks")


def std_sign(preset):
    prefix = "svix" if preset == "svix" else "webhook"

    def run(i):
        msg_id = i.get("id") or "msg_p5jXN8AQM9LWM0D4loKWxJek"
        when = _dt.datetime.fromtimestamp(int(i["timestamp"]), tz=_dt.timezone.utc)
        sig = webhooks_module(preset).Webhook(i["secret"]).sign(msg_id, when, i["body"])
        return signed(i, {f"{prefix}-id": msg_id, f"{prefix}-timestamp": str(int(i["timestamp"])),
                          f"{prefix}-signature": sig},
                      by_sdk("svix" if preset == "svix" else "standardwebhooks"))
    return run


def std_verify(preset):
    def run(i):
        # svix's Webhook wraps standardwebhooks' one, which reads the clock for both.
        import_module("standardwebhooks.webhooks").datetime = frozen_datetime(i["now"])
        hook = webhooks_module(preset).Webhook(i["secret"])
        if preset == "svix":
            hook.verify(i["body"], lower(i["headers"]))
        else:
            hook.verify(i["body"], lower(i["headers"]), json_parse=False)
        return {"ok": True}
    return run


# ---- discord (PyNaCl signs, discord-interactions verifies) -----------------------------------
def discord_keygen(_):
    import nacl.signing

    key = nacl.signing.SigningKey.generate()
    return {"secret": bytes(key).hex(), "public": bytes(key.verify_key).hex()}


def discord_sign(i):
    import nacl.signing

    ts = str(int(i["timestamp"]))
    key = nacl.signing.SigningKey(bytes.fromhex(i["secret"]))
    sig = key.sign((ts + i["body"]).encode()).signature.hex()
    return signed(i, {"X-Signature-Ed25519": sig, "X-Signature-Timestamp": ts},
                  "doc https://discord.com/developers/docs/interactions/overview#setting-up-an-endpoint"
                  f" (Ed25519 by PyNaCl=={metadata.version('PyNaCl')}; discord-interactions only verifies)")


def discord_verify(i):
    import discord_interactions

    h = lower(i["headers"])
    sig, ts = h.get("x-signature-ed25519"), h.get("x-signature-timestamp")
    if sig is None or ts is None:
        return verdict(False, "missing header")
    return verdict(bool(discord_interactions.verify_key(i["body"].encode(), sig, ts, i["secret"])))


# ---- coinbase-commerce (coinbase-commerce) ---------------------------------------------------
def coinbase_sign(i):
    from coinbase_commerce.webhook import WebhookSignature

    # The SDK's own signature routine (it has no public signer).
    sig = WebhookSignature._compute_signature(i["body"], i["secret"])
    return signed(i, {"X-CC-Webhook-Signature": sig}, by_sdk("coinbase-commerce") + " (_compute_signature)")


def coinbase_verify(i):
    from coinbase_commerce.webhook import WebhookSignature

    WebhookSignature.verify_sig_header(i["body"], lower(i["headers"]).get("x-cc-webhook-signature", ""), i["secret"])
    return {"ok": True}


# ---- documented schemes (no SDK signs, or none verifies) -------------------------------------
class BodyHmac:
    """`header: prefix + encoding(HMAC(secret, body))`; `separator` when the header may list
    several signatures (rotation)."""

    def __init__(self, doc, header, prefix="", digest=hashlib.sha256, encoding="hex", separator=None):
        self.doc, self.header, self.prefix = doc, header, prefix
        self.digest, self.encoding, self.separator = digest, encoding, separator

    def value(self, secret, body):
        return self.prefix + encode(mac(secret, body, digest=self.digest), self.encoding)

    def sign(self, i):
        return signed(i, {self.header: self.value(i["secret"], i["body"])}, "doc " + self.doc)

    def verify(self, i):
        got = lower(i["headers"]).get(self.header.lower())
        if not got:
            return verdict(False, f"{self.header} is missing")
        items = [s.strip() for s in got.split(self.separator)] if self.separator else [got.strip()]
        want = self.value(i["secret"], i["body"])
        fold = str.lower if self.encoding == "hex" else str
        return verdict(any(same(fold(item), fold(want)) for item in items))


class Timed:
    """A scheme signing a timestamp: `sign(secret, ts_text, i) -> headers` and
    `read(headers, i) -> (ts_seconds, sig_items, message)`."""

    def __init__(self, doc, tolerance, sign, read=None, message=None):
        self.doc, self.tolerance, self._sign, self._read, self._message = doc, tolerance, sign, read, message

    def sign(self, i):
        return signed(i, self._sign(i), "doc " + self.doc)

    def verify(self, i):
        try:
            ts, given, want = self._read(lower(i["headers"]), i)
        except (KeyError, ValueError, TypeError) as error:
            return verdict(False, f"missing or malformed: {error}")
        if not any(same(g.lower(), want.lower()) for g in given):
            return verdict(False)
        return verdict(fresh(i["now"], ts, self.tolerance), "timestamp outside the tolerance")


def t_v1(header, scale, separator):
    """`t=<ts>,v1=<hex HMAC of "t.body">` (Calendly, Mux; `scale` 1000 for milliseconds)."""

    def sign(i):
        t = str(int(i["timestamp"]) * scale)
        return {header: f"t={t}{separator}v1={mac(i['secret'], t, '.', i['body']).hex()}"}

    def read(h, i):
        items = [p.strip().split("=", 1) for p in h[header.lower()].split(",")]
        t = next(v for k, v in items if k == "t")
        return int(t) / scale, [v for k, v in items if k == "v1"], mac(i["secret"], t, ".", i["body"]).hex()
    return sign, read


def zoom_sign(i):
    ts = str(int(i["timestamp"]))
    return {"x-zm-request-timestamp": ts, "x-zm-signature": "v0=" + mac(i["secret"], "v0:", ts, ":", i["body"]).hex()}


def zoom_read(h, i):
    ts = h["x-zm-request-timestamp"]
    return int(ts), [h["x-zm-signature"]], "v0=" + mac(i["secret"], "v0:", ts, ":", i["body"]).hex()


def twitch_sign(i):
    msg_id = i.get("id") or "befa7b53-d79d-478f-86b9-120f112b044e"
    stamp = rfc3339(i["timestamp"])
    return {"Twitch-Eventsub-Message-Id": msg_id, "Twitch-Eventsub-Message-Timestamp": stamp,
            "Twitch-Eventsub-Message-Signature": "sha256=" + mac(i["secret"], msg_id, stamp, i["body"]).hex()}


def twitch_read(h, i):
    msg_id, stamp = h["twitch-eventsub-message-id"], h["twitch-eventsub-message-timestamp"]
    secs = _dt.datetime.fromisoformat(stamp[:19] + "+00:00").timestamp()
    return secs, [h["twitch-eventsub-message-signature"]], "sha256=" + mac(i["secret"], msg_id, stamp, i["body"]).hex()


def paddle_doc_sign(i):
    ts = str(int(i["timestamp"]))
    return {"Paddle-Signature": f"ts={ts};h1={mac(i['secret'], ts, ':', i['body']).hex()}"}


def gitlab_sign(i):
    return signed(i, {"X-Gitlab-Token": i["secret"]}, "doc " + DOC_GITLAB)


def gitlab_verify(i):
    return verdict(same(lower(i["headers"]).get("x-gitlab-token", ""), i["secret"]), "token does not match")


def linear_sign(i):
    """Linear puts the sending time (ms) in the body's `webhookTimestamp`, then signs the body."""
    body = i["body"]
    doc = json.loads(body)
    if "webhookTimestamp" in doc:
        old = json.dumps(doc["webhookTimestamp"])
        key = '"webhookTimestamp":'
        at = body.index(key) + len(key)
        body = body[:at] + body[at:].replace(old, str(int(i["timestamp"]) * 1000), 1)
    return signed(i, {"Linear-Signature": mac(i["secret"], body).hex()}, "doc " + DOC_LINEAR, body=body)


def square_sign(i):
    return signed(i, {"x-square-hmacsha256-signature": encode(mac(i["secret"], i["url"], i["body"]), "b64")},
                  "doc https://developer.squareup.com/docs/webhooks/step3validate")


def mailgun_sign(i):
    """Mailgun's JSON webhooks carry {timestamp, token, signature} in the body's `signature`."""
    ts = str(int(i["timestamp"]))
    token = i.get("token") or hashlib.sha256(f"{ts}{i['body']}".encode()).hexdigest()[:50]
    doc = json.loads(i["body"])
    doc["signature"] = {"timestamp": ts, "token": token, "signature": mac(i["secret"], ts, token).hex()}
    return signed(i, {}, "doc " + DOC_MAILGUN, body=json.dumps(doc, separators=(",", ":")))


def mailgun_verify(i):
    try:
        s = json.loads(i["body"])["signature"]
        want = mac(i["secret"], s["timestamp"], s["token"]).hex()
        given, ts = s["signature"], int(s["timestamp"])
    except (KeyError, ValueError, TypeError) as error:
        return verdict(False, f"missing or malformed signature: {error}")
    if not same(want, given):
        return verdict(False)
    return verdict(fresh(i["now"], ts, 300), "timestamp outside the tolerance")


DOC_GITLAB = "https://docs.gitlab.com/user/project/integrations/webhooks/#create-a-webhook (secret token)"
DOC_LINEAR = "https://linear.app/developers/webhooks"
DOC_MAILGUN = "https://documentation.mailgun.com/docs/mailgun/user-manual/webhooks/securing-webhooks"
CALENDLY = t_v1("Calendly-Webhook-Signature", 1, ",")
MUX = t_v1("Mux-Signature", 1, ",")

DOC_SIGN_VERIFY = {  # no SDK signs or verifies these
    "gitlab": (gitlab_sign, gitlab_verify),
    "mailgun": (mailgun_sign, mailgun_verify),
}
for _name, _scheme in {
    "bitbucket": BodyHmac("https://support.atlassian.com/bitbucket-cloud/docs/manage-webhooks/#Secure-webhooks",
                          "X-Hub-Signature", "sha256="),
    "intercom": BodyHmac("https://developers.intercom.com/docs/references/webhooks/webhook-models#signed-notifications",
                         "X-Hub-Signature", "sha1=", hashlib.sha1),
    "typeform": BodyHmac("https://www.typeform.com/developers/webhooks/secure-your-webhooks/",
                         "Typeform-Signature", "sha256=", encoding="b64"),
    "vercel": BodyHmac("https://vercel.com/docs/webhooks/webhooks-api#securing-webhooks",
                       "x-vercel-signature", digest=hashlib.sha1),
    "meta": BodyHmac("https://developers.facebook.com/docs/graph-api/webhooks/getting-started#validate-payloads",
                     "X-Hub-Signature-256", "sha256="),
    "pagerduty": BodyHmac("https://developer.pagerduty.com/docs/webhooks/webhook-signatures/",
                          "X-PagerDuty-Signature", "v1=", separator=","),
    "sentry": BodyHmac("https://docs.sentry.io/organization/integrations/integration-platform/webhooks/#sentry-hook-signature",
                       "Sentry-Hook-Signature"),
    "lemon-squeezy": BodyHmac("https://docs.lemonsqueezy.com/help/webhooks/signing-requests", "X-Signature"),
    "dropbox": BodyHmac("https://www.dropbox.com/developers/reference/webhooks#notifications", "X-Dropbox-Signature"),
    "asana": BodyHmac("https://developers.asana.com/docs/webhooks-guide#security", "X-Hook-Signature"),
    "zoom": Timed("https://developers.zoom.us/docs/api/webhooks/#verify-webhook-events", 300, zoom_sign, zoom_read),
    "calendly": Timed("https://developer.calendly.com/api-docs/overview/webhooks/webhook-signatures", 180, *CALENDLY),
    "twitch": Timed("https://dev.twitch.tv/docs/eventsub/handling-webhook-events/#verifying-the-event-message",
                    600, twitch_sign, twitch_read),
}.items():
    DOC_SIGN_VERIFY[_name] = (_scheme.sign, _scheme.verify)

DOC_SIGN_ONLY = {  # an SDK verifies these (here or in judge.mjs) but none signs
    "linear": linear_sign,
    "square": square_sign,
    "paddle": Timed("https://developer.paddle.com/webhooks/signature-verification", 5, paddle_doc_sign).sign,
    "line": BodyHmac("https://developers.line.biz/en/reference/messaging-api/#signature-validation",
                     "x-line-signature", encoding="b64").sign,
    "mux": Timed("https://www.mux.com/docs/core/verify-webhook-signatures", 300, MUX[0]).sign,
}

COMMANDS = {
    ("sign", "slack"): slack_sign, ("verify", "slack"): slack_verify,
    ("sign", "twilio"): twilio_sign, ("verify", "twilio"): twilio_verify,
    ("sign", "hubspot"): hubspot_sign, ("verify", "hubspot"): hubspot_verify,
    ("verify", "square"): square_verify,
    ("verify", "paddle"): paddle_verify,
    ("sign", "svix"): std_sign("svix"), ("verify", "svix"): std_verify("svix"),
    ("sign", "standard-webhooks"): std_sign("standard-webhooks"),
    ("verify", "standard-webhooks"): std_verify("standard-webhooks"),
    ("keygen", "discord"): discord_keygen,
    ("sign", "discord"): discord_sign, ("verify", "discord"): discord_verify,
    ("sign", "coinbase-commerce"): coinbase_sign, ("verify", "coinbase-commerce"): coinbase_verify,
}
for _name, (_sign, _verify) in DOC_SIGN_VERIFY.items():
    COMMANDS[("sign", _name)], COMMANDS[("verify", _name)] = _sign, _verify
for _name, _sign in DOC_SIGN_ONLY.items():
    COMMANDS[("sign", _name)] = _sign


def main():
    if len(sys.argv) != 3:
        print(json.dumps({"error": "usage: judge.py sign|verify|keygen <preset>"}))
        sys.exit(2)
    command, preset = sys.argv[1], sys.argv[2]
    fn = COMMANDS.get((command, preset))
    if fn is None:
        print(json.dumps({"error": f"judge.py cannot {command} {preset}"}))
        sys.exit(2)
    data = json.load(sys.stdin)
    with redirect_stdout(sys.stderr):  # SDKs that print (discord-interactions, paddle's logger)
        try:
            out = fn(data)
        except Exception as error:  # an SDK's refusal, raised
            if command != "verify":
                raise
            out = verdict(False, f"{type(error).__name__}: {error}".splitlines()[0][:500])
    print(json.dumps(out))


if __name__ == "__main__":
    main()
