#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Malformed generic netlink requests to IPVS, for tests/genl_malformed.sh.

Sends one fixed sequence of hand-built IPVS generic netlink messages, most
of them malformed (missing, empty, short, oversized, out-of-range, unknown
and duplicate attributes, bad lengths in the attribute and message
headers), in the current network namespace, and prints one line per
message: its label and the answer (the errno of the NLMSG_ERROR ack, the
NLMSG_DONE of a dump with the number of entries, or "no answer" when the
kernel drops the message). After each message it reads the whole state
back (services, destinations, timeouts and sync daemons, by GET_SERVICE,
GET_DEST, GET_CONFIG and GET_DAEMON) and prints it, indented, when it
changed; a failed request that changed anything is marked "CHANGED BY A
FAILED REQUEST". The output must be the same under the C IPVS and ours.

Raw AF_NETLINK sockets and struct only: every message is built byte by
byte, so any length field can lie.
"""

import socket
import struct
import sys

# The netlink basics, the command numbers and the attribute helpers are
# genl_client.py's; the attribute numbers have short names here, where
# cases list them by the dozen.
from genl_client import (CMD, CTRL_ATTR_FAMILY_ID, CTRL_ATTR_FAMILY_NAME,
                         CTRL_CMD_GETFAMILY, GENL_ID_CTRL, NETLINK_GENERIC,
                         NLA_F_MASK as NLA_TYPE_MASK, NLM_F_ACK, NLM_F_DUMP,
                         NLM_F_REQUEST, NLMSG_DONE, NLMSG_ERROR, attr, be16,
                         errname, parse, u16)

NLA_F_NESTED = 0x8000

# include/uapi/linux/ip_vs.h
A_SERVICE, A_DEST, A_DAEMON = 1, 2, 3
A_TIMEOUT_TCP, A_TIMEOUT_TCP_FIN, A_TIMEOUT_UDP = 4, 5, 6
S_AF, S_PROTOCOL, S_ADDR, S_PORT, S_FWMARK = 1, 2, 3, 4, 5
S_SCHED_NAME, S_FLAGS, S_TIMEOUT, S_NETMASK = 6, 7, 8, 9
S_STATS, S_PE_NAME, S_STATS64 = 10, 11, 12
D_ADDR, D_PORT, D_FWD_METHOD, D_WEIGHT, D_U_THRESH, D_L_THRESH = 1, 2, 3, 4, 5, 6
D_ACTIVE, D_INACT, D_PERSIST, D_STATS, D_ADDR_FAMILY = 7, 8, 9, 10, 11
D_STATS64, D_TUN_TYPE, D_TUN_PORT, D_TUN_FLAGS = 12, 13, 14, 15
M_STATE, M_MCAST_IFN, M_SYNC_ID, M_SYNC_MAXLEN = 1, 2, 3, 4
M_MCAST_GROUP, M_MCAST_GROUP6, M_MCAST_PORT, M_MCAST_TTL = 5, 6, 7, 8

AF_INET, AF_INET6 = socket.AF_INET, socket.AF_INET6
TCP, UDP = 6, 17
MASQ, LOCALNODE, TUNNEL, DROUTE = 0, 1, 2, 3
PERSISTENT = 0x1


def raw_attr(length, typ, payload):
    """An attribute whose header says `length`, whatever its payload is;
    padded to 4 bytes."""
    return struct.pack("=HH", length, typ) + payload + b"\0" * (-len(payload) % 4)


def u8(v):
    return struct.pack("=B", v)


def u32(v):
    return struct.pack("=I", v & 0xFFFFFFFF)


def ip(a):
    """An address as union nf_inet_addr (16 bytes)."""
    af = AF_INET6 if ":" in a else AF_INET
    return socket.inet_pton(af, a).ljust(16, b"\0")


def attrs(pairs):
    """Attributes from (type, payload) pairs; a bytes item goes in as is."""
    return b"".join(p if isinstance(p, bytes) else attr(*p) for p in pairs)


# The attributes of the services and destinations used, as (type,
# payload) lists so that a case can drop, replace or add one.
def svc_key(af=AF_INET, proto=TCP, addr="10.0.0.1", port=80):
    return [(S_AF, u16(af)), (S_PROTOCOL, u16(proto)), (S_ADDR, ip(addr)),
            (S_PORT, be16(port))]


def fwm_key(mark, af=AF_INET):
    return [(S_AF, u16(af)), (S_FWMARK, u32(mark))]


def svc_rest(sched=b"rr", flags=0, mask=0xFFFFFFFF, timeout=0,
             netmask=0xFFFFFFFF):
    return [(S_SCHED_NAME, sched + b"\0"),
            (S_FLAGS, struct.pack("=II", flags, mask)),
            (S_TIMEOUT, u32(timeout)), (S_NETMASK, u32(netmask))]


def dst_key(addr="192.168.1.2", port=80):
    return [(D_ADDR, ip(addr)), (D_PORT, be16(port))]


def dst_rest(fwd=MASQ, weight=1, u=0, l=0):
    return [(D_FWD_METHOD, u32(fwd)), (D_WEIGHT, u32(weight)),
            (D_U_THRESH, u32(u)), (D_L_THRESH, u32(l))]


def without(pairs, typ):
    return [p for p in pairs if isinstance(p, bytes) or p[0] != typ]


def replace(pairs, typ, payload):
    return [(typ, payload) if not isinstance(p, bytes) and p[0] == typ else p
            for p in pairs]


def svc(pairs):
    return attr(A_SERVICE, attrs(pairs))


def dst(pairs):
    return attr(A_DEST, attrs(pairs))


def daemon(pairs):
    return attr(A_DAEMON, attrs(pairs))


class Genl:
    def __init__(self):
        self.sock = socket.socket(socket.AF_NETLINK, socket.SOCK_RAW,
                                  NETLINK_GENERIC)
        self.sock.bind((0, 0))
        self.seq = 0
        self.family = GENL_ID_CTRL
        res, msgs = self.request(CTRL_CMD_GETFAMILY,
                                 attr(CTRL_ATTR_FAMILY_NAME, b"IPVS\0"))
        if res != "OK" or not msgs:
            raise OSError(f"no IPVS generic netlink family: {res}")
        self.family, = struct.unpack_from(
            "=H", parse(msgs[0][4:])[CTRL_ATTR_FAMILY_ID])

    def msg(self, cmd, payload=b"", dump=False, version=1):
        """A whole, well-formed request message."""
        self.seq += 1
        flags = NLM_F_REQUEST | NLM_F_ACK | (NLM_F_DUMP if dump else 0)
        body = struct.pack("=BBH", cmd, version, 0) + payload
        return struct.pack("=IHHII", 16 + len(body), self.family, flags,
                           self.seq, 0) + body

    def send(self, data, seq, sync=True):
        """Sends data (message seq) and, with sync, then a GET_INFO; returns
        what came back for seq, read until the GET_INFO's ack (or without
        sync, until the ack of seq): (answer, [genl payloads]), the answer
        None if the kernel did not answer."""
        self.sock.send(data)
        if sync:
            self.sock.send(self.msg(CMD["GET_INFO"]))
        answer, msgs, done = None, [], False
        while not done:
            buf = self.sock.recv(1 << 16)
            off = 0
            while off + 16 <= len(buf):
                n, typ, _, mseq, _ = struct.unpack_from("=IHHII", buf, off)
                if n < 16:
                    raise OSError("short message from the kernel")
                if sync and mseq == self.seq and typ == NLMSG_ERROR:
                    done = True
                elif mseq == seq:
                    if typ in (NLMSG_ERROR, NLMSG_DONE):
                        e, = struct.unpack_from("=i", buf, off + 16)
                        answer = errname(-e)
                        done = done or not sync
                    else:
                        msgs.append(buf[off + 16:off + n])
                off += (n + 3) & ~3
        return answer, msgs

    def request(self, cmd, payload=b"", dump=False):
        m = self.msg(cmd, payload, dump)
        return self.send(m, self.seq, sync=False)


def fmt_service(a):
    af, = struct.unpack("=H", a[S_AF])
    if S_FWMARK in a:
        key = "fwm %d" % struct.unpack("=I", a[S_FWMARK])
    else:
        proto, = struct.unpack("=H", a[S_PROTOCOL])
        addr = socket.inet_ntop(af, a[S_ADDR][:4 if af == AF_INET else 16])
        key = "proto %d %s port %d" % (proto, addr,
                                       struct.unpack("!H", a[S_PORT])[0])
    flags, mask = struct.unpack("=II", a[S_FLAGS])
    line = "af %d %s sched %s flags %#x/%#x timeout %d netmask %#x" % (
        af, key, a[S_SCHED_NAME].split(b"\0")[0].decode(), flags, mask,
        *struct.unpack("=I", a[S_TIMEOUT]), *struct.unpack("=I", a[S_NETMASK]))
    if S_PE_NAME in a:
        line += " pe " + a[S_PE_NAME].split(b"\0")[0].decode()
    return line


def fmt_dest(a):
    af, = struct.unpack("=H", a[D_ADDR_FAMILY])
    addr = socket.inet_ntop(af, a[D_ADDR][:4 if af == AF_INET else 16])
    g = lambda t: struct.unpack("=I", a[t])[0]  # noqa: E731
    return ("-> af %d %s port %d fwd %d weight %d u %d l %d tun %d/%d/%#x"
            % (af, addr, struct.unpack("!H", a[D_PORT])[0], g(D_FWD_METHOD),
               g(D_WEIGHT), g(D_U_THRESH), g(D_L_THRESH), a[D_TUN_TYPE][0],
               struct.unpack("!H", a[D_TUN_PORT])[0],
               struct.unpack("=H", a[D_TUN_FLAGS])[0]))


def state(g):
    """Everything the requests may change, as sorted lines (C dumps its
    services in hash order, its destinations newest first)."""
    lines = []
    res, msgs = g.request(CMD["GET_SERVICE"], dump=True)
    if res != "OK":
        lines.append(f"service dump: {res}")
    for m in msgs:
        nest = parse(m[4:])[A_SERVICE]
        a = parse(nest)
        sline = fmt_service(a)
        key = b"".join(attr(t, a[t]) for t in
                       (S_AF, S_PROTOCOL, S_ADDR, S_PORT, S_FWMARK) if t in a)
        res, dmsgs = g.request(CMD["GET_DEST"], attr(A_SERVICE, key),
                               dump=True)
        dl = sorted(fmt_dest(parse(parse(d[4:])[A_DEST])) for d in dmsgs)
        if res != "OK":
            dl.append(f"dest dump: {res}")
        lines.append("\n".join([sline] + ["  " + d for d in dl]))
    lines.sort()
    res, msgs = g.request(CMD["GET_CONFIG"])
    t = parse(msgs[0][4:]) if msgs else {}
    lines.append("timeouts %s: %s" % (res, " ".join(
        str(struct.unpack("=I", t[k])[0]) if k in t else "-"
        for k in (A_TIMEOUT_TCP, A_TIMEOUT_TCP_FIN, A_TIMEOUT_UDP))))
    res, msgs = g.request(CMD["GET_DAEMON"], dump=True)
    lines.append(f"daemons {res}: {len(msgs)}")
    return "\n".join(lines)


def cases(g):
    """(label, message bytes, seq) of every request, in order; built
    lazily since each takes the next sequence number."""
    C = CMD

    def req(label, cmd, payload=b"", dump=False, version=1):
        return label, lambda: (g.msg(cmd, payload, dump, version), g.seq)

    def raw(label, build):
        """build(seq) gives the bytes of a message with that seq."""
        def make():
            g.seq += 1
            return build(g.seq), g.seq
        return label, make

    def hdr(length, cmd, payload, flags=NLM_F_REQUEST | NLM_F_ACK):
        return lambda seq: struct.pack("=IHHII", length, g.family, flags, seq,
                                       0) + payload

    k = svc_key()
    full = k + svc_rest()
    k6 = svc_key(AF_INET6, TCP, "2001:db8::1", 443)
    d = dst_key()
    dfull = d + dst_rest()

    # The state the malformed requests must leave alone.
    yield req("setup: add tcp 10.0.0.1:80", C["NEW_SERVICE"], svc(full))
    yield req("setup: add udp 10.0.0.1:53 persistent", C["NEW_SERVICE"],
              svc(svc_key(proto=UDP, port=53)
                  + svc_rest(b"wlc", PERSISTENT, timeout=300)))
    yield req("setup: add fwm 5", C["NEW_SERVICE"],
              svc(fwm_key(5) + svc_rest(b"wrr")))
    yield req("setup: add tcp [2001:db8::1]:443", C["NEW_SERVICE"],
              svc(k6 + svc_rest(b"rr", PERSISTENT, timeout=60, netmask=64)))
    yield req("setup: dest 192.168.1.2:80", C["NEW_DEST"],
              svc(k) + dst(d + dst_rest(MASQ, 3, 100, 10)))
    yield req("setup: dest 192.168.1.3:80 tunnel", C["NEW_DEST"],
              svc(k) + dst(dst_key("192.168.1.3") + dst_rest(TUNNEL, 2)))
    yield req("setup: v6 dest", C["NEW_DEST"],
              svc(k6) + dst(dst_key("2001:db8::10", 443) + dst_rest(DROUTE)))
    yield req("setup: set timeouts 900 120 300", C["SET_CONFIG"],
              attr(A_TIMEOUT_TCP, u32(900)) + attr(A_TIMEOUT_TCP_FIN, u32(120))
              + attr(A_TIMEOUT_UDP, u32(300)))

    # The message and generic netlink headers.
    yield raw("nlmsg header truncated to 8 bytes",
              lambda seq: struct.pack("=IHH", 16, g.family, 5))
    yield raw("nlmsg_len 15", hdr(15, 0, b""))
    yield raw("nlmsg_len past the message",
              hdr(64, 0, struct.pack("=BBH", C["GET_INFO"], 1, 0)))
    yield raw("no genl header (zero-length payload)", hdr(16, 0, b""))
    yield raw("genl header cut to 2 bytes", hdr(18, 0, b"\x0f\x01"))
    yield raw("genl header cut to 2 bytes, NEW_SERVICE",
              hdr(18, 0, bytes([C["NEW_SERVICE"], 1])))
    yield raw("NEW_SERVICE, nlmsg_len cutting the attributes",
              lambda seq: hdr(16 + 4 + 8, 0, b"")(seq)
              + struct.pack("=BBH", C["NEW_SERVICE"], 1, 0) + svc(full))
    for c in (0, C["SET_INFO"], 18, 255):
        yield req(f"command {c}", c)
    yield req("GET_INFO, version 0", C["GET_INFO"], version=0)
    yield req("GET_INFO, version 99", C["GET_INFO"], version=99)
    yield req("NEW_SERVICE as a dump", C["NEW_SERVICE"], svc(full), dump=True)
    yield req("GET_DEST not a dump", C["GET_DEST"], svc(k))
    yield req("GET_DAEMON not a dump", C["GET_DAEMON"])
    yield req("GET_INFO as a dump", C["GET_INFO"], dump=True)

    # Top-level attributes (the core checks them against ip_vs_cmd_policy).
    svc_cmds = ("NEW_SERVICE", "SET_SERVICE", "DEL_SERVICE", "GET_SERVICE",
                "ZERO")
    dest_cmds = ("NEW_DEST", "SET_DEST", "DEL_DEST")
    for name in svc_cmds + dest_cmds:
        c = C[name]
        if name != "ZERO":
            yield req(f"{name}: no attributes", c)
        yield req(f"{name}: SERVICE empty", c, attr(A_SERVICE, b""))
        yield req(f"{name}: SERVICE of 2 bytes", c, attr(A_SERVICE, b"\1\2"))
        yield req(f"{name}: SERVICE of 3 bytes", c, attr(A_SERVICE, b"\4\0\1"))
        yield req(f"{name}: SERVICE nla_len past the message", c,
                  raw_attr(200, A_SERVICE, attrs(full)))
        yield req(f"{name}: SERVICE nla_len 2", c,
                  raw_attr(2, A_SERVICE, b"") + svc(full))
        yield req(f"{name}: unknown top-level types only", c,
                  attr(7, b"x") + attr(NLA_TYPE_MASK, b"") + attr(0, b"junk"))
        yield req(f"{name}: DAEMON instead of SERVICE", c,
                  attr(A_DAEMON, attrs(full)))
        yield req(f"{name}: TIMEOUT_TCP of 2 bytes", c,
                  svc(full) + dst(dfull) + attr(A_TIMEOUT_TCP, b"\1\2"))
        yield req(f"{name}: DEST of 1 byte", c, svc(full) + attr(A_DEST, b"x"))

    # The service nest: each command with each defect.
    svc_defects = [
        ("no AF", without(full, S_AF)),
        ("no PROTOCOL", without(full, S_PROTOCOL)),
        ("no ADDR", without(full, S_ADDR)),
        ("no PORT", without(full, S_PORT)),
        ("AF of 1 byte", replace(full, S_AF, b"\2")),
        ("AF 0", replace(full, S_AF, u16(0))),
        ("AF 99", replace(full, S_AF, u16(99))),
        ("AF 0xffff", replace(full, S_AF, u16(0xFFFF))),
        ("AF of 4 bytes", replace(full, S_AF, u32(AF_INET))),
        ("PROTOCOL of 1 byte", replace(full, S_PROTOCOL, b"\6")),
        ("PROTOCOL empty", replace(full, S_PROTOCOL, b"")),
        ("PORT of 1 byte", replace(full, S_PORT, b"\0")),
        ("PORT of 3 bytes", replace(full, S_PORT, b"\0\x50\x99")),
        ("ADDR of 17 bytes", replace(full, S_ADDR, ip("10.0.0.1") + b"\0")),
        ("ADDR empty", replace(full, S_ADDR, b"")),
        ("FWMARK of 2 bytes", full + [(S_FWMARK, b"\5\0")]),
        ("nested attribute with nla_len 3", [raw_attr(3, S_AF, b"")] + full),
        ("last attribute's nla_len past the nest",
         without(full, S_PORT) + [raw_attr(12, S_PORT, be16(80))]),
        ("STATS of 2 bytes", full + [(S_STATS, b"\1\2")]),
    ]
    for name in svc_cmds + dest_cmds:
        for label, pairs in svc_defects:
            payload = svc(pairs)
            if name in dest_cmds:
                payload += dst(dfull)
            yield req(f"{name}: service {label}", C[name], payload)

    # Full entries (NEW_SERVICE and SET_SERVICE).
    full_defects = [
        ("no SCHED_NAME", without(full, S_SCHED_NAME)),
        ("no FLAGS", without(full, S_FLAGS)),
        ("no TIMEOUT", without(full, S_TIMEOUT)),
        ("no NETMASK", without(full, S_NETMASK)),
        ("SCHED_NAME without NUL", replace(full, S_SCHED_NAME, b"rr")),
        ("SCHED_NAME empty", replace(full, S_SCHED_NAME, b"")),
        ("SCHED_NAME of 15 characters", replace(full, S_SCHED_NAME,
                                                b"abcdefghijklmno\0")),
        ("SCHED_NAME of 16 characters", replace(full, S_SCHED_NAME,
                                                b"abcdefghijklmnop\0")),
        ("SCHED_NAME of 40 characters", replace(full, S_SCHED_NAME,
                                                b"a" * 40 + b"\0")),
        ("SCHED_NAME rr, NUL-padded to 20 bytes",
         replace(full, S_SCHED_NAME, b"rr".ljust(20, b"\0"))),
        ("SCHED_NAME nosuch", replace(full, S_SCHED_NAME, b"nosuch\0")),
        ("PE_NAME of 17 characters", full + [(S_PE_NAME, b"p" * 17 + b"\0")]),
        ("PE_NAME without NUL", full + [(S_PE_NAME, b"sip")]),
        ("PE_NAME nosuch", full + [(S_PE_NAME, b"nosuch\0")]),
        ("FLAGS of 3 bytes", replace(full, S_FLAGS, b"\1\0\0")),
        ("FLAGS of 9 bytes", replace(full, S_FLAGS,
                                     struct.pack("=II", 0, 0) + b"\0")),
        ("TIMEOUT of 2 bytes", replace(full, S_TIMEOUT, b"\1\0")),
        ("NETMASK of 3 bytes", replace(full, S_NETMASK, b"\xff\xff\xff")),
        ("PROTOCOL 99", replace(full, S_PROTOCOL, u16(99))),
    ]
    for name in ("NEW_SERVICE", "SET_SERVICE"):
        for label, pairs in full_defects:
            if name == "NEW_SERVICE":
                pairs = replace(pairs, S_ADDR, ip("10.0.0.50"))
            yield req(f"{name}: {label}", C[name], svc(pairs))
    full6 = k6 + svc_rest(b"rr", PERSISTENT, timeout=60, netmask=64)
    for mask in (0, 129, 0xFFFFFFFF):
        yield req(f"SET_SERVICE v6: netmask {mask:#x}", C["SET_SERVICE"],
                  svc(replace(full6, S_NETMASK, u32(mask))))
    yield req("SET_SERVICE v6: ADDR of 8 bytes (not found)",
              C["SET_SERVICE"], svc(replace(full6, S_ADDR, ip("2001:db8::1")[:8])))
    yield req("NEW_SERVICE: existing", C["NEW_SERVICE"], svc(full))
    yield req("NEW_SERVICE: existing fwm 5", C["NEW_SERVICE"],
              svc(fwm_key(5) + svc_rest()))
    yield req("NEW_SERVICE: fwmark 0 and no address (protocol 99)",
              C["NEW_SERVICE"], svc(fwm_key(0) + [(S_PROTOCOL, u16(99))]
                                    + svc_rest(b"rr")))
    yield req("DEL_SERVICE: fwmark 0", C["DEL_SERVICE"], svc(fwm_key(0)))
    for name in ("SET_SERVICE", "DEL_SERVICE", "GET_SERVICE", "ZERO"):
        yield req(f"{name}: no such service", C[name],
                  svc(replace(full, S_PORT, be16(81))))
        yield req(f"{name}: no such fwmark", C[name],
                  svc(fwm_key(6) + svc_rest()))

    # The destination nest.
    dest_defects = [
        ("no ADDR", without(dfull, D_ADDR)),
        ("no PORT", without(dfull, D_PORT)),
        ("ADDR of 17 bytes", replace(dfull, D_ADDR, ip("192.168.1.2") + b"\0")),
        ("PORT of 1 byte", replace(dfull, D_PORT, b"\0")),
        ("PORT empty", replace(dfull, D_PORT, b"")),
        ("ADDR_FAMILY of 1 byte", dfull + [(D_ADDR_FAMILY, b"\2")]),
        ("ADDR_FAMILY 99", dfull + [(D_ADDR_FAMILY, u16(99))]),
        ("ADDR_FAMILY 10 with masquerading",
         dfull + [(D_ADDR_FAMILY, u16(AF_INET6))]),
        ("TUN_TYPE empty", dfull + [(D_TUN_TYPE, b"")]),
        ("TUN_PORT of 1 byte", dfull + [(D_TUN_PORT, b"\1")]),
        ("TUN_FLAGS of 1 byte", dfull + [(D_TUN_FLAGS, b"\1")]),
        ("STATS of 3 bytes", dfull + [(D_STATS, b"\1\2\3")]),
        ("ACTIVE_CONNS of 2 bytes", dfull + [(D_ACTIVE, b"\1\2")]),
        ("nested attribute with nla_len 2", [raw_attr(2, D_ADDR, b"")] + dfull),
    ]
    for name in dest_cmds:
        yield req(f"{name}: no DEST", C[name], svc(k))
        yield req(f"{name}: DEST empty", C[name], svc(k) + dst([]))
        yield req(f"{name}: DEST on a missing service", C[name],
                  svc(replace(k, S_PORT, be16(81))) + dst(dfull))
        for label, pairs in dest_defects:
            yield req(f"{name}: dest {label}", C[name], svc(k) + dst(pairs))
    dest_full_defects = [
        ("no FWD_METHOD", without(dfull, D_FWD_METHOD)),
        ("no WEIGHT", without(dfull, D_WEIGHT)),
        ("no U_THRESH", without(dfull, D_U_THRESH)),
        ("no L_THRESH", without(dfull, D_L_THRESH)),
        ("FWD_METHOD of 2 bytes", replace(dfull, D_FWD_METHOD, b"\0\0")),
        ("WEIGHT of 3 bytes", replace(dfull, D_WEIGHT, b"\1\0\0")),
        ("U_THRESH of 1 byte", replace(dfull, D_U_THRESH, b"\1")),
        ("L_THRESH empty", replace(dfull, D_L_THRESH, b"")),
        ("weight -1", replace(dfull, D_WEIGHT, u32(-1))),
        ("weight INT_MIN", replace(dfull, D_WEIGHT, u32(0x80000000))),
        ("l_threshold above u_threshold",
         replace(replace(dfull, D_U_THRESH, u32(10)), D_L_THRESH, u32(20))),
        ("u_threshold above INT_MAX",
         replace(dfull, D_U_THRESH, u32(0x80000000))),
        ("GUE tunnel without port",
         replace(dfull, D_FWD_METHOD, u32(TUNNEL)) + [(D_TUN_TYPE, u8(1))]),
        ("ADDR_FAMILY 10, localnode",
         replace(dfull, D_FWD_METHOD, u32(LOCALNODE))
         + [(D_ADDR_FAMILY, u16(AF_INET6))]),
    ]
    for name in ("NEW_DEST", "SET_DEST"):
        for label, pairs in dest_full_defects:
            if name == "NEW_DEST":
                pairs = replace(pairs, D_ADDR, ip("192.168.1.50"))
            yield req(f"{name}: {label}", C[name], svc(k) + dst(pairs))
    yield req("NEW_DEST: existing", C["NEW_DEST"], svc(k) + dst(dfull))
    yield req("SET_DEST: no such dest", C["SET_DEST"],
              svc(k) + dst(replace(dfull, D_PORT, be16(81))))
    yield req("DEL_DEST: no such dest", C["DEL_DEST"],
              svc(k) + dst(replace(dfull, D_PORT, be16(81))))
    yield req("DEL_DEST: ADDR of 3 bytes (no such dest)", C["DEL_DEST"],
              svc(k) + dst(replace(d, D_ADDR, ip("192.168.1.2")[:3])))
    yield req("DEL_DEST v6: ADDR of 8 bytes (no such dest)", C["DEL_DEST"],
              svc(k6) + dst(dst_key("2001:db8::10", 443)[:0]
                            + [(D_ADDR, ip("2001:db8::10")[:8]),
                               (D_PORT, be16(443))]))

    # GET_DEST dumps: a bad service gives an empty dump, not an error.
    for label, payload in (
            ("no SERVICE", b""), ("SERVICE empty", attr(A_SERVICE, b"")),
            ("AF 99", svc(replace(k, S_AF, u16(99)))),
            ("PORT of 1 byte", svc(replace(k, S_PORT, b"\0"))),
            ("no such service", svc(replace(k, S_PORT, be16(81)))),
            ("SERVICE of 2 bytes", attr(A_SERVICE, b"\1\2")),
            ("TIMEOUT_UDP of 1 byte", svc(k) + attr(A_TIMEOUT_UDP, b"\1")),
            ("nla_len past the message", raw_attr(100, A_SERVICE, attrs(k))),
            ("SERVICE twice, the last good",
             svc(replace(k, S_AF, u16(99))) + svc(k)),
            ("SERVICE with NLA_F_NESTED",
             attr(A_SERVICE | NLA_F_NESTED, attrs(k)))):
        yield req(f"GET_DEST dump: {label}", C["GET_DEST"], payload, dump=True)
    yield req("GET_SERVICE dump with junk attributes", C["GET_SERVICE"],
              attr(A_SERVICE, b"\1\2") + attr(99, b""), dump=True)
    yield req("GET_DAEMON dump with junk attributes", C["GET_DAEMON"],
              attr(A_DAEMON, b"\1"), dump=True)

    # SET_CONFIG.
    for label, payload in (
            ("no attributes", b""),
            ("TIMEOUT_TCP of 2 bytes", attr(A_TIMEOUT_TCP, b"\1\2")),
            ("TIMEOUT_UDP empty", attr(A_TIMEOUT_UDP, b"")),
            ("TIMEOUT_TCP_FIN of 8 bytes",
             attr(A_TIMEOUT_TCP_FIN, struct.pack("=Q", 77))),
            ("TIMEOUT_TCP 0x80000000", attr(A_TIMEOUT_TCP, u32(0x80000000))),
            ("TIMEOUT_TCP 0xffffffff", attr(A_TIMEOUT_TCP, u32(0xFFFFFFFF))),
            ("TIMEOUT_UDP INT_MAX / 100 + 1",
             attr(A_TIMEOUT_UDP, u32(0x7FFFFFFF // 100 + 1))),
            ("TIMEOUT_UDP INT_MAX / 1000 + 1",
             attr(A_TIMEOUT_UDP, u32(0x7FFFFFFF // 1000 + 1))),
            ("good TCP, bad UDP", attr(A_TIMEOUT_TCP, u32(5))
             + attr(A_TIMEOUT_UDP, u32(0xFFFFFFFF))),
            ("TIMEOUT_TCP nla_len past the message",
             raw_attr(40, A_TIMEOUT_TCP, u32(5))),
            ("unknown attributes", attr(9, u32(1)) + attr(0, b"")),
            ("TIMEOUT_TCP twice, the first bad",
             attr(A_TIMEOUT_TCP, b"\1") + attr(A_TIMEOUT_TCP, u32(5)))):
        yield req(f"SET_CONFIG: {label}", C["SET_CONFIG"], payload)

    # The sync daemon commands: only failures (the C IPVS would start a
    # thread where ours answers EOPNOTSUPP: tests/sockopt.sh covers that).
    good = [(M_STATE, u32(1)), (M_MCAST_IFN, b"nosuchdev\0"),
            (M_SYNC_ID, u32(1))]
    lo = replace(good, M_MCAST_IFN, b"lo\0")
    for name in ("NEW_DAEMON", "DEL_DAEMON"):
        c = C[name]
        yield req(f"{name}: no attributes", c)
        yield req(f"{name}: DAEMON empty", c, daemon([]))
        yield req(f"{name}: DAEMON of 2 bytes", c, attr(A_DAEMON, b"\1\2"))
        yield req(f"{name}: SERVICE instead of DAEMON", c, svc(good))
        yield req(f"{name}: no STATE", c, daemon(without(good, M_STATE)))
        yield req(f"{name}: STATE of 2 bytes", c,
                  daemon(replace(good, M_STATE, b"\1\0")))
        yield req(f"{name}: state 0, lo", c,
                  daemon(replace(lo, M_STATE, u32(0))))
        yield req(f"{name}: state 99, lo", c,
                  daemon(replace(lo, M_STATE, u32(99))))
        yield req(f"{name}: state 3, lo", c,
                  daemon(replace(lo, M_STATE, u32(3))))
    yield req("DEL_DAEMON: master, none running", C["DEL_DAEMON"],
              daemon([(M_STATE, u32(1))]))
    yield req("DEL_DAEMON: backup, none running", C["DEL_DAEMON"],
              daemon([(M_STATE, u32(2))]))
    for label, pairs in (
            ("no MCAST_IFN", without(good, M_MCAST_IFN)),
            ("no SYNC_ID", without(good, M_SYNC_ID)),
            ("MCAST_IFN without NUL", replace(good, M_MCAST_IFN, b"lo")),
            ("MCAST_IFN empty", replace(good, M_MCAST_IFN, b"")),
            ("MCAST_IFN \"\"", replace(good, M_MCAST_IFN, b"\0")),
            ("MCAST_IFN of 16 characters",
             replace(good, M_MCAST_IFN, b"0123456789abcdef\0")),
            ("MCAST_IFN of 15 characters",
             replace(good, M_MCAST_IFN, b"0123456789abcde\0")),
            ("MCAST_IFN lo, NUL-padded to 20 bytes",
             replace(good, M_MCAST_IFN, b"lo".ljust(20, b"\0"))),
            ("SYNC_ID of 3 bytes", replace(good, M_SYNC_ID, b"\1\0\0")),
            ("unknown interface", good),
            ("unknown interface, backup", replace(good, M_STATE, u32(2))),
            ("SYNC_MAXLEN of 1 byte", good + [(M_SYNC_MAXLEN, b"\1")]),
            ("MCAST_GROUP of 2 bytes", good + [(M_MCAST_GROUP, b"\xe0\0")]),
            ("MCAST_GROUP not multicast, lo",
             lo + [(M_MCAST_GROUP, socket.inet_aton("10.0.0.1"))]),
            ("MCAST_GROUP6 of 15 bytes",
             good + [(M_MCAST_GROUP6, ip("ff02::1")[:15])]),
            ("MCAST_GROUP6 not multicast, lo",
             lo + [(M_MCAST_GROUP6, ip("2001:db8::1"))]),
            ("MCAST_GROUP6 multicast, unknown interface",
             good + [(M_MCAST_GROUP6, ip("ff02::1"))]),
            ("MCAST_PORT of 1 byte", good + [(M_MCAST_PORT, b"\1")]),
            ("MCAST_TTL empty", good + [(M_MCAST_TTL, b"")]),
            ("unknown attributes, unknown interface",
             good + [(9, b"x"), (NLA_TYPE_MASK, b"")])):
        yield req(f"NEW_DAEMON: {label}", C["NEW_DAEMON"], daemon(pairs))

    # Valid but odd: duplicates (every one validated, the last one wins),
    # unknown types, flag bits in the type, oversized integers.
    yield req("NEW_SERVICE: AF twice, 99 then 2", C["NEW_SERVICE"],
              svc([(S_AF, u16(99))] + replace(full, S_PORT, be16(90))))
    yield req("NEW_SERVICE: PORT twice, 1 byte then 2", C["NEW_SERVICE"],
              svc([(S_PORT, b"\0")] + replace(full, S_PORT, be16(91))))
    yield req("NEW_SERVICE: SERVICE twice, last wins", C["NEW_SERVICE"],
              svc(replace(full, S_PORT, be16(92)))
              + svc(replace(full, S_PORT, be16(93))))
    yield req("NEW_SERVICE: unknown types 13, 99, 0x3fff, 0",
              C["NEW_SERVICE"],
              svc(replace(full, S_PORT, be16(94)) + [
                  (13, b"x"), (99, b""), (NLA_TYPE_MASK, b"\1\2\3"),
                  (0, b"abc")]))
    yield req("NEW_SERVICE: FLAGS of 4 bytes (mask 0), PROTOCOL of 4 bytes",
              C["NEW_SERVICE"],
              svc(replace(replace(replace(full, S_PORT, be16(95)), S_FLAGS,
                                  u32(PERSISTENT)), S_PROTOCOL, u32(UDP))))
    yield req("NEW_SERVICE: NLA_F_NESTED and NLA_F_NET_BYTEORDER bits",
              C["NEW_SERVICE"],
              attr(A_SERVICE | NLA_F_NESTED,
                   attrs([(t | 0x4000, v) for t, v in
                          replace(full, S_PORT, be16(96))])))
    yield req("NEW_SERVICE: unpadded last attribute", C["NEW_SERVICE"],
              attr(A_SERVICE, attrs(replace(full, S_PORT, be16(97)))
                   + struct.pack("=HH", 5, S_PE_NAME) + b"\0"))
    yield req("NEW_SERVICE: malformed tail after a full entry",
              C["NEW_SERVICE"],
              svc(replace(full, S_PORT, be16(98)) + [b"\3\0\1\0"]))
    yield req("NEW_SERVICE: fwmark 7, with junk addr/port/protocol",
              C["NEW_SERVICE"],
              svc(fwm_key(7) + [(S_PROTOCOL, u16(99)), (S_ADDR, b"\1\2\3"),
                                (S_PORT, be16(1))] + svc_rest()))
    yield req("NEW_SERVICE: PE_NAME empty", C["NEW_SERVICE"],
              svc(replace(full, S_PORT, be16(99)) + [(S_PE_NAME, b"\0")]))
    yield req("SET_SERVICE: FLAGS mask 0 keeps persistence",
              C["SET_SERVICE"],
              svc(svc_key(proto=UDP, port=53)
                  + svc_rest(b"rr", 0, 0, timeout=10)))
    yield req("NEW_DEST: WEIGHT of 8 bytes, FWD_METHOD 0x107",
              C["NEW_DEST"],
              svc(k) + dst(replace(replace(
                  replace(dfull, D_ADDR, ip("192.168.1.4")),
                  D_WEIGHT, struct.pack("=Q", 7)), D_FWD_METHOD, u32(0x107))))
    yield req("NEW_DEST: tun_type 99", C["NEW_DEST"],
              svc(k) + dst(replace(replace(dfull, D_ADDR, ip("192.168.1.5")),
                                   D_FWD_METHOD, u32(TUNNEL))
                           + [(D_TUN_TYPE, u8(99))]))
    yield req("NEW_DEST: v6 dest of a v4 service, tunnel", C["NEW_DEST"],
              svc(k) + dst([(D_ADDR, ip("2001:db8::20")), (D_PORT, be16(80)),
                            (D_ADDR_FAMILY, u16(AF_INET6))]
                           + dst_rest(TUNNEL)))
    yield req("NEW_DAEMON: with a mixed-family destination, unknown "
              "interface", C["NEW_DAEMON"], daemon(good))
    yield req("DEL_DEST: the v6 dest of the v4 service", C["DEL_DEST"],
              svc(k) + dst([(D_ADDR, ip("2001:db8::20")), (D_PORT, be16(80)),
                            (D_ADDR_FAMILY, u16(AF_INET6))]))
    yield req("SET_DEST: ADDR of 3 bytes (no such dest)", C["SET_DEST"],
              svc(k) + dst(replace(dfull, D_ADDR, b"\xc0\xa8\1")))
    yield req("ZERO: SERVICE twice, the first malformed", C["ZERO"],
              attr(A_SERVICE, b"\1\2\3\4") + svc(k))
    yield req("ZERO: nla_len past the message (no SERVICE: all)",
              C["ZERO"], raw_attr(90, A_SERVICE, attrs(k)))
    yield req("DEL_SERVICE: fwmark 7", C["DEL_SERVICE"], svc(fwm_key(7)))
    yield req("FLUSH: with junk attributes", C["FLUSH"],
              attr(A_SERVICE, b"") + attr(99, b"x"))
    yield req("FLUSH: again", C["FLUSH"])
    yield req("setup: add tcp 10.0.0.1:80 again", C["NEW_SERVICE"], svc(full))
    yield req("setup: dest 192.168.1.2:80 again", C["NEW_DEST"],
              svc(k) + dst(dfull))


def main():
    g = Genl()
    before = state(g)
    print("initial state:")
    print("\n".join("    " + x for x in before.split("\n")))
    for n, (label, make) in enumerate(cases(g), 1):
        data, seq = make()
        answer, msgs = g.send(data, seq)
        if answer is None:
            answer = "no answer"
        extra = f" ({len(msgs)} replies)" if msgs else ""
        print(f"{n:3} {label}: {answer}{extra}")
        after = state(g)
        if after != before:
            if answer != "OK" and not label.startswith("setup"):
                print("    CHANGED BY A FAILED REQUEST")
            print("\n".join("    " + x for x in after.split("\n")))
            before = after
    return 0


if __name__ == "__main__":
    sys.exit(main())
