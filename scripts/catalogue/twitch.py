"""Extract Twitch EventSub subscription types.
Usage: python3 twitch.py <unpacked @twurple/api dir>
Primary: every `createSubscription('<type>', '<version>', ...)` call in
@twurple/api lib/endpoints/eventSub/HelixEventSubApi.js (one per
subscribeTo*Events method). Supplemented by types listed in Twitch's own
EventSub reference that twurple has no subscribe method for (checked by hand
on https://dev.twitch.tv/docs/eventsub/reference/conduit and
https://dev.twitch.tv/docs/eventsub/reference/guest-star)."""
import json, re, sys, pathlib
pkg = pathlib.Path(sys.argv[1])
src = (pkg / "lib/endpoints/eventSub/HelixEventSubApi.js").read_text()
found = re.findall(r"createSubscription\(\s*'([a-z_.]+)',\s*'([0-9a-z]+)'", src)
twurple = {t for t, _ in found}
from_docs = {
    "conduit.shard.disabled",              # reference/conduit, version 1
    "channel.guest_star_guest.update",     # reference/guest-star, version beta
    "channel.guest_star_session.begin",    # reference/guest-star, version beta
    "channel.guest_star_session.end",      # reference/guest-star, version beta
    "channel.guest_star_settings.update",  # reference/guest-star, version beta
}
print("docs-only additions not in twurple:", sorted(from_docs - twurple), file=sys.stderr)
ver = json.loads((pkg / "package.json").read_text())["version"]
names = sorted(twurple | from_docs)
json.dump({"source": f"@twurple/api@{ver} (npm) HelixEventSubApi createSubscription types + https://dev.twitch.tv/docs/eventsub/reference (conduit, guest-star)",
           "names": names}, open(pathlib.Path(__file__).parent / "out/twitch.json", "w"), indent=1)
print(len(twurple), "from twurple,", len(names), "total")
