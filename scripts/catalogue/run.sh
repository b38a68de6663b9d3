#!/bin/sh
# Re-extract every catalogue from pinned npm packages, then regenerate webhook-core/src/senders/catalogue.rs.
# Usage: sh scripts/catalogue/run.sh [workdir]   (downloads ~200 MB unpacked into workdir, default /tmp/catpkgs)
set -eu
here=$(cd "$(dirname "$0")" && pwd); w=${1:-/tmp/catpkgs}; mkdir -p "$w" "$here/out"; cd "$w"
get() { # get <spec> <dir>
  [ -d "$2/package" ] && return 0
  f=$(npm pack "$1" --silent | tail -1); mkdir -p "$2"; tar xzf "$f" -C "$2"; }
get stripe@23.2.0 stripe-23.2.0
get @octokit/openapi-webhooks-types@12.2.0 octokit-openapi-webhooks-types-12.2.0
get @slack/types@3.2.0 slack-types-3.2.0
get @twurple/api@8.2.0 twurple-api
get @paddle/paddle-node-sdk@3.10.0 paddle-paddle-node-sdk-3.10.0
get @shopify/dev-mcp@1.16.0 devmcp
get @mux/mux-node@15.3.0 x-mux-mux-node-15.3.0
get @workos-inc/node@12.3.0 x-workos-inc-node-12.3.0
get @linear/sdk@98.0.0 x-linear-sdk-98.0.0
get @lemonsqueezy/lemonsqueezy.js@4.0.0 x-lemonsqueezy-lemonsqueezy.js-4.0.0
get @vercel/sdk@1.28.35 x-vercel-sdk-1.28.35
get @hubspot/api-client@14.0.1 x-hubspot-api-client-14.0.1
get square@46.0.0 x-square-46.0.0
get @zoom/rivet@0.4.0 x-zoom-rivet-0.4.0
python3 "$here/stripe.py"  stripe-23.2.0/package
python3 "$here/github.py"  octokit-openapi-webhooks-types-12.2.0/package 2>/dev/null
python3 "$here/slack.py"   slack-types-3.2.0/package >/dev/null
python3 "$here/twitch.py"  twurple-api/package
python3 "$here/paddle.py"  paddle-paddle-node-sdk-3.10.0/package >/dev/null
python3 "$here/shopify.py" devmcp/package
python3 "$here/others.py"  "$w"
python3 "$here/gen.py" ${DATE:-}
