#!/usr/bin/env python3
"""Benchmark primer serve: time from saving one page to the reload event.

Generates a site (2000 pages by default), starts `primer serve` on a free
port, listens to its live-reload events, then edits one page's body N times
(and, as a second series, its title) and prints p50 and p95 of the time
from the write to the `reload` event, beside the time of a full build.

    python3 bench/serve.py [--pages 2000] [--edits 25] [--primer target/release/primer]
"""

import argparse
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import sitegen  # noqa: E402

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def start_server(primer, site):
    server = subprocess.Popen([primer, "serve", "--port", "0"], cwd=site, stdout=subprocess.PIPE, text=True)
    for line in server.stdout:
        if line.startswith("Serving at http://127.0.0.1:"):
            return server, int(line.split(":")[2].split("/")[0])
    raise SystemExit("primer serve did not start")


def events(port):
    """Yields event names from the live-reload channel."""
    sock = socket.create_connection(("127.0.0.1", port))
    sock.sendall(b"GET /__primer/events HTTP/1.1\r\nHost: 127.0.0.1\r\nAccept: text/event-stream\r\n\r\n")
    buffer = b""
    while True:
        chunk = sock.recv(65536)
        if not chunk:
            return
        buffer += chunk
        while b"\n" in buffer:
            line, buffer = buffer.split(b"\n", 1)
            if line.startswith(b"event: "):
                yield line[7:].strip().decode()


def percentile(values, share):
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(share * (len(ordered) - 1))))]


def series(page, channel, edits, change):
    original = open(page).read()
    timings = []
    for n in range(edits):
        text = change(original, n)
        started = time.perf_counter()
        with open(page, "w") as f:
            f.write(text)
        for name in channel:
            if name == "reload":
                break
            if name == "failed":
                raise SystemExit("the edit broke the build")
        timings.append((time.perf_counter() - started) * 1000)
        time.sleep(0.3)  # let the search index refresh settle, as between real saves
    with open(page, "w") as f:
        f.write(original)
    for name in channel:
        if name == "reload":
            break
    return timings


def measure(pages, edits, primer):
    """Times save → reload for body and title edits; returns the timings in
    ms and the full build time."""
    with tempfile.TemporaryDirectory() as site:
        sitegen.generate(site, pages)
        started = time.perf_counter()
        subprocess.run([primer, "build"], cwd=site, check=True, stdout=subprocess.DEVNULL)
        full = (time.perf_counter() - started) * 1000
        server, port = start_server(primer, site)
        try:
            channel = events(port)
            assert next(channel) == "hello"
            page = os.path.join(site, "content", "recipes", "page-00001.md")
            body = series(page, channel, edits, lambda text, n: text + f"\nEdited paragraph number {n}.\n")
            title = series(page, channel, edits, lambda text, n: text.replace("title: ", f"title: Edit {n} ", 1))
        finally:
            server.terminate()
            server.wait()
    return {"body": body, "title": title, "full": full}


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--pages", type=int, default=2000)
    parser.add_argument("--edits", type=int, default=25)
    parser.add_argument("--primer", default=os.path.join(ROOT, "target", "release", "primer"))
    args = parser.parse_args()
    if not os.path.exists(args.primer):
        subprocess.run(["cargo", "build", "--release"], cwd=ROOT, check=True)
    measured = measure(args.pages, args.edits, os.path.abspath(args.primer))
    body, title, full = measured["body"], measured["title"], measured["full"]
    print(f"primer serve on {args.pages} pages: save → reload event, {args.edits} edits each")
    print("| edit | p50 | p95 | goal |")
    print("|---|---|---|---|")
    print(f"| page body | {percentile(body, 0.5):.1f} ms | {percentile(body, 0.95):.1f} ms | p50 ≤ 50 ms |")
    print(f"| page title (listings, tags, neighbours too) | {percentile(title, 0.5):.1f} ms | {percentile(title, 0.95):.1f} ms | |")
    print(f"| full `primer build`, for scale | {full:.0f} ms | | |")


if __name__ == "__main__":
    main()
