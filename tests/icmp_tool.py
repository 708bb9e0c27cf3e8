#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""ICMP errors for tests/icmp.sh, run inside its namespaces:

  icmp_tool.py recverr ADDR PORT SPORT [SIZE]
      sends a UDP datagram from SPORT to ADDR:PORT on a connected socket
      with IP_RECVERR; prints the ICMP error it gets back (and who sent it)
      or the answer. With SIZE, the datagram carries SIZE bytes with DF.
  icmp_tool.py send VADDR CADDR TYPE,CODE,INFO,PROTO,VPORT,CPORT[,bad]...
      sends each ICMP error from CADDR to VADDR, quoting a packet
      VADDR:VPORT -> CADDR:CPORT of PROTO (udp or tcp) with DF; with "bad"
      its ICMP checksum is wrong.
  icmp_tool.py tunnel DIRECTOR SERVER VADDR CADDR TYPE,CODE,INFO,PROTO,VPORT,CPORT[,nodf][,gue=PORT|,gre]...
      sends each ICMP error to DIRECTOR, quoting an IP-in-IP packet
      DIRECTOR -> SERVER that carries a packet CADDR:CPORT -> VADDR:VPORT
      of PROTO, with DF unless "nodf"; with "gue=PORT" the tunnel packet
      is UDP to PORT with a GUE header, with "gre" a GRE packet.
  icmp_tool.py capture OUT READY
      appends a line to OUT for every ICMP error arriving here (raw socket),
      once listening touches READY.
"""
import os
import select
import socket
import struct
import sys

IP_RECVERR = 11
IP_MTU_DISCOVER = 10
IP_PMTUDISC_DO = 2
IPPROTO_GRE = 47
PROTOS = {"udp": socket.IPPROTO_UDP, "tcp": socket.IPPROTO_TCP}
NAMES = {v: k for k, v in PROTOS.items()}


def csum(b):
    if len(b) % 2:
        b += b"\0"
    s = sum(struct.unpack("!%dH" % (len(b) // 2), b))
    while s >> 16:
        s = (s & 0xFFFF) + (s >> 16)
    return ~s & 0xFFFF


def iphdr(src, dst, proto, payload_len, df=True):
    h = struct.pack("!BBHHHBBH4s4s", 0x45, 0, 20 + payload_len, 1,
                    0x4000 if df else 0, 64,
                    proto, 0, socket.inet_aton(src), socket.inet_aton(dst))
    return h[:10] + struct.pack("!H", csum(h)) + h[12:]


def l4(proto, sport, dport):
    if proto == socket.IPPROTO_UDP:
        return struct.pack("!HHHH", sport, dport, 13, 0) + b"hello"
    return struct.pack("!HHII", sport, dport, 1, 0)


def error(spec, vaddr, caddr):
    f = spec.split(",")
    t, code, info, proto, vport, cport = f[:6]
    proto = PROTOS[proto]
    seg = l4(proto, int(vport), int(cport))
    quoted = iphdr(vaddr, caddr, proto, len(seg)) + seg
    body = struct.pack("!BBHI", int(t), int(code), 0, int(info)) + quoted
    c = csum(body)
    if f[6:] == ["bad"]:
        c ^= 0x5555
    return body[:2] + struct.pack("!H", c) + body[4:]


def tunnel_error(spec, director, server, vaddr, caddr):
    f = spec.split(",")
    t, code, info, proto, vport, cport = f[:6]
    proto = PROTOS[proto]
    seg = l4(proto, int(cport), int(vport))
    inner = iphdr(caddr, vaddr, proto, len(seg), df="nodf" not in f[6:]) + seg
    tproto, tunnelled = encapsulate(inner, f[6:])
    quoted = iphdr(director, server, tproto, len(tunnelled)) + tunnelled
    body = struct.pack("!BBHI", int(t), int(code), 0, int(info)) + quoted
    return body[:2] + struct.pack("!H", csum(body)) + body[4:]


def encapsulate(inner, options):
    for o in options:
        if o.startswith("gue="):
            gue = struct.pack("!BBH", 0, socket.IPPROTO_IPIP, 0)
            udp = struct.pack("!HHHH", 40000, int(o[4:]), 8 + len(gue) + len(inner), 0)
            return socket.IPPROTO_UDP, udp + gue + inner
        if o == "gre":
            return IPPROTO_GRE, struct.pack("!HH", 0, 0x0800) + inner
    return socket.IPPROTO_IPIP, inner


def send_tunnel(director, server, vaddr, caddr, specs):
    s = socket.socket(socket.AF_INET, socket.SOCK_RAW, socket.IPPROTO_ICMP)
    for spec in specs:
        s.sendto(tunnel_error(spec, director, server, vaddr, caddr), (director, 0))


def send(vaddr, caddr, specs):
    s = socket.socket(socket.AF_INET, socket.SOCK_RAW, socket.IPPROTO_ICMP)
    for spec in specs:
        s.sendto(error(spec, vaddr, caddr), (vaddr, 0))


def recverr(addr, port, sport, size=None):
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.setsockopt(socket.SOL_IP, IP_RECVERR, 1)
    if size is not None:
        s.setsockopt(socket.SOL_IP, IP_MTU_DISCOVER, IP_PMTUDISC_DO)
    s.bind(("", sport))
    s.connect((addr, port))
    s.send(b"hello\n" if size is None else b"x" * size)
    p = select.poll()
    p.register(s, select.POLLIN | select.POLLERR)
    if not p.poll(3000):
        print("nothing")
        return
    try:
        _, anc, _, _ = s.recvmsg(512, 512, socket.MSG_ERRQUEUE)
    except BlockingIOError:
        print("answer", s.recv(512).decode().strip())
        return
    for level, kind, data in anc:
        if level == socket.SOL_IP and kind == IP_RECVERR:
            err, _, t, code, _, info, _ = struct.unpack("=IBBBBII", data[:16])
            print("error %s type=%d code=%d info=%d from %s" % (
                os.strerror(err), t, code, info, socket.inet_ntoa(data[20:24])))


def capture(out, ready):
    s = socket.socket(socket.AF_INET, socket.SOCK_RAW, socket.IPPROTO_ICMP)
    f = open(out, "a", buffering=1)
    open(ready, "w").close()
    while True:
        p = s.recv(4096)
        hl = (p[0] & 15) * 4
        icmp = p[hl:]
        if icmp[0] not in (3, 4, 11) or len(icmp) < 28:
            continue
        q = icmp[8:]
        qhl = (q[0] & 15) * 4
        sport, dport = struct.unpack("!HH", q[qhl:qhl + 4])
        ok = csum(icmp) == 0 and csum(q[:qhl]) == 0
        print("%s>%s ttl=%d type=%d code=%d info=%d quoted %s %s:%d>%s:%d csum=%s" % (
            socket.inet_ntoa(p[12:16]), socket.inet_ntoa(p[16:20]), p[8],
            icmp[0], icmp[1], struct.unpack("!I", icmp[4:8])[0],
            NAMES.get(q[9], str(q[9])), socket.inet_ntoa(q[12:16]), sport,
            socket.inet_ntoa(q[16:20]), dport, "ok" if ok else "bad"), file=f)


if __name__ == "__main__":
    cmd, args = sys.argv[1], sys.argv[2:]
    if cmd == "recverr":
        recverr(args[0], int(args[1]), int(args[2]), *map(int, args[3:4]))
    elif cmd == "send":
        send(args[0], args[1], args[2:])
    elif cmd == "tunnel":
        send_tunnel(args[0], args[1], args[2], args[3], args[4:])
    elif cmd == "capture":
        capture(args[0], args[1])
    else:
        sys.exit("unknown command " + cmd)
