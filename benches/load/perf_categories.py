#!/usr/bin/env python3
"""Self time of a server under load, by category: reads `perf report --no-children --sort dso,symbol
--stdio -g none` on standard input (benches/README.md, issue 23: "Where the rest goes").

    perf record -F 3000 -p PID -o perf.data -- sleep 5   # while wrk runs
    perf report -i perf.data --no-children --sort dso,symbol --stdio -g none | benches/load/perf_categories.py
"""
import collections
import re
import sys

# perf report --no-children --sort dso,symbol --stdio -g none output on stdin
cats = [
 ("kernel: TCP, syscalls, scheduling", r"\[k\]"),
 ("tracing: spans, events, log format", r"tracing|nu_ansi|DefaultVisitor|PlainFields|PlainVisitor|PlainText|logging::|sharded_slab|FormattedFields|fmt::time|EnvFilter"),
 ("allocation (malloc/free)", r"malloc|_int_free|cfree|realloc|free@|tcache|malloc_consolidate|unlink_chunk|__libc_free|_int_realloc"),
 ("memcpy/memmove", r"memmove|memcpy|memset"),
 ("hyper + http parsing/writing", r"hyper::|httparse|http::header|http::|HeaderMap|bytes::"),
 ("tokio runtime, timers, io", r"tokio::|mio::|epoll|futex|__vdso|clock_gettime|parking"),
 ("signature (HMAC-SHA1)", r"sha1|hmac|Sha1|digest"),
 ("JSON load/dump, models", r"serde|clustaar_schemas|from_utf8|itoa|ryu|skip_to_escape|parse_str|models::"),
 ("axum/tower routing", r"axum|tower|matchit|Router"),
 ("framework: pipeline, ops layer, request id", r"clustaar_webhook|uuid|rand|getrandom|chacha"),
 ("formatting (core::fmt)", r"core::fmt|fmt::write|float_to_decimal|grisu|dragon"),
]
totals = collections.Counter(); other = collections.Counter()
for line in sys.stdin:
    m = re.match(r"\s+([\d.]+)%\s+(\S+)\s+(\[.\])\s+(.*)", line)
    if not m: continue
    pct = float(m.group(1)); sym = m.group(3) + " " + m.group(4).strip()
    for name, pat in cats:
        if re.search(pat, sym):
            totals[name] += pct; break
    else:
        totals["other"] += pct; other[sym[:100]] += pct
for name, pct in totals.most_common():
    print(f"{pct:6.1f}%  {name}")
print("-- top 'other':")
for sym, pct in other.most_common(8):
    print(f"{pct:6.2f}%  {sym}")
