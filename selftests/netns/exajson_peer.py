#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-only
"""
A BGP speaker that only sends: hand-built messages, byte for byte the same
to whoever it connects to, for test_exajson.sh (ExaBGP 4.2 and bgpshieldd
get the same stream and their API output is compared).

Usage: exajson_peer.py HOST [PORT]

Two sessions, one after the other, iBGP in AS 65001:
  1. a 4-octet-AS session: OPEN (multiprotocol IPv4/IPv6, route refresh,
     graceful restart, 4-octet AS, extended message, enhanced route
     refresh, an unknown capability), KEEPALIVE, the
     UPDATEs of STREAM1, ROUTE-REFRESH, NOTIFICATION (Cease/3), close;
  2. a 2-octet-AS session (no 4-octet capability): AS_PATH with AS_TRANS
     and AS4_PATH, AGGREGATOR with AS4_AGGREGATOR, then NOTIFICATION
     Cease/4, close;
  3. OPEN, and the TCP session closed once the other side's OPEN and
     KEEPALIVE are in, before it is up: "connected" then "down".
What the other side sends is read and thrown away.  Exit 0 when both
sessions got as far as the NOTIFICATION, 1 otherwise.
"""
import socket
import struct
import sys
import threading
import time

ASN = 65001
RID = bytes([192, 0, 2, 2])
GAP = 0.15  # between messages, so each is handled before the next


def msg(mtype, body):
    return b"\xff" * 16 + struct.pack("!HB", 19 + len(body), mtype) + body


def cap(code, value):
    return bytes([code, len(value)]) + value


def open_msg(as4):
    caps = cap(1, struct.pack("!HBB", 1, 0, 1))  # ipv4 unicast
    caps += cap(1, struct.pack("!HBB", 2, 0, 1))  # ipv6 unicast
    caps += cap(1, struct.pack("!HBB", 1, 0, 133))  # ipv4 flow (RFC 8955)
    caps += cap(1, struct.pack("!HBB", 2, 0, 133))  # ipv6 flow (RFC 8956)
    caps += cap(2, b"")  # route refresh
    caps += cap(64, struct.pack("!H", 120) + struct.pack("!HBB", 1, 1, 0x80))
    if as4:
        caps += cap(65, struct.pack("!I", ASN))
    caps += cap(6, b"")  # extended message
    caps += cap(70, b"")  # enhanced route refresh
    caps += cap(200, b"\x01\x02")  # unknown
    opt = bytes([2, len(caps)]) + caps
    body = struct.pack("!BHH", 4, ASN, 180) + RID + bytes([len(opt)]) + opt
    return msg(1, body)


def attr(flags, code, value):
    if len(value) > 255:
        return struct.pack("!BBH", flags | 0x10, code, len(value)) + value
    return struct.pack("!BBB", flags, code, len(value)) + value


def pfx4(s):
    a, l = s.split("/")
    l = int(l)
    return bytes([l]) + socket.inet_aton(a)[: (l + 7) // 8]


def pfx6(s):
    a, l = s.split("/")
    l = int(l)
    return bytes([l]) + socket.inet_pton(socket.AF_INET6, a)[: (l + 7) // 8]


def update(withdrawn=b"", attrs=b"", nlri=b""):
    return msg(2, struct.pack("!H", len(withdrawn)) + withdrawn +
               struct.pack("!H", len(attrs)) + attrs + nlri)


def seg(t, asns, size=4):
    f = "!I" if size == 4 else "!H"
    return bytes([t, len(asns)]) + b"".join(struct.pack(f, a) for a in asns)


def ip4(s):
    return socket.inet_aton(s)


def ip6(s):
    return socket.inet_pton(socket.AF_INET6, s)


ORIGIN_IGP = attr(0x40, 1, b"\x00")
NH = attr(0x40, 3, ip4("192.0.2.2"))


def mp_reach6(nh, prefixes):
    v = struct.pack("!HBB", 2, 1, len(nh)) + nh + b"\x00"
    return attr(0x80, 14, v + b"".join(pfx6(p) for p in prefixes))


def mp_unreach(afi, safi, nlri=b""):
    return attr(0x80, 15, struct.pack("!HB", afi, safi) + nlri)


def ext(*items):
    return b"".join(items)


def mp_flow(afi, nlri_hex):
    """MP_REACH_NLRI for flowspec (SAFI 133): no next hop (RFC 8955 §4)."""
    v = struct.pack("!HBBB", afi, 133, 0, 0) + bytes.fromhex(nlri_hex)
    return attr(0x80 | (0x10 if len(v) > 255 else 0), 14, v)


# Flowspec rules (hex NLRI, each with its length octet): every IPv4
# component; operators ExaBGP words specially (!=, false, &true, bit lists,
# !is-fragment); RFC 8955's example 2; IPv6 (offset 0: ExaBGP 4.2 loses
# other offsets) with next header, ICMPv6 type and flow label.
FLOW_EVERY4 = ("2c 01 08 0a 02 00 03 01 06 81 11 04 94 04 00 05 82 ff 06 81 35"
               " 07 81 08 08 81 00 09 01 02 d2 01 10 0a 03 40 d5 05 dc 0b 81 2e"
               " 0c 82 02").replace(" ", "")
FLOW_OPS4 = ("24 01 20 c0 00 02 01 03 06 11 46 06 80 01 07 81 03 08 81 0d 09 00"
             " 12 81 3f 0a 01 40 c7 05 0c 00 01 42 02 80 0d").replace(" ", "")
FLOW_EX2 = "120118c000020218cb0071040389458b911f90"
FLOW_V6 = ("1a 01 30 00 20 01 0d b8 00 01 03 81 3a 07 81 80 0d 21 00 0a bc de"
           " 11 12 34 81 07").replace(" ", "")


STREAM1 = [
    # every attribute bgpshield knows, plus ORIGINATOR_ID, CLUSTER_LIST and
    # an unknown optional transitive one; AS_PATH with an AS_SET
    ("update", update(attrs=ORIGIN_IGP +
        attr(0x40, 2, seg(2, [65010, 65011]) + seg(1, [65020, 65021])) +
        NH +
        attr(0x80, 4, struct.pack("!I", 10)) +
        attr(0x40, 5, struct.pack("!I", 200)) +
        attr(0x40, 6, b"") +
        attr(0xC0, 7, struct.pack("!I", 65003) + ip4("192.0.2.3")) +
        attr(0xC0, 8, struct.pack("!HH", 65000, 1) + struct.pack("!I", 0xFFFFFF01) +
             struct.pack("!HH", 65000, 65535)) +
        attr(0x80, 9, ip4("10.9.9.9")) +
        attr(0x80, 10, ip4("10.8.8.8") + ip4("10.7.7.7")) +
        attr(0xC0, 16, ext(
            struct.pack("!BBHI", 0x00, 0x02, 65000, 1),  # target 2-octet AS
            struct.pack("!BB", 0x01, 0x02) + ip4("192.0.2.1") + struct.pack("!H", 5),
            struct.pack("!BBIH", 0x02, 0x02, 4200000000, 7),  # target 4-octet AS
            struct.pack("!BBHI", 0x00, 0x03, 65000, 9),  # origin
            struct.pack("!BBHI", 0x03, 0x0B, 0, 100),  # color (not decoded)
        )) +
        attr(0xC0, 32, struct.pack("!III", 65000, 1, 2) + struct.pack("!III", 4200000000, 3, 4)) +
        attr(0xC0, 0xF0, b"\xab\xcd\x01"),
        nlri=pfx4("10.1.0.0/24") + pfx4("10.1.1.0/24") + pfx4("10.2.0.0/16"))),
    # IPv6 with a global and a link-local next hop
    ("update", update(attrs=mp_reach6(ip6("2001:db8::2") + ip6("fe80::2"),
                                      ["2001:db8:1::/48", "2001:db8:2::/48"]) +
        ORIGIN_IGP + attr(0x40, 2, seg(2, [65010])) +
        attr(0x80, 4, struct.pack("!I", 0)) + attr(0x40, 5, struct.pack("!I", 100)))),
    # IPv6 with a global next hop only
    ("update", update(attrs=mp_reach6(ip6("2001:db8::2"), ["2001:db8:3::/64"]) +
        attr(0x40, 1, b"\x02") + attr(0x40, 2, b"") + attr(0x40, 5, struct.pack("!I", 100)))),
    # empty AS_PATH (iBGP origination), origin egp
    ("update", update(attrs=attr(0x40, 1, b"\x01") + attr(0x40, 2, b"") + NH +
                      attr(0x40, 5, struct.pack("!I", 100)),
                      nlri=pfx4("10.3.0.0/24"))),
    # a confederation path
    ("update", update(attrs=ORIGIN_IGP +
        attr(0x40, 2, seg(3, [65100, 65101]) + seg(2, [65010])) + NH +
        attr(0x40, 5, struct.pack("!I", 100)),
        nlri=pfx4("10.4.0.0/24"))),
    # IPv4 withdrawal
    ("update", update(withdrawn=pfx4("10.1.1.0/24") + pfx4("10.2.0.0/16"))),
    # withdraw and announce in one message
    ("update", update(withdrawn=pfx4("10.3.0.0/24"), attrs=ORIGIN_IGP +
        attr(0x40, 2, seg(2, [65010])) + NH + attr(0x40, 5, struct.pack("!I", 100)),
        nlri=pfx4("10.5.0.0/24"))),
    # both families, announced and withdrawn, in one message; an AS_PATH
    # of a set only; more extended communities; an unknown attribute
    # with an extended length
    ("update", update(withdrawn=pfx4("10.5.0.0/24"), attrs=mp_unreach(
        2, 1, pfx6("2001:db8:2::/48")) + ORIGIN_IGP +
        attr(0x40, 2, seg(1, [65030, 65031])) + NH +
        attr(0x40, 5, struct.pack("!I", 100)) +
        attr(0xC0, 16, ext(
            struct.pack("!BB", 0x01, 0x03) + ip4("192.0.2.1") + struct.pack("!H", 7),
            struct.pack("!BBIH", 0x02, 0x03, 4200000000, 8),
            struct.pack("!BBHI", 0x80, 0x08, 65000, 100),  # redirect
            struct.pack("!BBHI", 0x40, 0x02, 65000, 2),  # non-transitive target
        )) +
        struct.pack("!BBH", 0xD0, 0xF1, 2) + b"\x00\xff" +
        mp_reach6(ip6("2001:db8::2"), ["2001:db8:4::/48"]),
        nlri=pfx4("10.7.0.0/24"))),
    # MP_UNREACH IPv6
    ("update", update(attrs=mp_unreach(2, 1, pfx6("2001:db8:1::/48") + pfx6("2001:db8:3::/64")))),
    # flowspec: rules with the action communities (traffic-rate bytes
    # and packets, traffic-action, redirect, traffic-marking)
    ("update", update(attrs=ORIGIN_IGP + attr(0x40, 2, b"") +
        attr(0x40, 5, struct.pack("!I", 100)) +
        attr(0xC0, 16, ext(
            bytes.fromhex("8006fde849742400"), bytes.fromhex("800cfde800000000"),
            bytes.fromhex("8007000000000003"), bytes.fromhex("8008fde800000064"),
            bytes.fromhex("800900000000002e"))) +
        mp_flow(1, FLOW_EVERY4 + FLOW_OPS4))),
    ("update", update(attrs=ORIGIN_IGP + attr(0x40, 2, b"") +
        attr(0x40, 5, struct.pack("!I", 100)) +
        attr(0xC0, 16, bytes.fromhex("8006000000000000")) +
        mp_flow(1, FLOW_EX2))),
    ("update", update(attrs=ORIGIN_IGP + attr(0x40, 2, b"") +
        attr(0x40, 5, struct.pack("!I", 100)) + mp_flow(2, FLOW_V6))),
    # flowspec withdrawals, IPv4 and IPv6
    ("update", update(attrs=mp_unreach(1, 133, bytes.fromhex(FLOW_EX2 + FLOW_OPS4)))),
    ("update", update(attrs=mp_unreach(2, 133, bytes.fromhex(FLOW_V6)))),
    # End-of-RIB, IPv4 and IPv6
    ("eor", update()),
    ("eor", update(attrs=mp_unreach(2, 1))),
    ("eor", update(attrs=mp_unreach(1, 133))),
    ("keepalive", msg(4, b"")),
    ("refresh", msg(5, struct.pack("!HBB", 1, 0, 1))),
    ("refresh", msg(5, struct.pack("!HBB", 2, 0, 1))),
]

# Cease/3 without data: ExaBGP 4.2 on Python 3 cannot decode a Cease/2 or
# Cease/4 carrying a shutdown communication (RFC 9003) and resets instead.
NOTIF1 = msg(3, bytes([6, 3]))

STREAM2 = [
    ("update", update(attrs=ORIGIN_IGP +
        attr(0x40, 2, seg(2, [23456, 65010], 2)) + NH +
        attr(0x40, 5, struct.pack("!I", 100)) +
        attr(0xC0, 7, struct.pack("!H", 23456) + ip4("192.0.2.3")) +
        attr(0xC0, 17, seg(2, [4200000001, 65010])) +
        attr(0xC0, 18, struct.pack("!I", 4200000002) + ip4("192.0.2.3")),
        nlri=pfx4("10.6.0.0/24"))),
]
NOTIF2 = msg(3, bytes([6, 4]))


def recv_exact(s, n):
    b = b""
    while len(b) < n:
        c = s.recv(n - len(b))
        if not c:
            raise EOFError("connection closed")
        b += c
    return b


def read_msg(s):
    h = recv_exact(s, 19)
    ln, t = struct.unpack("!HB", h[16:19])
    return t, recv_exact(s, ln - 19)


def drain(s, stop):
    s.settimeout(0.2)
    while not stop.is_set():
        try:
            if not s.recv(65536):
                return
        except socket.timeout:
            continue
        except OSError:
            return


def session(host, port, as4, stream, notif, up=True):
    s = socket.create_connection((host, port), timeout=10)
    s.sendall(open_msg(as4))
    seen_open = False
    # until the other side's OPEN and KEEPALIVE
    while True:
        t, body = read_msg(s)
        if t == 1:
            seen_open = True
        elif t == 3:
            raise RuntimeError("NOTIFICATION %d/%d from the speaker" % (body[0], body[1]))
        elif t == 4 and seen_open:
            break
    if not up:
        time.sleep(0.5)  # the OPEN handled on the other side
        s.close()
        return
    s.sendall(msg(4, b""))
    time.sleep(1.0)  # Established on both sides
    stop = threading.Event()
    th = threading.Thread(target=drain, args=(s, stop), daemon=True)
    th.start()
    for _, m in stream:
        s.sendall(m)
        time.sleep(GAP)
    s.sendall(notif)
    time.sleep(0.5)
    stop.set()
    th.join()
    s.close()


def main():
    host = sys.argv[1]
    port = int(sys.argv[2]) if len(sys.argv) > 2 else 179
    try:
        session(host, port, True, STREAM1, NOTIF1)
        time.sleep(1.0)
        session(host, port, False, STREAM2, NOTIF2)
        time.sleep(1.0)
        session(host, port, True, [], None, up=False)
    except (OSError, EOFError, RuntimeError) as e:
        print("exajson_peer: %s" % e, file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
