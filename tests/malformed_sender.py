#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Malformed IPv4/TCP/UDP/ICMP packets at a virtual service, for
tests/robustness.sh: one process for the whole run (every process costs
about a second in the test VM).

    malformed_sender.py CLIENT DIRECTOR RS1 RS2     (network namespace names)

The topology is the one of setup_lvs in tests/lib.sh. The packets come from
an address nobody has, CLI (10.0.0.3), with a permanent neighbour entry on
the director, so that what the director sends back is captured on the
client's link and nothing waits for ARP; the real servers route CLI into a
blackhole, so they send nothing back. Frames are sent with a packet socket,
so that anything, down to broken IPv4 headers, reaches the director.

For each case it prints what reached each real server and came back to the
client (normalized: the IP ID and header checksum of packets the kernel
made are random), the changes of the director's SNMP counters, of the IPVS
totals (/proc/net/ip_vs_stats_percpu) and the case's connection entries
(/proc/net/ip_vs_conn, what ipvsadm -Lnc shows). A few cases have a real
server send an ICMP error to the client (a packet given as ("rs1", ...)). After
each case a barrier (packets to both servers and an echo request to the
director, behind everything the case caused on this one CPU) makes sure
that everything the case caused has happened; its own share of the
counters is measured first and left out.
"""

import ctypes
import fcntl
import os
import select
import socket
import struct
import sys
import time

CLONE_NEWNET = 0x40000000
ETH_P_ALL = 0x0003
ETH_P_IP = 0x0800
PACKET_OUTGOING = 4
SIOCGIFHWADDR = 0x8927

CLI = "10.0.0.3"
DIRECTOR = "10.0.0.1"
VIP = "10.0.0.100"
RS = ["192.168.100.11", "192.168.100.12"]
TCP, UDP, ICMP, IPIP = 6, 17, 1, 4
FIN, SYN, RST, PSH, ACK, URG = 0x01, 0x02, 0x04, 0x08, 0x10, 0x20

libc = ctypes.CDLL(None, use_errno=True)


def enter(ns):
    fd = os.open(f"/run/netns/{ns}", os.O_RDONLY)
    try:
        if libc.setns(fd, CLONE_NEWNET) != 0:
            err = ctypes.get_errno()
            raise OSError(err, f"setns {ns}: {os.strerror(err)}")
    finally:
        os.close(fd)


def read_in(ns, path):
    enter(ns)
    with open(path) as f:
        return f.read()


# Checksums and headers.


def csum(b):
    if len(b) % 2:
        b += b"\0"
    s = sum(struct.unpack(f"!{len(b) // 2}H", b))
    while s >> 16:
        s = (s & 0xFFFF) + (s >> 16)
    return ~s & 0xFFFF


def addr(a):
    return socket.inet_aton(a)


def pseudo(src, dst, proto, length):
    return addr(src) + addr(dst) + struct.pack("!BBH", 0, proto, length)


def ip4(proto, payload, src=CLI, dst=VIP, ident=None, ttl=64, frag=0, opts=b"",
        ihl=None, tot=None, check=None, ver=4):
    ident = next_ident() if ident is None else ident
    hl = 20 + len(opts)
    ihl = hl // 4 if ihl is None else ihl
    tot = hl + len(payload) if tot is None else tot
    h = struct.pack("!BBHHHBBH4s4s", ver << 4 | ihl, 0, tot, ident, frag, ttl,
                    proto, 0, addr(src), addr(dst)) + opts
    if check is None:
        check = csum(h[:max(ihl * 4, 20)])
    return h[:10] + struct.pack("!H", check) + h[12:] + payload


def tcp(sport, dport, flags, src=CLI, dst=VIP, seq=1000, ack=0, doff=5,
        opts=b"", data=b"", check=None):
    seg = struct.pack("!HHIIBBHHH", sport, dport, seq, ack, doff << 4, flags,
                      8192, 0, 0) + opts + data
    if check is None:
        check = csum(pseudo(src, dst, TCP, len(seg)) + seg)
    return seg[:16] + struct.pack("!H", check) + seg[18:]


def udp(sport, dport, data=b"ping", src=CLI, dst=VIP, length=None, check=None):
    ln = 8 + len(data) if length is None else length
    seg = struct.pack("!HHHH", sport, dport, ln, 0) + data
    if check is None:
        check = csum(pseudo(src, dst, UDP, len(seg)) + seg) or 0xFFFF
    return seg[:6] + struct.pack("!H", check) + seg[8:]


def icmp(typ, code, data=b"", rest=b"\0\0\0\0", check=None):
    m = struct.pack("!BBH", typ, code, 0) + rest + data
    if check is None:
        check = csum(m)
    return m[:2] + struct.pack("!H", check) + m[4:]


def udp_zero_after_nat(sport, rs):
    """A UDP datagram to VIP:80 whose checksum, once NAT sends it to `rs`
    port 80, comes out as zero (which UDP must send as 0xffff)."""
    data = bytearray(b"zz\0\0")
    seg = udp(sport, 80, bytes(data), dst=rs, check=0)
    s = ~csum(pseudo(CLI, rs, UDP, len(seg)) + seg) & 0xFFFF
    data[2:4] = struct.pack("!H", ~s & 0xFFFF)
    return udp(sport, 80, bytes(data))


# The cases: (name, [IP packets], seconds to wait before the barrier).
# Every case has its own eight source ports (port()) and sixteen IP IDs
# (next_ident()), so its connections and captures are its own.

CASES = []
_sent = [0]


def next_ident():
    """The IP ID of the next packet of the case being built: 0x100 plus
    16 per case plus its rank in the case."""
    _sent[0] += 1
    return 0x100 + 16 * len(CASES) + _sent[0] - 1


def idents(n):
    return range(0x100 + 16 * n, 0x100 + 16 * (n + 1))


def case(name, pkts, wait=0):
    assert _sent[0] <= 16, name
    CASES.append((name, pkts, wait))
    _sent[0] = 0


def port():
    return 20000 + 8 * len(CASES)


def syn(dport, **kw):
    return ip4(TCP, tcp(port(), dport, SYN), **kw)


def reply_quote(proto, vport, cport, n, **kw):
    """The first `n` bytes after the IP header of a packet from VIP:vport
    to CLI:cport (what an ICMP error from the client quotes)."""
    if proto == TCP:
        t = tcp(vport, cport, SYN | ACK, src=VIP, dst=CLI)
    else:
        t = udp(vport, cport, b"answer", src=VIP, dst=CLI)
    inner = ip4(proto, t, src=VIP, dst=CLI, ident=0x55, **kw)
    return inner[:len(inner) - len(t) + n]


def icmp_err(quote, typ=3, code=3, **kw):
    return ip4(ICMP, icmp(typ, code, quote, **kw))


def request_quote(proto, dst, dport, cport, n):
    """The first `n` bytes after the IP header of a packet from CLI:cport
    to dst:dport (what a real server's ICMP error quotes)."""
    if proto == TCP:
        t = tcp(cport, dport, SYN, dst=dst)
    else:
        t = udp(cport, dport, dst=dst)
    inner = ip4(proto, t, dst=dst, ident=0x66)
    return inner[:len(inner) - len(t) + n]


def rs_err(i, quote, **kw):
    """A "port unreachable" from real server `i` to CLI."""
    return ip4(ICMP, icmp(3, 3, quote, **kw), src=RS[i], dst=CLI)


def build_cases():
    p = port
    good = tcp(p(), 80, SYN)
    # IPv4 headers the input path refuses (ip_rcv).
    case("ip-header-12-bytes", [ip4(TCP, good)[:12]])
    case("ip-ihl-4", [ip4(TCP, tcp(p(), 80, SYN), ihl=4)])
    case("ip-ihl-past-end", [ip4(TCP, tcp(p(), 80, SYN), ihl=15)])
    case("ip-totlen-past-frame", [ip4(TCP, tcp(p(), 80, SYN), tot=100)])
    case("ip-totlen-under-ihl", [ip4(TCP, tcp(p(), 80, SYN), tot=16)])
    case("ip-bad-checksum", [ip4(TCP, tcp(p(), 80, SYN), check=0x1234)])
    case("ip-version-6", [ip4(TCP, tcp(p(), 80, SYN), ver=6)])
    case("ip-bad-option-length", [ip4(TCP, tcp(p(), 80, SYN), opts=b"\x07\x01\x00\x00")])
    case("ip-lsrr-option", [ip4(TCP, tcp(p(), 80, SYN),
                                opts=b"\x01\x83\x07\x04" + addr(RS[0]))])
    # Headers it lets through.
    case("ip-totlen-under-frame", [ip4(TCP, tcp(p(), 80, SYN) + b"trailing!!", tot=40)])
    case("ip-options-nop-nat", [ip4(TCP, tcp(p(), 80, SYN), opts=b"\x01\x01\x01\x00")])
    case("ip-options-rr-dr", [ip4(TCP, tcp(p(), 81, SYN),
                                  opts=b"\x01\x07\x07\x04\0\0\0\0")])
    case("ip-options-ra-udp", [ip4(UDP, udp(p(), 80), opts=b"\x94\x04\0\0")])
    case("ip-ttl-1-nat", [ip4(TCP, tcp(p(), 80, SYN), ttl=1)])
    case("ip-ttl-1-dr", [ip4(TCP, tcp(p(), 81, SYN), ttl=1)])
    case("ip-ttl-0-udp", [ip4(UDP, udp(p(), 80), ttl=0)])
    case("ip-unknown-protocol", [ip4(253, b"\0" * 8)])

    def frags(proto, parts):
        """Fragments of one datagram: (payload, frag_off) pairs."""
        ident = next_ident()
        return [ip4(proto, b, frag=f, ident=ident) for b, f in parts]

    # Fragments: the input path reassembles them before IPVS.
    t = tcp(p(), 80, SYN)
    case("frag-tcp-header-split", frags(TCP, [(t[:8], 0x2000), (t[8:], 1)]))
    t = tcp(p(), 81, SYN, data=b"0123456789abcdef")
    case("frag-reverse-order-dr", frags(TCP, [(t[16:], 2), (t[:16], 0x2000)]))
    u = udp(p(), 80, b"0123456789abcdef")
    case("frag-udp-header-only", frags(UDP, [(u[:8], 0x2000), (u[8:], 1)]))
    t = tcp(p(), 80, SYN, data=b"0123456789abcdef")
    case("frag-overlap", frags(TCP, [(t[:24], 0x2000), (t[8:], 1)]))
    t = tcp(p(), 80, SYN, data=b"0123456789abcdef")
    case("frag-duplicate", frags(TCP, [(t[:16], 0x2000), (t[:16], 0x2000), (t[16:], 2)]))
    # TCP headers cut short, without a connection.
    for n in (0, 2, 4, 8, 19):
        case(f"tcp-cut-{n}-nat", [ip4(TCP, tcp(p(), 80, SYN)[:n])])
    case("tcp-cut-8-dr", [ip4(TCP, tcp(p(), 81, SYN)[:8])])
    case("tcp-cut-8-to-director", [ip4(TCP, tcp(p(), 80, SYN)[:8], dst=DIRECTOR)])
    case("tcp-cut-8-no-service", [ip4(TCP, tcp(p(), 9999, SYN)[:8])])
    # ... and on a connection.
    for svc, dport in (("nat", 80), ("dr", 81)):
        for n in (2, 4, 12):
            case(f"tcp-{svc}-conn-then-cut-{n}",
                 [syn(dport), ip4(TCP, tcp(p(), dport, ACK, seq=1001)[:n])])
    # Data offsets.
    case("tcp-doff-0-nat", [ip4(TCP, tcp(p(), 80, SYN, doff=0))])
    case("tcp-doff-4-dr", [ip4(TCP, tcp(p(), 81, SYN, doff=4))])
    case("tcp-doff-15-nat", [ip4(TCP, tcp(p(), 80, SYN, doff=15))])
    case("tcp-doff-6-options-cut", [ip4(TCP, tcp(p(), 80, SYN, doff=6))])
    # Flags, without a connection...
    for name, f in (("syn-fin", SYN | FIN), ("syn-rst", SYN | RST), ("none", 0),
                    ("all", 0xFF), ("fin", FIN), ("ack", ACK), ("rst", RST),
                    ("syn-ack", SYN | ACK), ("syn-psh-urg-ece-cwr", SYN | PSH | URG | 0xC0)):
        case(f"tcp-flags-{name}", [ip4(TCP, tcp(p(), 80, f))])
    case("tcp-flags-syn-fin-dr", [ip4(TCP, tcp(p(), 81, SYN | FIN))])
    # ... and on a connection.
    for name, f in (("syn-fin", SYN | FIN), ("none", 0), ("rst", RST),
                    ("syn-rst", SYN | RST), ("fin-ack", FIN | ACK)):
        case(f"tcp-conn-then-{name}", [syn(80), ip4(TCP, tcp(p(), 80, f, seq=1001))])
    case("tcp-dr-conn-then-none", [syn(81), ip4(TCP, tcp(p(), 81, 0, seq=1001))])
    # Checksums and ports.
    case("tcp-bad-checksum-nat", [ip4(TCP, tcp(p(), 80, SYN, check=0xBAD))])
    case("tcp-bad-checksum-dr", [ip4(TCP, tcp(p(), 81, SYN, check=0xBAD))])
    case("tcp-zero-checksum-nat", [ip4(TCP, tcp(p(), 80, SYN, check=0))])
    case("tcp-sport-0-nat", [ip4(TCP, tcp(0, 80, SYN))])
    case("tcp-dport-0", [ip4(TCP, tcp(p(), 0, SYN))])
    case("tcp-no-service-syn", [ip4(TCP, tcp(p(), 9999, SYN))])
    case("tcp-no-service-ack", [ip4(TCP, tcp(p(), 9999, ACK))])
    # UDP.
    for n in (0, 2, 4, 7):
        case(f"udp-cut-{n}-nat", [ip4(UDP, udp(p(), 80)[:n])])
    for svc, dport in (("nat", 80), ("dr", 81)):
        for n in (2, 4, 6):
            case(f"udp-{svc}-conn-then-cut-{n}",
                 [ip4(UDP, udp(p(), dport)), ip4(UDP, udp(p(), dport)[:n])])
    case("udp-length-0-nat", [ip4(UDP, udp(p(), 80, length=0))])
    case("udp-length-4-dr", [ip4(UDP, udp(p(), 81, length=4))])
    case("udp-length-past-end-nat", [ip4(UDP, udp(p(), 80, length=200))])
    case("udp-length-short-nat", [ip4(UDP, udp(p(), 80, b"0123456789", length=10))])
    case("udp-zero-checksum-nat", [ip4(UDP, udp(p(), 80, check=0)),
                                   ip4(UDP, udp(p() + 1, 80, check=0))])
    case("udp-zero-checksum-dr", [ip4(UDP, udp(p(), 81, check=0))])
    case("udp-bad-checksum-nat", [ip4(UDP, udp(p(), 80, check=0xBAD))])
    # Two in a row: round robin sends one of them to the first server.
    case("udp-checksum-folds-to-zero", [ip4(UDP, udp_zero_after_nat(p(), RS[0])),
                                        ip4(UDP, udp_zero_after_nat(p() + 1, RS[0]))])
    case("udp-sport-0-nat", [ip4(UDP, udp(0, 80))])
    case("udp-dport-0", [ip4(UDP, udp(p(), 0))])
    case("udp-no-service", [ip4(UDP, udp(p(), 9999))])
    # ICMP to the virtual address.
    case("icmp-cut-4", [ip4(ICMP, icmp(3, 3)[:4])])
    case("icmp-echo", [ip4(ICMP, icmp(8, 0, b"echo", rest=struct.pack("!HH", 7, 1)))])
    case("icmp-unreach-nothing-quoted", [icmp_err(b"")])
    case("icmp-unreach-quote-cut-10", [icmp_err(reply_quote(TCP, 80, p(), 8)[:10])])
    case("icmp-unreach-quote-ihl-4", [icmp_err(reply_quote(TCP, 80, p(), 8, ihl=4))])
    case("icmp-unreach-quote-ihl-15", [icmp_err(reply_quote(TCP, 80, p(), 8, ihl=15))])
    case("icmp-unreach-quote-version-6", [icmp_err(reply_quote(TCP, 80, p(), 8, ver=6))])
    case("icmp-unreach-quote-no-conn", [icmp_err(reply_quote(TCP, 80, p(), 8))])
    for n in (0, 2, 4, 8):
        case(f"icmp-unreach-nat-conn-quote-{n}",
             [syn(80), icmp_err(reply_quote(TCP, 80, p(), n))])
    case("icmp-unreach-dr-conn-quote-8", [syn(81), icmp_err(reply_quote(TCP, 81, p(), 8))])
    case("icmp-unreach-udp-conn", [ip4(UDP, udp(p(), 80)),
                                   icmp_err(reply_quote(UDP, 80, p(), 8))])
    case("icmp-unreach-udp-dr-conn", [ip4(UDP, udp(p(), 81)),
                                      icmp_err(reply_quote(UDP, 81, p(), 8))])
    case("icmp-unreach-conn-quote-fragment",
         [syn(80), icmp_err(reply_quote(TCP, 80, p(), 8, frag=1))])
    case("icmp-unreach-conn-quote-options",
         [syn(80), icmp_err(reply_quote(TCP, 80, p(), 8, opts=b"\x01\x01\x01\x00"))])
    case("icmp-unreach-conn-bad-checksum",
         [syn(80), icmp_err(reply_quote(TCP, 80, p(), 8), check=0xBAD)])
    case("icmp-time-exceeded-conn", [syn(80), icmp_err(reply_quote(TCP, 80, p(), 8), 11, 0)])
    case("icmp-source-quench-conn", [syn(80), icmp_err(reply_quote(TCP, 80, p(), 8), 4, 0)])
    case("icmp-param-problem-conn", [syn(80), icmp_err(reply_quote(TCP, 80, p(), 8), 12, 0)])
    case("icmp-unreach-quote-ipip", [icmp_err(ip4(IPIP, b"", src=VIP, dst=CLI))])
    case("icmp-unreach-dr-conn-quote-4", [syn(81), icmp_err(reply_quote(TCP, 81, p(), 4))])
    # ICMP errors from the real servers, about packets of the client.
    for proto, name in ((TCP, "nat"), (UDP, "udp-nat")):
        first = syn(80) if proto == TCP else ip4(UDP, udp(p(), 80))
        case(f"icmp-from-rs-{name}-conn", [first] + [
            (f"rs{i + 1}", rs_err(i, request_quote(proto, RS[i], 80, p(), 8)))
            for i in range(2)])
    case("icmp-from-rs-nat-conn-quote-4", [syn(80)] + [
        (f"rs{i + 1}", rs_err(i, request_quote(TCP, RS[i], 80, p(), 4))) for i in range(2)])
    case("icmp-from-rs-nat-conn-bad-checksum", [syn(80)] + [
        (f"rs{i + 1}", rs_err(i, request_quote(TCP, RS[i], 80, p(), 8), check=0xBAD))
        for i in range(2)])
    case("icmp-from-rs-dr-conn", [syn(81)] + [
        (f"rs{i + 1}", rs_err(i, request_quote(TCP, VIP, 81, p(), 8))) for i in range(2)])
    case("icmp-from-rs-no-conn", [("rs1", rs_err(0, request_quote(TCP, RS[0], 80, p(), 8)))])
    case("icmp-from-rs-cut-4", [("rs1", ip4(ICMP, icmp(3, 3)[:4], src=RS[0], dst=CLI))])
    # Fragments that never complete, last: they wait for the director's
    # reassembly timeout (set to 1 s), which sends "time exceeded" for
    # the first.
    t = tcp(p(), 80, SYN, data=b"0123456789abcdef")
    case("frag-first-only", frags(TCP, [(t[:8], 0x2000)]), wait=2.5)
    case("frag-later-only", frags(TCP, [(t[8:], 1)]), wait=2.5)


# Observation.


def mac_of(ns, ifname):
    enter(ns)
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
        r = fcntl.ioctl(s, SIOCGIFHWADDR, struct.pack("256s", ifname.encode()))
    return r[18:24]


def capture(ns, ifname):
    enter(ns)
    s = socket.socket(socket.AF_PACKET, socket.SOCK_RAW, socket.htons(ETH_P_ALL))
    s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 1 << 20)
    s.bind((ifname, ETH_P_ALL))
    s.setblocking(False)
    return s


def counters(director):
    """The director's SNMP counters and IPVS totals, as one dict."""
    out = {}
    for path in ("/proc/net/snmp", "/proc/net/netstat"):
        lines = read_in(director, path).splitlines()
        for names, values in zip(lines[::2], lines[1::2]):
            group = names.split(":")[0]
            for k, v in zip(names.split()[1:], values.split()[1:]):
                out[f"{group}.{k}"] = int(v)
    # The live per-CPU counters: the C IPVS updates the totals of
    # /proc/net/ip_vs_stats (and ipvsadm's) every two seconds.
    try:
        st = read_in(director, "/proc/net/ip_vs_stats_percpu").splitlines()
    except FileNotFoundError:
        st = []
    names = ("Conns", "InPkts", "OutPkts", "InBytes", "OutBytes")
    for line in st[2:]:
        f = line.split()
        if len(f) != 6 or f[0] == "~":
            break
        for k, v in zip(names, f[1:]):
            out[f"ipvs.{k}"] = out.get(f"ipvs.{k}", 0) + int(v, 16)
    return out


def conns(director, ports):
    """The connection entries from CLI with a source port in `ports`,
    without their expiry time."""
    res = []
    cli = addr(CLI).hex().upper()
    try:
        table = read_in(director, "/proc/net/ip_vs_conn")
    except FileNotFoundError:
        table = ""
    for line in table.splitlines()[1:]:
        f = line.split()
        if len(f) >= 8 and f[1] == cli and int(f[2], 16) in ports:
            res.append(" ".join(f[:8]))
    return sorted(res)


def describe(pkt, ours):
    """A captured IPv4 packet: a summary and its bytes, with the IP ID and
    header checksum blanked on packets not sent by us."""
    if len(pkt) < 20:
        return "short " + pkt.hex()
    ihl = (pkt[0] & 15) * 4
    ident, proto = struct.unpack("!H", pkt[4:6])[0], pkt[9]
    src, dst = socket.inet_ntoa(pkt[12:16]), socket.inet_ntoa(pkt[16:20])
    what = {TCP: "TCP", UDP: "UDP", ICMP: "ICMP"}.get(proto, f"proto{proto}")
    l4 = pkt[ihl:]
    if proto in (TCP, UDP) and len(l4) >= 4:
        sp, dp = struct.unpack("!HH", l4[:4])
        src, dst = f"{src}:{sp}", f"{dst}:{dp}"
    elif proto == ICMP and len(l4) >= 2:
        what += f" {l4[0]}/{l4[1]}"
    h = pkt.hex()
    if ident not in ours:
        h = h[:8] + "...." + h[12:20] + "...." + h[24:]
    return f"{what} {src} > {dst} len={len(pkt)} ttl={pkt[8]} {h}"


class Run:
    def __init__(self, client, director, rs):
        self.director = director
        os.sched_setaffinity(0, {0})
        # Reassembly queues give up after a second, not thirty.
        enter(director)
        with open("/proc/sys/net/ipv4/ipfrag_time", "w") as f:
            f.write("1\n")
        # Every ICMP error goes to CLI: no rate limit may hide one.
        with open("/proc/sys/net/ipv4/icmp_ratelimit", "w") as f:
            f.write("0\n")
        # No IGMP reports (of the bridge's groups, say) in the counters.
        for ns in (client, director, *rs):
            enter(ns)
            with open("/proc/sys/net/ipv4/igmp_link_local_mcast_reports", "w") as f:
                f.write("0\n")
        self.dmac = mac_of(director, "veth0")
        self.smac = mac_of(client, "veth0")
        self.caps = {f"rs{i + 1}": capture(ns, "eth0") for i, ns in enumerate(rs)}
        self.caps["client"] = capture(client, "veth0")
        self.brmac = mac_of(director, "br0")
        self.rs_tx = {}
        for i, ns in enumerate(rs):
            mac = mac_of(ns, "eth0")
            tx = socket.socket(socket.AF_PACKET, socket.SOCK_RAW, 0)
            tx.bind(("eth0", 0))
            self.rs_tx[f"rs{i + 1}"] = (tx, mac)
        enter(client)
        self.tx = socket.socket(socket.AF_PACKET, socket.SOCK_RAW, 0)
        self.tx.bind(("veth0", 0))
        self.barriers = 0

    def send(self, pkt):
        if isinstance(pkt, tuple):
            tx, mac = self.rs_tx[pkt[0]]
            tx.send(self.brmac + mac + struct.pack("!H", ETH_P_IP) + pkt[1])
        else:
            self.tx.send(self.dmac + self.smac + struct.pack("!H", ETH_P_IP) + pkt)

    def drain(self, got, want):
        """Reads the captures into `got` until every socket saw its barrier
        in `want` (a dict name -> predicate), or 20 s passed."""
        deadline = time.monotonic() + 20
        pending = dict(want)
        while pending and time.monotonic() < deadline:
            r, _, _ = select.select(list(self.caps.values()), [], [], 0.5)
            for name, s in self.caps.items():
                if s not in r:
                    continue
                while True:
                    try:
                        frame, a = s.recvfrom(65535)
                    except BlockingIOError:
                        break
                    if a[2] == PACKET_OUTGOING or len(frame) < 14:
                        continue
                    if struct.unpack("!H", frame[12:14])[0] != ETH_P_IP:
                        continue
                    pkt = frame[14:]
                    if name in pending and pending[name](pkt):
                        del pending[name]
                    elif barrier_tag(pkt) is None and ours(name, pkt):
                        got.setdefault(name, []).append(pkt)
        return sorted(pending)

    def barrier(self, got):
        self.barriers += 1
        tag = 0xF000 + self.barriers
        for dst in RS:
            self.send(ip4(ICMP, icmp(0, 0, b"barrier", rest=struct.pack("!HH", tag, 0)),
                          dst=dst, ident=tag))
        self.send(ip4(ICMP, icmp(8, 0, b"barrier", rest=struct.pack("!HH", tag, 0)),
                      dst=DIRECTOR, ident=tag))

        def seen(pkt):
            return barrier_tag(pkt) == tag
        return self.drain(got, {name: seen for name in self.caps})

    def run(self):
        # The barrier's own share of the counters.
        got = {}
        self.barrier(got)
        a = counters(self.director)
        self.barrier(got)
        base = delta(a, counters(self.director))
        print("barrier: " + " ".join(f"{k}+{v}" for k, v in sorted(base.items())))
        for n, (name, pkts, wait) in enumerate(CASES):
            ports = range(20000 + 8 * n, 20000 + 8 * (n + 1))
            before = counters(self.director)
            for pkt in pkts:
                self.send(pkt)
            if wait:
                time.sleep(wait)
            got = {}
            lost = self.barrier(got)
            d = delta(before, counters(self.director))
            for k, v in base.items():
                d[k] = d.get(k, 0) - v
            print(f"case {n} {name}")
            for where in sorted(self.caps):
                for pkt in got.get(where, []):
                    print(f"  {where}: {describe(pkt, idents(n))}")
            print("  counters: " + " ".join(f"{k}{v:+d}" for k, v in sorted(d.items()) if v))
            for c in conns(self.director, ports):
                print(f"  conn: {c}")
            if lost:
                print(f"  barrier lost at {' '.join(lost)}")
        sys.stdout.flush()


def ours(where, pkt):
    """Whether a packet captured `where` comes from CLI (at a real server)
    or goes to it (at the client)."""
    at = 16 if where == "client" else 12
    return pkt[at:at + 4] == addr(CLI)


def barrier_tag(pkt):
    """The tag of a barrier packet (an echo reply with an ICMP ID from
    0xf000), else None."""
    if len(pkt) >= 28 and pkt[:1] == b"\x45" and pkt[9] == ICMP and pkt[20] == 0:
        tag = struct.unpack("!H", pkt[24:26])[0]
        if tag >= 0xF000:
            return tag
    return None


def delta(a, b):
    return {k: b[k] - a.get(k, 0) for k in b if b[k] != a.get(k, 0)}


def main():
    if len(sys.argv) != 5:
        sys.exit(__doc__)
    build_cases()
    Run(sys.argv[1], sys.argv[2], sys.argv[3:5]).run()


if __name__ == "__main__":
    main()
