#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""A minimal generic netlink client of IPVS, for the guest tests.

As a program (tests/genl_flags.sh): `genl_client.py services` lists every
service of the current network namespace twice, from an IPVS_CMD_GET_SERVICE
dump and from a GET_SERVICE request for that one service, one line each,
sorted (the C IPVS dumps in hash order): the key, the scheduler, and the
IPVS_SVC_ATTR_FLAGS attribute as the kernel sent it (flags and mask), which
ipvsadm does not show whole.

As a module (tests/perm_client.py): Genl sends any command and returns the
errno name of the answer and the messages that came with it.
"""

import errno
import os
import socket
import struct
import sys

NETLINK_GENERIC = 16
NLM_F_REQUEST, NLM_F_ACK, NLM_F_DUMP = 0x1, 0x4, 0x300
NLMSG_ERROR, NLMSG_DONE = 2, 3
GENL_ID_CTRL, CTRL_CMD_GETFAMILY = 0x10, 3
CTRL_ATTR_FAMILY_ID, CTRL_ATTR_FAMILY_NAME = 1, 2
NLA_F_MASK = 0x3FFF

# include/uapi/linux/ip_vs.h
CMD = {
    name: i
    for i, name in enumerate(
        "UNSPEC NEW_SERVICE SET_SERVICE DEL_SERVICE GET_SERVICE NEW_DEST "
        "SET_DEST DEL_DEST GET_DEST NEW_DAEMON DEL_DAEMON GET_DAEMON "
        "SET_CONFIG GET_CONFIG SET_INFO GET_INFO ZERO FLUSH".split()
    )
}
CMD_ATTR_SERVICE, CMD_ATTR_DEST, CMD_ATTR_DAEMON = 1, 2, 3
CMD_ATTR_TIMEOUT_TCP, CMD_ATTR_TIMEOUT_TCP_FIN, CMD_ATTR_TIMEOUT_UDP = 4, 5, 6
SVC_AF, SVC_PROTOCOL, SVC_ADDR, SVC_PORT, SVC_FWMARK = 1, 2, 3, 4, 5
SVC_SCHED_NAME, SVC_FLAGS, SVC_TIMEOUT, SVC_NETMASK = 6, 7, 8, 9
DEST_ADDR, DEST_PORT, DEST_FWD_METHOD, DEST_WEIGHT = 1, 2, 3, 4
DEST_U_THRESH, DEST_L_THRESH = 5, 6
DAEMON_STATE, DAEMON_MCAST_IFN, DAEMON_SYNC_ID = 1, 2, 3


def errname(e):
    if e == 0:
        return "OK"
    if e == errno.EOPNOTSUPP:
        return "EOPNOTSUPP"
    return errno.errorcode.get(e, str(e))


def attr(typ, payload):
    """One netlink attribute, padded to 4 bytes."""
    n = 4 + len(payload)
    return struct.pack("=HH", n, typ) + payload + b"\0" * (-n % 4)


def u16(v):
    return struct.pack("=H", v)


def u32(v):
    return struct.pack("=I", v)


def be16(v):
    return struct.pack("!H", v)


def parse(b):
    """The attributes in b as {type: payload} (the last one of a type)."""
    out, off = {}, 0
    while off + 4 <= len(b):
        n, typ = struct.unpack_from("=HH", b, off)
        if n < 4:
            break
        out[typ & NLA_F_MASK] = b[off + 4:off + n]
        off += (n + 3) & ~3
    return out


def svc_key(af=socket.AF_INET, proto=socket.IPPROTO_TCP, addr="0.0.0.0",
            port=0, fwmark=0):
    """The attributes naming a service (by address or by fwmark)."""
    a = attr(SVC_AF, u16(af))
    if fwmark:
        return a + attr(SVC_FWMARK, u32(fwmark))
    raw = socket.inet_pton(af, addr).ljust(16, b"\0")
    return (a + attr(SVC_PROTOCOL, u16(proto)) + attr(SVC_ADDR, raw)
            + attr(SVC_PORT, be16(port)))


def svc_full(sched, flags=0, mask=0xFFFFFFFF, timeout=0, netmask=0xFFFFFFFF,
             **key):
    """The attributes of a service to add or edit."""
    return (svc_key(**key) + attr(SVC_SCHED_NAME, sched + b"\0")
            + attr(SVC_FLAGS, struct.pack("=II", flags, mask))
            + attr(SVC_TIMEOUT, u32(timeout)) + attr(SVC_NETMASK, u32(netmask)))


def dest(addr, port=0, fwd=0, weight=1, u=0, l=0):
    """The attributes of an IPv4 destination (fwd: IP_VS_CONN_F_*)."""
    raw = socket.inet_aton(addr).ljust(16, b"\0")
    return (attr(DEST_ADDR, raw) + attr(DEST_PORT, be16(port))
            + attr(DEST_FWD_METHOD, u32(fwd)) + attr(DEST_WEIGHT, u32(weight))
            + attr(DEST_U_THRESH, u32(u)) + attr(DEST_L_THRESH, u32(l)))


class Genl:
    """A generic netlink socket talking to the IPVS family."""

    def __init__(self):
        self.sock = socket.socket(socket.AF_NETLINK, socket.SOCK_RAW,
                                  NETLINK_GENERIC)
        self.sock.bind((0, 0))
        self.seq = 0
        res, msgs = self.request(
            GENL_ID_CTRL, CTRL_CMD_GETFAMILY,
            attr(CTRL_ATTR_FAMILY_NAME, b"IPVS\0"))
        if res != "OK" or not msgs:
            raise OSError(f"no IPVS generic netlink family: {res}")
        self.family, = struct.unpack_from("=H", parse(msgs[0])[CTRL_ATTR_FAMILY_ID])

    def request(self, family, cmd, payload=b"", dump=False, version=1):
        """Sends one request; returns (errno name, [attributes of each
        reply message])."""
        self.seq += 1
        flags = NLM_F_REQUEST | NLM_F_ACK | (NLM_F_DUMP if dump else 0)
        body = struct.pack("=BBH", cmd, version, 0) + payload
        self.sock.send(struct.pack("=IHHII", 16 + len(body), family, flags,
                                   self.seq, 0) + body)
        msgs = []
        while True:
            data = self.sock.recv(1 << 16)
            off = 0
            while off + 16 <= len(data):
                n, typ, _, seq, _ = struct.unpack_from("=IHHII", data, off)
                if n < 16:
                    return "short message", msgs
                if seq == self.seq:
                    if typ in (NLMSG_ERROR, NLMSG_DONE):
                        e, = struct.unpack_from("=i", data, off + 16)
                        return errname(-e), msgs
                    msgs.append(data[off + 20:off + n])
                off += (n + 3) & ~3

    def ipvs(self, cmd, payload=b"", dump=False):
        return self.request(self.family, CMD[cmd], payload, dump)


def service_line(svc):
    """A service nest, decoded: the key, scheduler, flags and mask."""
    a = parse(svc)
    af, = struct.unpack("=H", a[SVC_AF])
    if SVC_FWMARK in a:
        key = "fwmark %d" % struct.unpack("=I", a[SVC_FWMARK])
    else:
        proto, = struct.unpack("=H", a[SVC_PROTOCOL])
        addr = socket.inet_ntop(af, a[SVC_ADDR][:4 if af == socket.AF_INET else 16])
        port, = struct.unpack("!H", a[SVC_PORT])
        key = f"proto {proto} {addr} port {port}"
    sched = a[SVC_SCHED_NAME].split(b"\0")[0].decode()
    flags, mask = struct.unpack("=II", a[SVC_FLAGS])
    return f"af {af} {key} sched {sched} flags {flags:#06x} mask {mask:#010x}"


def services(g):
    """Prints each service's line from the dump and from a GET_SERVICE of it."""
    res, msgs = g.ipvs("GET_SERVICE", dump=True)
    print(f"dump: {res}")
    lines = []
    for m in msgs:
        svc = parse(m)[CMD_ATTR_SERVICE]
        lines.append("dump " + service_line(svc))
        a = parse(svc)
        key = b"".join(attr(t, a[t]) for t in
                       (SVC_AF, SVC_PROTOCOL, SVC_ADDR, SVC_PORT, SVC_FWMARK)
                       if t in a)
        res, got = g.ipvs("GET_SERVICE", attr(CMD_ATTR_SERVICE, key))
        if res != "OK" or len(got) != 1:
            lines.append(f"get {service_line(svc)}: {res}, {len(got)} replies")
        else:
            lines.append("get " + service_line(parse(got[0])[CMD_ATTR_SERVICE]))
    for line in sorted(lines):
        print(line)


def main():
    if sys.argv[1:] != ["services"]:
        print(f"usage: {os.path.basename(sys.argv[0])} services", file=sys.stderr)
        return 2
    services(Genl())
    return 0


if __name__ == "__main__":
    sys.exit(main())
