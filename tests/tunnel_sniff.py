#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""The tunnel packets of tests/tunnel_types.sh, seen by a real server:

  tunnel_sniff.py DEV OUT READY
      appends a line to OUT for every GUE (UDP) or GRE packet arriving on
      DEV, once listening touches READY: the outer header's addresses and
      DF bit, the encapsulation's bytes (UDP source port and checksums
      left out: a hash, and what the device may still fill in), whether
      the UDP length is the packet's, and the inner packet's protocol,
      addresses and port.
"""
import socket
import struct
import sys

ETH_P_ALL = 0x0003
ETH_HLEN = 14
IPPROTO_GRE = 47


def inner(p):
    hl = (p[0] & 15) * 4 if p else 0
    if len(p) < max(hl, 20) + 4:
        return "inner cut: %d bytes" % len(p)
    sport, dport = struct.unpack("!HH", p[hl:hl + 4])
    return "inner %s %s>%s:%d" % ({6: "tcp", 17: "udp"}.get(p[9], str(p[9])),
                                  socket.inet_ntoa(p[12:16]),
                                  socket.inet_ntoa(p[16:20]), dport)


def gue(p, tot):
    sport, dport, ulen, check = struct.unpack("!HHHH", p[:8])
    g = p[8:]
    hlen = 4 + (g[0] & 31) * 4
    return "udp dport=%d len=%s check=%s gue=%s %s" % (
        dport, "ok" if ulen == tot else "bad:%d" % ulen,
        "none" if check == 0 else "set", g[:hlen].hex(), inner(g[hlen:]))


def gre(p):
    flags = struct.unpack("!H", p[:2])[0]
    hlen = 8 if flags & 0x8000 else 4
    return "gre hdr=%s %s" % (p[:4].hex(), inner(p[hlen:]))


def sniff(dev, out, ready):
    s = socket.socket(socket.AF_PACKET, socket.SOCK_RAW, socket.htons(ETH_P_ALL))
    s.bind((dev, 0))
    f = open(out, "a", buffering=1)
    open(ready, "w").close()
    while True:
        frame, addr = s.recvfrom(65535)
        if addr[2] == socket.PACKET_OUTGOING or frame[12:14] != b"\x08\x00":
            continue
        p = frame[ETH_HLEN:]
        hl = (p[0] & 15) * 4
        head = "%s>%s df=%d" % (socket.inet_ntoa(p[12:16]),
                                socket.inet_ntoa(p[16:20]), p[6] >> 6 & 1)
        # To the end of the frame: the outer header's total length may
        # already be fou's, which shortens it in place as it decapsulates
        # (this socket's copy shares the data). veth does not pad frames.
        body = p[hl:]
        if p[9] == socket.IPPROTO_UDP and len(body) >= 12:
            print(head, gue(body, len(body)), file=f)
        elif p[9] == IPPROTO_GRE:
            print(head, gre(body), file=f)


if __name__ == "__main__":
    sniff(sys.argv[1], sys.argv[2], sys.argv[3])
