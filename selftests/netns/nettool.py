#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-only
"""Traffic and JSON helper for the netns selftests (standard library only,
so any python3 will do; scapy is not needed).

  nettool.py serve PORT                     dual-stack TCP echo server
  nettool.py connect HOST PORT [--ttl N] [--timeout S]
        exit 0 echoed, 3 timed out, 4 refused, 5 other error, 6 bad echo
  nettool.py stream HOST PORT --stop-file F [--ttl N] [--interval S]
        one connection, a message every interval until F exists; prints
        'connected' first, then 'sent=N answered=M'; exit 0 iff all answered
  nettool.py syn --iface IF --dst-mac MAC --dst ADDR --count N
        [--src ADDR | --src-net CIDR] [--ttl N] [--dport P] [--duration S]
        N hand-built IPv4 or IPv6 TCP SYNs on a packet socket (spoofed
        sources need this: the stack would not send them), spread evenly
        over S seconds if given; prints how many were sent
  nettool.py json PATH...                   values from JSON on stdin
  nettool.py percpu-sum FIELD...            per-CPU sums from `bpftool -j
                                            map dump` output on stdin

Every wait has a bound: the shell side relies on it.
"""
import ipaddress
import json
import os
import random
import re
import socket
import struct
import sys
import threading
import time


def die(msg, code=2):
    print("nettool: " + msg, file=sys.stderr)
    sys.exit(code)


def opts(argv, spec):
    """--key value pairs into a dict, with defaults from spec."""
    out = dict(spec)
    it = iter(argv)
    for a in it:
        if not a.startswith("--") or a[2:] not in spec:
            die("unknown option " + a)
        try:
            out[a[2:]] = next(it)
        except StopIteration:
            die(a + " needs a value")
    return out


def family_of(addr):
    return socket.AF_INET6 if ":" in addr else socket.AF_INET


def set_ttl(s, fam, ttl):
    if fam == socket.AF_INET6:
        s.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_UNICAST_HOPS, ttl)
    else:
        s.setsockopt(socket.IPPROTO_IP, socket.IP_TTL, ttl)


# --- echo server ----------------------------------------------------------

def serve(argv):
    port = int(argv[0])
    s = socket.socket(socket.AF_INET6, socket.SOCK_STREAM)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    s.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_V6ONLY, 0)
    s.bind(("::", port))
    s.listen(128)

    def echo(c):
        with c:
            c.settimeout(60)
            try:
                while True:
                    d = c.recv(4096)
                    if not d:
                        return
                    c.sendall(d)
            except OSError:
                return

    while True:
        c, _ = s.accept()
        threading.Thread(target=echo, args=(c,), daemon=True).start()


# --- clients ---------------------------------------------------------------

def dial(host, port, ttl, timeout):
    fam = family_of(host)
    s = socket.socket(fam, socket.SOCK_STREAM)
    if ttl is not None:
        set_ttl(s, fam, int(ttl))
    s.settimeout(timeout)
    s.connect((host, int(port)))
    return s


def recv_exact(s, n):
    buf = b""
    while len(buf) < n:
        d = s.recv(n - len(buf))
        if not d:
            break
        buf += d
    return buf


def connect(argv):
    if len(argv) < 2:
        die("connect HOST PORT [--ttl N] [--timeout S]")
    o = opts(argv[2:], {"ttl": None, "timeout": "2"})
    t = float(o["timeout"])
    try:
        s = dial(argv[0], argv[1], o["ttl"], t)
    except socket.timeout:
        print("timeout")
        return 3
    except ConnectionRefusedError:
        print("refused")
        return 4
    except OSError as e:
        print("error: %s" % e)
        return 5
    msg = b"hello bgp\n"
    try:
        s.sendall(msg)
        got = recv_exact(s, len(msg))
    except OSError as e:
        print("connected, then: %s" % e)
        return 6
    finally:
        s.close()
    if got != msg:
        print("bad echo %r" % got)
        return 6
    print("ok")
    return 0


def stream(argv):
    if len(argv) < 2:
        die("stream HOST PORT --stop-file F")
    o = opts(argv[2:], {"ttl": None, "interval": "0.1", "stop-file": "",
                        "max-seconds": "30"})
    if not o["stop-file"]:
        die("stream needs --stop-file")
    try:
        s = dial(argv[0], argv[1], o["ttl"], 2)
    except OSError as e:
        print("connect failed: %s" % e, flush=True)
        return 3
    print("connected", flush=True)
    s.settimeout(1)
    sent = answered = 0
    end = time.monotonic() + float(o["max-seconds"])
    while time.monotonic() < end:
        msg = b"keepalive %06d\n" % sent
        sent += 1
        try:
            s.sendall(msg)
            if recv_exact(s, len(msg)) == msg:
                answered += 1
            else:
                print("bad or no echo for message %d" % sent, flush=True)
        except OSError as e:
            print("message %d: %s" % (sent, e), flush=True)
        if os.path.exists(o["stop-file"]):
            break
        time.sleep(float(o["interval"]))
    s.close()
    print("sent=%d answered=%d" % (sent, answered), flush=True)
    return 0 if sent and sent == answered else 1


# --- hand-built SYNs ---------------------------------------------------------

def csum(data):
    if len(data) % 2:
        data += b"\0"
    s = sum(struct.unpack("!%dH" % (len(data) // 2), data))
    while s >> 16:
        s = (s & 0xffff) + (s >> 16)
    return ~s & 0xffff


def tcp_syn(src, dst, sport, dport, pseudo):
    seq = random.getrandbits(32)
    hdr = struct.pack("!HHIIBBHHH", sport, dport, seq, 0, 5 << 4, 0x02,
                      64240, 0, 0)
    c = csum(pseudo + hdr)
    return hdr[:16] + struct.pack("!H", c) + hdr[18:]


def frame(src, dst, ttl, dport, dst_mac, src_mac):
    sport = random.randint(1024, 65535)
    if src.version == 4:
        pseudo = src.packed + dst.packed + struct.pack("!BBH", 0, 6, 20)
        tcp = tcp_syn(src, dst, sport, dport, pseudo)
        ip = struct.pack("!BBHHHBBH4s4s", 0x45, 0, 20 + len(tcp),
                         random.getrandbits(16), 0, ttl, 6, 0,
                         src.packed, dst.packed)
        ip = ip[:10] + struct.pack("!H", csum(ip)) + ip[12:]
        ethertype = 0x0800
    else:
        pseudo = src.packed + dst.packed + struct.pack("!I3xB", 20, 6)
        tcp = tcp_syn(src, dst, sport, dport, pseudo)
        ip = struct.pack("!IHBB16s16s", 6 << 28, len(tcp), 6, ttl,
                         src.packed, dst.packed)
        ethertype = 0x86DD
    return dst_mac + src_mac + struct.pack("!H", ethertype) + ip + tcp


def syn(argv):
    o = opts(argv, {"iface": "", "dst-mac": "", "dst": "", "count": "1",
                    "src": "", "src-net": "", "ttl": "64", "dport": "179",
                    "duration": "0"})
    if not (o["iface"] and o["dst-mac"] and o["dst"]):
        die("syn needs --iface, --dst-mac and --dst")
    dst = ipaddress.ip_address(o["dst"])
    net = ipaddress.ip_network(o["src-net"] or o["src"])
    if net.version != dst.version:
        die("source and destination families differ")
    mac = bytes.fromhex(o["dst-mac"].replace(":", ""))
    s = socket.socket(socket.AF_PACKET, socket.SOCK_RAW)
    s.bind((o["iface"], 0))
    src_mac = s.getsockname()[4]
    n = int(o["count"])
    duration = float(o["duration"])
    start = time.monotonic()
    sent = 0
    for i in range(n):
        if duration > 0:
            # paced, so a flood overlaps other traffic for a while
            ahead = start + duration * i / n - time.monotonic()
            if ahead > 0.002:
                time.sleep(ahead)
        src = net[random.randrange(net.num_addresses)]
        s.send(frame(src, dst, int(o["ttl"]), int(o["dport"]), mac,
                     src_mac))
        sent += 1
    s.close()
    print(sent)
    return 0


# --- JSON ---------------------------------------------------------------------

def walk(v, path):
    """a.b[2].c; list[key=value] picks the element with that field (the
    value may hold dots: addresses do); list[*].f is every element's f."""
    parts = re.findall(r"\[[^\]]*\]|[^.\[]+", path)
    for n, part in enumerate(parts):
        if part.startswith("["):
            sel = part[1:-1]
            if sel == "*":
                return [walk(e, "".join("." + p if not p.startswith("[")
                                        else p for p in parts[n + 1:]))
                        for e in v]
            if "=" in sel:
                k, want = sel.split("=", 1)
                v = next((e for e in v if str(e.get(k)) == want), None)
            else:
                v = v[int(sel)] if int(sel) < len(v) else None
        else:
            v = v.get(part) if isinstance(v, dict) else None
        if v is None:
            return None
    return v


def jsonget(argv):
    try:
        doc = json.load(sys.stdin)
    except ValueError as e:
        die("not JSON: %s" % e, 1)
    rc = 0
    for p in argv:
        v = walk(doc, p)
        if v is None:
            rc = 1
            print("null")
        elif isinstance(v, bool):
            print("true" if v else "false")
        elif isinstance(v, (dict, list)):
            print(json.dumps(v, sort_keys=True))
        else:
            print(v)
    return rc


def percpu_sum(argv):
    """bpftool -j prints, for a map with BTF, the raw bytes plus a
    'formatted' copy with named fields: sum those over the CPUs."""
    doc = json.load(sys.stdin)
    ent = doc[0]
    vals = ent.get("formatted", ent)["values"]
    for f in argv:
        print(sum(int(c["value"][f]) for c in vals))
    return 0


def main():
    if len(sys.argv) < 2:
        die(__doc__.strip())
    cmd, argv = sys.argv[1], sys.argv[2:]
    fn = {"serve": serve, "connect": connect, "stream": stream, "syn": syn,
          "json": jsonget, "percpu-sum": percpu_sum}.get(cmd)
    if not fn:
        die("unknown command " + cmd)
    sys.exit(fn(argv) or 0)


if __name__ == "__main__":
    main()
