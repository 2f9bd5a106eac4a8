#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0-only
"""ExaBGP-style health check for bgpshieldd's process API (selftests).

Every INTERVAL seconds probe a local TCP service (a connect to HOST:PORT);
announce PREFIX when it answers and withdraw it when it does not, once per
change of state.  Commands go to stdout, one per line; the daemon answers
each with "done" or "error" on stdin, between its events (JSON or text
lines), which are skipped.  Python standard library only.

Usage: healthcheck.py --port PORT --prefix PREFIX [--host 127.0.0.1]
       [--interval 0.5] [--next-hop self] [--med N] [--log FILE]

With --log, every state change, command and answer is appended to FILE
(the selftest reads it).
"""

import argparse
import os
import select
import socket
import sys
import time

ACK_TIMEOUT = 2.0


class Health:
    def __init__(self, args):
        self.args = args
        self.logf = open(args.log, "a", buffering=1) if args.log else None
        self.buf = b""
        self.eof = False

    def log(self, msg):
        if self.logf:
            self.logf.write("%.3f %s\n" % (time.time(), msg))

    def probe(self):
        try:
            with socket.create_connection((self.args.host, self.args.port),
                                          timeout=0.3):
                return True
        except OSError:
            return False

    def lines(self, timeout):
        """Lines read from stdin within TIMEOUT seconds (or fewer)."""
        out = []
        r, _, _ = select.select([sys.stdin.buffer], [], [], timeout)
        if not r:
            return out
        chunk = os.read(sys.stdin.fileno(), 65536)
        if not chunk:
            self.eof = True
            return out
        self.buf += chunk
        while b"\n" in self.buf:
            line, self.buf = self.buf.split(b"\n", 1)
            out.append(line.decode("utf-8", "replace").strip())
        return out

    def send(self, cmd):
        """Send CMD; return its answer ("done", "error" or "timeout")."""
        sys.stdout.write(cmd + "\n")
        sys.stdout.flush()
        self.log("sent " + cmd)
        deadline = time.monotonic() + ACK_TIMEOUT
        while not self.eof:
            left = deadline - time.monotonic()
            if left <= 0:
                break
            for line in self.lines(left):
                # Events (JSON objects or "neighbor ..." text) are not
                # answers; the answer is the first done/error line.
                if line in ("done", "error"):
                    self.log("ack %s => %s" % (cmd, line))
                    return line
        self.log("ack %s => timeout" % cmd)
        return "timeout"

    def run(self):
        a = self.args
        attrs = "next-hop %s" % a.next_hop
        if a.med is not None:
            attrs += " med %d" % a.med
        state = None
        self.log("pid %d start" % os.getpid())
        while not self.eof:
            up = self.probe()
            if up != state:
                self.log("service %s" % ("up" if up else "down"))
                if up:
                    ans = self.send("announce route %s %s" % (a.prefix, attrs))
                else:
                    ans = self.send("withdraw route %s" % a.prefix)
                # Retry on the next round unless the daemon took it.
                state = up if ans == "done" else None
            # Sleep by waiting on stdin: events are drained meanwhile.
            end = time.monotonic() + a.interval
            while not self.eof:
                left = end - time.monotonic()
                if left <= 0:
                    break
                self.lines(left)
        self.log("stdin closed: exit")


def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--host", default="127.0.0.1")
    p.add_argument("--port", type=int, required=True)
    p.add_argument("--prefix", required=True)
    p.add_argument("--interval", type=float, default=0.5)
    p.add_argument("--next-hop", default="self")
    p.add_argument("--med", type=int)
    p.add_argument("--log")
    Health(p.parse_args()).run()


if __name__ == "__main__":
    main()
