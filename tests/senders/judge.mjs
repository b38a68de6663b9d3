#!/usr/bin/env node
// The SDK judge's entry point for every preset (see README.md): one JSON object on stdin, one
// on stdout.
//
//   node judge.mjs sign <preset>     < {"secret","method","url","body","timestamp","id"?}
//       -> {"headers": {...}, "url": ..., "body": ..., "by": "sdk <pkg>@<version>" | "doc <document>"}
//   node judge.mjs verify <preset>   < {"secret","method","url","headers","body","now"}
//       -> {"ok": true} | {"ok": false, "error": "..."}
//   node judge.mjs keygen sendgrid|discord  < {}
//       -> {"secret": <private key>, "public": <public key as the preset is configured>}
//
// `timestamp` and `now` are Unix seconds. The npm SDKs run here: stripe, @octokit/webhooks-methods
// (github), @shopify/shopify-api (sign + verify); @workos-inc/node (sign + verify);
// @linear/sdk, @line/bot-sdk, @mux/mux-node, @sendgrid/eventwebhook (verify only). Everything
// else, and the signing side of the verify-only ones, is judge.py's (Python SDKs and the
// documented schemes), run with ./venv/bin/python (or $SENDERS_SDK_PYTHON). Packages resolve from
// ./node_modules: run this file from the install directory (scripts/senders_sdk.sh copies it
// there, next to node_modules and venv).
import { spawnSync } from 'node:child_process';
import crypto from 'node:crypto';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const lower = (h) => Object.fromEntries(Object.entries(h || {}).map(([k, v]) => [k.toLowerCase(), v]));
const bySdk = (pkg) => `sdk ${pkg}@${JSON.parse(readFileSync(join(here, 'node_modules', pkg, 'package.json'), 'utf8')).version}`;
const verdict = (ok, error = 'signature does not match') => (ok ? { ok: true } : { ok: false, error });

// Runs `fn` with Date.now() and `new Date()` pinned to `nowSecs` (SDKs that read the clock).
async function atTime(nowSecs, fn) {
  const RealDate = Date;
  const fixed = Number(nowSecs) * 1000;
  class FixedDate extends RealDate {
    constructor(...args) { if (args.length === 0) super(fixed); else super(...args); }
    static now() { return fixed; }
  }
  globalThis.Date = FixedDate;
  try { return await fn(); } finally { globalThis.Date = RealDate; }
}

const NODE = {
  stripe: {
    async sign({ secret, body, timestamp, url }) {
      const { default: Stripe } = await import('stripe');
      const header = new Stripe('sk_test_judge').webhooks.generateTestHeaderString({ payload: body, secret, timestamp: Number(timestamp) });
      return { headers: { 'Stripe-Signature': header }, url, body, by: bySdk('stripe') };
    },
    async verify({ secret, headers, body, now }) {
      const { default: Stripe } = await import('stripe');
      new Stripe('sk_test_judge').webhooks.constructEvent(body, lower(headers)['stripe-signature'], secret, 300, undefined, Number(now) * 1000);
      return { ok: true };
    },
  },
  github: {
    async sign({ secret, body, url }) {
      const { sign } = await import('@octokit/webhooks-methods');
      return { headers: { 'X-Hub-Signature-256': await sign(secret, body) }, url, body, by: bySdk('@octokit/webhooks-methods') };
    },
    async verify({ secret, headers, body }) {
      const { verify } = await import('@octokit/webhooks-methods');
      const signature = lower(headers)['x-hub-signature-256'];
      if (!signature) return verdict(false, 'X-Hub-Signature-256 is missing');
      return verdict(await verify(secret, body, signature));
    },
  },
  shopify: {
    async sign({ secret, body, url }) {
      const { getHmac } = await import('@shopify/shopify-api/test-helpers');
      return { headers: { 'X-Shopify-Hmac-Sha256': getHmac(body, secret) }, url, body, by: `${bySdk('@shopify/shopify-api')} (test-helpers getHmac)` };
    },
    // webhooks.validate also wants X-Shopify-Topic, -Shop-Domain, -API-Version, -Webhook-Id.
    async verify({ secret, method, url, headers, body }) {
      await import('@shopify/shopify-api/adapters/web-api');
      const { shopifyApi, ApiVersion, LogSeverity } = await import('@shopify/shopify-api');
      const shopify = shopifyApi({
        apiKey: 'judge', apiSecretKey: secret, scopes: [], hostName: '127.0.0.1',
        apiVersion: ApiVersion.January25 ?? Object.values(ApiVersion).at(-2), isEmbeddedApp: false,
        logger: { level: LogSeverity.Error, log: async () => {} },
      });
      const result = await shopify.webhooks.validate({ rawBody: body, rawRequest: new Request(url, { method, headers, body }) });
      return verdict(result.valid, JSON.stringify(result));
    },
  },
  workos: {
    async sign({ secret, body, timestamp, url }) {
      const { WorkOS } = await import('@workos-inc/node');
      const t = String(Number(timestamp) * 1000);
      const v1 = await new WorkOS('sk_test_judge').webhooks.computeSignature(t, body, secret);
      return { headers: { 'WorkOS-Signature': `t=${t}, v1=${v1}` }, url, body, by: `${bySdk('@workos-inc/node')} (webhooks.computeSignature)` };
    },
    async verify({ secret, headers, body, now }) {
      const { WorkOS } = await import('@workos-inc/node');
      const workos = new WorkOS('sk_test_judge');
      await atTime(now, () => workos.webhooks.constructEvent({ payload: body, sigHeader: lower(headers)['workos-signature'], secret }));
      return { ok: true };
    },
  },
  linear: {
    async verify({ secret, headers, body, now }) {
      const { LinearWebhookClient } = await import('@linear/sdk/webhooks');
      const signature = lower(headers)['linear-signature'];
      if (!signature) return verdict(false, 'Linear-Signature is missing');
      await atTime(now, () => new LinearWebhookClient(secret).verify(Buffer.from(body, 'utf8'), signature));
      return { ok: true };
    },
  },
  line: {
    async verify({ secret, headers, body }) {
      const { validateSignature } = await import('@line/bot-sdk');
      return verdict(validateSignature(body, secret, lower(headers)['x-line-signature'] || ''));
    },
  },
  mux: {
    async verify({ secret, headers, body, now }) {
      const { default: Mux } = await import('@mux/mux-node');
      const mux = new Mux({ tokenId: 'judge', tokenSecret: 'judge' });
      await atTime(now, () => mux.webhooks.verifySignature(body, lower(headers), secret));
      return { ok: true };
    },
  },
  sendgrid: {
    // The secret is the base64 DER PKCS#8 private key; SendGrid's docs define the scheme (ECDSA
    // P-256/SHA-256 of timestamp + body, base64 DER); the SDK only verifies.
    async keygen() {
      const { privateKey, publicKey } = crypto.generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
      return {
        secret: privateKey.export({ format: 'der', type: 'pkcs8' }).toString('base64'),
        public: publicKey.export({ format: 'der', type: 'spki' }).toString('base64'),
      };
    },
    async sign({ secret, body, timestamp, url }) {
      const key = crypto.createPrivateKey({ key: Buffer.from(secret, 'base64'), format: 'der', type: 'pkcs8' });
      const ts = String(Number(timestamp));
      const sig = crypto.sign('sha256', Buffer.from(ts + body), key).toString('base64');
      return {
        headers: { 'X-Twilio-Email-Event-Webhook-Signature': sig, 'X-Twilio-Email-Event-Webhook-Timestamp': ts },
        url, body,
        by: 'doc https://www.twilio.com/docs/sendgrid/for-developers/tracking-events/getting-started-event-webhook-security-features (ECDSA by node:crypto)',
      };
    },
    async verify({ secret, headers, body }) {
      const { EventWebhook } = await import('@sendgrid/eventwebhook');
      const h = lower(headers);
      const ew = new EventWebhook();
      const key = ew.convertPublicKeyToECDSA(`-----BEGIN PUBLIC KEY-----\n${secret}\n-----END PUBLIC KEY-----`);
      return verdict(ew.verifySignature(key, body, h['x-twilio-email-event-webhook-signature'] || '', h['x-twilio-email-event-webhook-timestamp'] || ''));
    },
  },
};

function viaPython(command, preset, input) {
  const python = process.env.SENDERS_SDK_PYTHON || join(here, 'venv', 'bin', 'python');
  const run = spawnSync(python, [join(here, 'judge.py'), command, preset], {
    input, encoding: 'utf8', timeout: 60_000, killSignal: 'SIGKILL',
  });
  process.stderr.write(run.stderr || '');
  if (run.error) process.stderr.write(`judge.mjs: ${python}: ${run.error.message}\n`);
  process.stdout.write(run.stdout || '');
  return run.status ?? 1;
}

async function main() {
  const [command, preset] = process.argv.slice(2);
  let input = '';
  for await (const chunk of process.stdin) input += chunk;
  const impl = NODE[preset]?.[command];
  if (!impl) {
    process.exitCode = viaPython(command, preset, input);
    return;
  }
  let out;
  try {
    out = await impl(JSON.parse(input || '{}'));
  } catch (error) {
    if (command !== 'verify') throw error;
    out = verdict(false, `${error?.name ?? 'Error'}: ${String(error?.message ?? error).split('\n')[0].slice(0, 500)}`);
  }
  process.stdout.write(JSON.stringify(out) + '\n');
}

await main();
