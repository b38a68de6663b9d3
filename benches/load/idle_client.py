#!/usr/bin/env python3
"""The client of benches/load/idle.sh: opens keep-alive connections to a server on 127.0.0.1,
each sending one request and reading its whole answer, leaves them idle, and reads the server's
resident memory (VmRSS of /proc/PID/status) before, while they are open, and after they close.

    idle_client.py --port PORT --pid PID --connections N --request signed|get404 \
        [--fixture FILE --date DATE --signature SIG] [--settle SECONDS] [--rounds R]

Prints one line a round: `round rss_before_kb rss_idle_kb rss_closed_kb open elapsed_s`
(`open`: the connections still open when the idle RSS was read). Standard library only;
127.0.0.1 only.
"""

import argparse
import socket
import sys
import time


def rss_kb(pid):
    with open(f"/proc/{pid}/status") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    raise RuntimeError(f"no VmRSS for {pid}")


def request_bytes(args):
    if args.request == "get404":
        return b"GET /no-such-path HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n", 404
    with open(args.fixture, "rb") as fixture:
        body = fixture.read()
    head = (
        "POST / HTTP/1.1\r\n"
        "Host: 127.0.0.1\r\n"
        "Content-Type: application/json\r\n"
        f"Date: {args.date}\r\n"
        f"X-Hub-Signature: {args.signature}\r\n"
        f"Content-Length: {len(body)}\r\n"
        "\r\n"
    )
    return head.encode() + body, 200


def read_answer(sock):
    """Reads one HTTP/1.1 answer (Content-Length or chunked); returns its status."""
    data = b""
    while b"\r\n\r\n" not in data:
        chunk = sock.recv(65536)
        if not chunk:
            raise RuntimeError(f"connection closed before the answer's head: {data!r}")
        data += chunk
    head, rest = data.split(b"\r\n\r\n", 1)
    lines = head.decode("latin-1").split("\r\n")
    status = int(lines[0].split()[1])
    headers = {}
    for line in lines[1:]:
        name, _, value = line.partition(":")
        headers[name.strip().lower()] = value.strip()
    if "content-length" in headers:
        length = int(headers["content-length"])
        while len(rest) < length:
            chunk = sock.recv(65536)
            if not chunk:
                raise RuntimeError("connection closed in the answer's body")
            rest += chunk
    elif headers.get("transfer-encoding", "").lower() == "chunked":
        while not rest.endswith(b"0\r\n\r\n"):
            chunk = sock.recv(65536)
            if not chunk:
                raise RuntimeError("connection closed in the answer's chunked body")
            rest += chunk
    if headers.get("connection", "").lower() == "close":
        raise RuntimeError("the server closes the connection after its answer")
    return status


def still_open(sock):
    """Whether the server has not closed the idle connection (nothing to read, no EOF)."""
    sock.setblocking(False)
    try:
        return sock.recv(1, socket.MSG_PEEK) != b""
    except BlockingIOError:
        return True
    except OSError:
        return False
    finally:
        sock.setblocking(True)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--pid", type=int, required=True)
    parser.add_argument("--connections", type=int, default=2000)
    parser.add_argument("--request", choices=["signed", "get404"], default="signed")
    parser.add_argument("--fixture")
    parser.add_argument("--date")
    parser.add_argument("--signature")
    parser.add_argument("--settle", type=float, default=1.0)
    parser.add_argument("--rounds", type=int, default=1)
    args = parser.parse_args()
    if not 1 <= args.connections <= 50000 or not 1 <= args.rounds <= 10:
        sys.exit("idle_client.py: --connections is 1..50000, --rounds 1..10")
    payload, expected = request_bytes(args)

    for round_ in range(1, args.rounds + 1):
        before = rss_kb(args.pid)
        start = time.monotonic()
        sockets = []
        try:
            for _ in range(args.connections):
                sock = socket.create_connection(("127.0.0.1", args.port), timeout=10)
                sockets.append(sock)
                sock.sendall(payload)
                status = read_answer(sock)
                if status != expected:
                    raise RuntimeError(f"answered {status}, expected {expected}")
            elapsed = time.monotonic() - start
            time.sleep(args.settle)
            idle = rss_kb(args.pid)
            open_ = sum(1 for sock in sockets if still_open(sock))
        finally:
            for sock in sockets:
                sock.close()
        time.sleep(args.settle)
        closed = rss_kb(args.pid)
        print(f"{round_} {before} {idle} {closed} {open_} {elapsed:.2f}", flush=True)


if __name__ == "__main__":
    main()
