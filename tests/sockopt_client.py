#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""A sockopt client of IPVS for tests/sockopt.sh.

Runs one fixed sequence of IP_VS_SO_SET_* and IP_VS_SO_GET_* calls, valid
and invalid, in the current network namespace, and prints one line per call:
its label, the errno name (or OK) and the structures it returned, decoded
and as hex. The output must be the same under the C IPVS and ours, except:

- the connection table size (the C IPVS of 7.x sizes its table on demand),
  printed as "*";
- the order of GET_SERVICES entries (C walks a hash table with a random
  key): entries are printed sorted;
- lines starting with "~": the sync daemon, which only the C IPVS has.

Runs as root; a forked child drops to nobody for the EPERM checks. Every
step is in this one process, since process spawns are slow in the test VM;
two ipvsadm runs set up what only generic netlink can (IPv6).
"""

import ctypes
import errno
import os
import re
import socket
import struct
import subprocess
import sys

IPPROTO_IP = 0
TCP, UDP, SCTP = 6, 17, 132
BASE = 64 + 1024 + 64

SET = {
    name: BASE + i
    for i, name in enumerate(
        "NONE INSERT ADD EDIT DEL FLUSH LIST ADDDEST DELDEST EDITDEST TIMEOUT "
        "STARTDAEMON STOPDAEMON RESTORE SAVE ZERO".split()
    )
}
GET = {
    name: BASE + i
    for i, name in enumerate(
        "VERSION INFO SERVICES SERVICE DESTS DEST TIMEOUT DAEMON".split()
    )
}

SVC_ENTRY = 104
DEST_ENTRY = 96
SENTINEL = 0x5A

# IP_VS_SVC_F_*, IP_VS_CONN_F_*.
PERSISTENT, HASHED, ONEPACKET, SCHED1 = 0x1, 0x2, 0x4, 0x8
MASQ, TUNNEL, DROUTE = 0, 2, 3

libc = ctypes.CDLL(None, use_errno=True)
libc.setsockopt.argtypes = [
    ctypes.c_int, ctypes.c_int, ctypes.c_int, ctypes.c_void_p, ctypes.c_uint
]
libc.getsockopt.argtypes = [
    ctypes.c_int, ctypes.c_int, ctypes.c_int, ctypes.c_void_p,
    ctypes.POINTER(ctypes.c_uint)
]


def errname(e):
    # EOPNOTSUPP and ENOTSUP are the same number on Linux.
    if e == errno.EOPNOTSUPP:
        return "EOPNOTSUPP"
    return errno.errorcode.get(e, str(e))


def setopt(fd, cmd, data=b"", length=None):
    """setsockopt(); the result as OK or an errno name."""
    n = len(data) if length is None else length
    if n == 0:
        ptr = None
    else:
        raw = bytes(data).ljust(n, b"\0")
        ptr = ctypes.create_string_buffer(raw, len(raw))
    r = libc.setsockopt(fd, IPPROTO_IP, cmd, ptr, n)
    return "OK" if r == 0 else errname(ctypes.get_errno())


def getopt(fd, cmd, data, buflen):
    """getsockopt() with a buffer of buflen bytes starting with data, the
    rest the sentinel; returns (result, buffer, returned length)."""
    raw = bytes(data)[:buflen].ljust(buflen, bytes([SENTINEL]))
    buf = ctypes.create_string_buffer(raw, max(buflen, 1))
    ln = ctypes.c_uint(buflen)
    r = libc.getsockopt(fd, IPPROTO_IP, cmd, buf, ctypes.byref(ln))
    res = "OK" if r == 0 else errname(ctypes.get_errno())
    return res, buf.raw[:buflen], ln.value


def aton(a):
    return socket.inet_aton(a)


def svc_user(proto=TCP, addr="0.0.0.0", port=0, fwmark=0, sched=b"",
             flags=0, timeout=0, netmask="255.255.255.255"):
    """struct ip_vs_service_user (44 bytes)."""
    return (struct.pack("=H2x", proto) + aton(addr) + struct.pack("!H2x", port)
            + struct.pack("=I", fwmark) + sched.ljust(16, b"\0")[:16]
            + struct.pack("=II", flags, timeout) + aton(netmask))


def dest_user(addr, port=0, conn_flags=MASQ, weight=1, u=0, l=0):
    """struct ip_vs_dest_user (24 bytes)."""
    return (aton(addr) + struct.pack("!H2x", port)
            + struct.pack("=IiII", conn_flags, weight, u, l))


def daemon_user(state, ifn, syncid=0):
    """struct ip_vs_daemon_user (24 bytes)."""
    return (struct.pack("=i", state) + ifn.ljust(16, b"\0")[:16]
            + struct.pack("=i", syncid))


def query(proto=TCP, addr="0.0.0.0", port=0, fwmark=0):
    """The fields GET_SERVICE and GET_DESTS look a service up by."""
    return (struct.pack("=H", proto) + bytes([SENTINEL] * 2) + aton(addr)
            + struct.pack("!H", port) + bytes([SENTINEL] * 2)
            + struct.pack("=I", fwmark))


def stats(b, off):
    s = struct.unpack_from("=III4xQQIIIII", b, off)
    return ",".join(str(v) for v in s)


def dec_service(b):
    proto, = struct.unpack_from("=H", b, 0)
    port, = struct.unpack_from("!H", b, 8)
    fwmark, = struct.unpack_from("=I", b, 12)
    name = b[16:32].split(b"\0")[0].decode(errors="replace")
    flags, timeout = struct.unpack_from("=II", b, 32)
    ndests, = struct.unpack_from("=I", b, 44)
    return (f"proto={proto} {socket.inet_ntoa(b[4:8])}:{port} fwmark={fwmark} "
            f"sched={name} flags={flags:#x} timeout={timeout} "
            f"netmask={socket.inet_ntoa(b[40:44])} dests={ndests} "
            f"stats={stats(b, 48)} raw={b.hex()}")


def dec_dest(b):
    port, = struct.unpack_from("!H", b, 4)
    f, w, u, l, act, inact, pers = struct.unpack_from("=IiIIIII", b, 8)
    return (f"{socket.inet_ntoa(b[0:4])}:{port} conn_flags={f:#x} weight={w} "
            f"thresh={u}/{l} conns={act}/{inact}/{pers} stats={stats(b, 40)} "
            f"raw={b.hex()}")


def written(slot):
    return slot != bytes([SENTINEL]) * len(slot)


class Client:
    def __init__(self):
        self.sock = socket.socket(socket.AF_INET, socket.SOCK_RAW,
                                  socket.IPPROTO_RAW)
        self.fd = self.sock.fileno()

    def out(self, label, text):
        print(f"{label}: {text}", flush=True)

    def set(self, label, cmd, data=b"", length=None):
        self.out(label, setopt(self.fd, SET[cmd], data, length))

    def set_raw(self, label, optval, data=b"", length=None):
        self.out(label, setopt(self.fd, optval, data, length))

    def get_raw(self, label, optval, data, buflen):
        res, _, _ = getopt(self.fd, optval, data, buflen)
        self.out(label, res)

    def version(self, label, buflen=64):
        res, b, n = getopt(self.fd, GET["VERSION"], b"", buflen)
        if res == "OK":
            text = b[:n].rstrip(b"\0").decode(errors="replace")
            # The length depends on the size too.
            whole = n == len(text) + 1 and b[n - 1] == 0
            untouched = not written(b[n:]) or n == buflen
            text = re.sub(r"size=\d+", "size=*", text)
            res += f" {text!r} len=strlen+1:{whole} rest untouched:{untouched}"
        self.out(label, res)

    def info(self, label, buflen=12):
        res, b, _ = getopt(self.fd, GET["INFO"], b"", buflen)
        if res == "OK" and buflen >= 12:
            ver, _size, num = struct.unpack_from("=III", b, 0)
            res += f" version={ver:#x} size=* services={num} tail={b[12:].hex()}"
        self.out(label, res)

    def timeouts(self, label, buflen=12):
        res, b, _ = getopt(self.fd, GET["TIMEOUT"], b"", buflen)
        if res == "OK" and buflen >= 12:
            res += " tcp=%d tcpfin=%d udp=%d" % struct.unpack_from("=iii", b, 0)
        self.out(label, res)

    def daemon(self, label, buflen=48):
        res, b, _ = getopt(self.fd, GET["DAEMON"], b"", buflen)
        if res == "OK" and buflen >= 48:
            for i in range(2):
                st, = struct.unpack_from("=i", b, 24 * i)
                ifn = b[24 * i + 4:24 * i + 20].split(b"\0")[0].decode()
                sid, = struct.unpack_from("=i", b, 24 * i + 20)
                res += f" [state={st} ifn={ifn!r} syncid={sid}]"
        self.out(label, res)

    def services(self, label, num, buflen=None, show=True):
        """GET_SERVICES; entries are shown (sorted) only with show, for
        a request that covers every service: which ones fill a shorter
        table depends on C's hash order."""
        if buflen is None:
            buflen = 8 + num * SVC_ENTRY
        hdr = struct.pack("=I", num) + bytes([SENTINEL] * 4)
        res, b, _ = getopt(self.fd, GET["SERVICES"], hdr, buflen)
        self.out(label, res)
        if res != "OK" or buflen < 8:
            return
        self.out(label + " header", b[:8].hex())
        slots = [b[8 + i * SVC_ENTRY:8 + (i + 1) * SVC_ENTRY]
                 for i in range((buflen - 8) // SVC_ENTRY)]
        entries = [s for s in slots if written(s)]
        self.out(label + " entries", len(entries))
        # Written entries come first, then untouched slots.
        if any(written(s) for s in slots[len(entries):]):
            self.out(label, "entry after an unwritten slot")
        if show:
            for line in sorted(dec_service(e) for e in entries):
                self.out(label + " entry", line)

    def service(self, label, q, buflen=SVC_ENTRY):
        data = q.ljust(SVC_ENTRY, bytes([SENTINEL]))
        res, b, _ = getopt(self.fd, GET["SERVICE"], data, buflen)
        if res == "OK" and buflen >= SVC_ENTRY:
            res += " " + dec_service(b[:SVC_ENTRY])
            res += f" tail={b[SVC_ENTRY:].hex()}"
        self.out(label, res)

    def dests(self, label, q, num, buflen=None):
        if buflen is None:
            buflen = 24 + num * DEST_ENTRY
        hdr = q + struct.pack("=I", num) + bytes([SENTINEL] * 4)
        res, b, _ = getopt(self.fd, GET["DESTS"], hdr, buflen)
        self.out(label, res)
        if res != "OK" or buflen < 24:
            return
        self.out(label + " header", b[:24].hex())
        for i in range((buflen - 24) // DEST_ENTRY):
            slot = b[24 + i * DEST_ENTRY:24 + (i + 1) * DEST_ENTRY]
            self.out(f"{label} [{i}]", dec_dest(slot) if written(slot) else "-")

    def ipvsadm(self, *args):
        p = subprocess.run(["ipvsadm", *args], capture_output=True, text=True)
        self.out("ipvsadm " + " ".join(args),
                 f"status={p.returncode} {p.stdout.strip()!r} {p.stderr.strip()!r}")

    def unprivileged(self, label):
        """EPERM for get and set once the process is nobody."""
        r, w = os.pipe()
        pid = os.fork()
        if pid == 0:
            os.close(r)
            try:
                os.setgroups([])
                os.setgid(65534)
                os.setuid(65534)
                g = getopt(self.fd, GET["INFO"], b"", 12)[0]
                s = setopt(self.fd, SET["FLUSH"])
                os.write(w, f"get={g} set={s}".encode())
            finally:
                os._exit(0)
        os.close(w)
        text = os.read(r, 200).decode()
        os.close(r)
        os.waitpid(pid, 0)
        self.out(label, text)


def run(c):
    a = "10.0.0.1"
    # Reading a fresh table, and wrong get lengths.
    c.version("version")
    c.version("version long buffer", 100)
    c.version("version short buffer", 63)
    c.info("info")
    c.info("info short buffer", 11)
    c.info("info long buffer", 16)
    c.timeouts("timeouts")
    c.timeouts("timeouts short buffer", 11)
    c.daemon("daemon")
    c.daemon("daemon short buffer", 47)
    c.services("services none", 0)
    c.services("services len mismatch", 1, 8)
    c.get_raw("get dest (unused)", GET["DEST"], b"", 64)
    c.get_raw("get unknown number", BASE + 8, b"", 64)
    c.service("service missing", query(TCP, a, 80))
    c.dests("dests missing", query(TCP, a, 80), 0)

    # Flush a table with something in it.
    c.set("add before flush", "ADD", svc_user(TCP, a, 80, sched=b"rr"))
    c.set("flush", "FLUSH")
    c.set("flush with an argument", "FLUSH", b"\0" * 4)
    c.info("info after flush")

    # Services.
    c.set("add tcp rr", "ADD", svc_user(TCP, a, 80, sched=b"rr"))
    c.set("add tcp rr again", "ADD", svc_user(TCP, a, 80, sched=b"rr"))
    c.set("add udp wrr persistent", "ADD",
          svc_user(UDP, a, 53, sched=b"wrr", flags=PERSISTENT, timeout=300,
                   netmask="255.255.255.0"))
    c.set("add sctp lc", "ADD", svc_user(SCTP, a, 9, sched=b"lc"))
    c.set("add fwmark 7 sh", "ADD",
          svc_user(TCP, "10.9.9.9", 99, fwmark=7, sched=b"sh", flags=SCHED1))
    c.set("add fwmark 7 as udp", "ADD", svc_user(UDP, fwmark=7, sched=b"rr"))
    c.set("add none", "ADD", svc_user(TCP, "10.0.0.2", 80, sched=b"none"))
    c.set("add hashed onepacket huge timeout", "ADD",
          svc_user(UDP, "10.0.0.3", 80, sched=b"rr",
                   flags=HASHED | ONEPACKET, timeout=0xFFFFFFFF))
    c.set("add icmp", "ADD", svc_user(1, "10.0.0.4", 80, sched=b"rr"))
    c.set("add protocol 0 fwmark", "ADD", svc_user(0, fwmark=8, sched=b"rr"))
    c.set("add sched name of 16", "ADD",
          svc_user(TCP, "10.0.0.4", 80, sched=b"0123456789abcdef"))
    c.set("add sched name of 16, icmp", "ADD",
          svc_user(1, "10.0.0.4", 80, sched=b"0123456789abcdef"))
    c.set("add sched nosuch", "ADD", svc_user(TCP, "10.0.0.4", 80, sched=b"nosuch"))
    c.set("add sched empty", "ADD", svc_user(TCP, "10.0.0.4", 80, sched=b""))
    c.set("add short", "ADD", svc_user(TCP, "10.0.0.4", 80, sched=b"rr"), 43)
    c.set("add long", "ADD", svc_user(TCP, "10.0.0.4", 80, sched=b"rr") + b"\0", 45)

    c.set("edit tcp to wrr persistent", "EDIT",
          svc_user(TCP, a, 80, sched=b"wrr", flags=PERSISTENT, timeout=120,
                   netmask="255.255.255.0"))
    c.set("edit as udp", "EDIT", svc_user(UDP, a, 80, sched=b"rr"))
    c.set("edit fwmark 7 as udp", "EDIT", svc_user(UDP, fwmark=7, sched=b"rr"))
    c.set("edit fwmark 7", "EDIT", svc_user(TCP, fwmark=7, sched=b"rr"))
    c.set("edit missing", "EDIT", svc_user(TCP, "10.0.0.99", 80, sched=b"rr"))
    c.set("edit sched name of 16", "EDIT",
          svc_user(TCP, a, 80, sched=b"0123456789abcdef"))
    c.set("edit sched nosuch", "EDIT", svc_user(TCP, a, 80, sched=b"nosuch"))
    c.set("edit to none", "EDIT", svc_user(TCP, "10.0.0.2", 80, sched=b"none"))

    # Destinations.
    svc80 = svc_user(TCP, a, 80)
    c.set("adddest masq", "ADDDEST", svc80 + dest_user("192.168.1.2", 8080, MASQ, 3))
    c.set("adddest again", "ADDDEST", svc80 + dest_user("192.168.1.2", 8080, MASQ, 3))
    c.set("adddest droute thresholds", "ADDDEST",
          svc80 + dest_user("192.168.1.3", 80, DROUTE, 1, 100, 50))
    c.set("adddest extra conn_flags", "ADDDEST",
          svc80 + dest_user("192.168.1.4", 80, 0x10000 | 0x40 | TUNNEL, 2))
    c.set("adddest weight -1", "ADDDEST", svc80 + dest_user("192.168.1.5", 80, MASQ, -1))
    c.set("adddest l > u", "ADDDEST",
          svc80 + dest_user("192.168.1.5", 80, MASQ, 1, 10, 50))
    c.set("adddest u > INT_MAX", "ADDDEST",
          svc80 + dest_user("192.168.1.5", 80, MASQ, 1, 0x80000000, 0))
    c.set("adddest multicast", "ADDDEST", svc80 + dest_user("224.0.0.1", 80, DROUTE))
    c.set("adddest broadcast", "ADDDEST",
          svc80 + dest_user("255.255.255.255", 80, DROUTE))
    c.set("adddest missing service", "ADDDEST",
          svc_user(TCP, "10.0.0.99", 80) + dest_user("192.168.1.5", 80))
    c.set("adddest icmp service", "ADDDEST",
          svc_user(1, a, 80) + dest_user("192.168.1.5", 80))
    c.set("adddest short", "ADDDEST", svc80 + dest_user("192.168.1.5", 80), 67)
    c.set("adddest as service", "ADDDEST", svc80)
    c.set("adddest fwmark 7", "ADDDEST",
          svc_user(TCP, fwmark=7) + dest_user("192.168.1.9", 0, DROUTE, 2))
    c.set("adddest fwmark 7 tunnel", "ADDDEST",
          svc_user(TCP, fwmark=7) + dest_user("192.168.1.10", 0, TUNNEL, 1))
    c.set("adddest udp 1", "ADDDEST",
          svc_user(UDP, a, 53) + dest_user("192.168.1.2", 53, MASQ, 0))
    c.set("adddest udp 2", "ADDDEST",
          svc_user(UDP, a, 53) + dest_user("192.168.1.3", 5353, MASQ, 65535))
    c.set("editdest weight 0", "EDITDEST", svc80 + dest_user("192.168.1.2", 8080, MASQ, 0))
    c.set("editdest droute", "EDITDEST",
          svc80 + dest_user("192.168.1.2", 8080, DROUTE, 5, 20, 10))
    c.set("editdest missing", "EDITDEST", svc80 + dest_user("192.168.1.99", 80))
    c.set("editdest weight -1", "EDITDEST",
          svc80 + dest_user("192.168.1.2", 8080, MASQ, -1))
    c.set("editdest missing service", "EDITDEST",
          svc_user(TCP, "10.0.0.99", 80) + dest_user("192.168.1.2", 8080))
    c.set("deldest", "DELDEST", svc80 + dest_user("192.168.1.3", 80))
    c.set("deldest again", "DELDEST", svc80 + dest_user("192.168.1.3", 80))
    c.set("deldest bad values", "DELDEST",
          svc80 + dest_user("192.168.1.4", 80, 0xFFFFFFFF, -1, 1, 2))
    c.set("re-adddest", "ADDDEST",
          svc80 + dest_user("192.168.1.3", 80, DROUTE, 4, 100, 50))

    # What only generic netlink can add: IPv6.
    c.ipvsadm("-A", "-t", "[2001:db8::1]:443", "-s", "rr")
    c.ipvsadm("-a", "-t", f"{a}:80", "-r", "[2001:db8::10]:80", "-i")

    # Reading it back.
    c.info("info")
    c.services("services all", 6)
    c.services("services 2", 2, show=False)
    c.services("services 0", 0)
    c.services("services more than there are", 8)
    c.services("services len mismatch", 6, 8 + 5 * SVC_ENTRY)
    c.services("services huge", 0xFFFFFFFF, 8)
    c.service("service tcp", query(TCP, a, 80))
    c.service("service udp", query(UDP, a, 53))
    c.service("service huge timeout", query(UDP, "10.0.0.3", 80))
    c.service("service fwmark 7", query(TCP, fwmark=7))
    c.service("service fwmark 7 as udp", query(UDP, fwmark=7))
    c.service("service fwmark 7 wrong address", query(TCP, "1.2.3.4", 5, fwmark=7))
    c.service("service wrong protocol", query(UDP, a, 80))
    c.service("service missing", query(TCP, "10.0.0.99", 80))
    c.service("service long buffer", query(TCP, a, 80), SVC_ENTRY + 8)
    c.service("service short buffer", query(TCP, a, 80), SVC_ENTRY - 1)
    c.dests("dests tcp", query(TCP, a, 80), 3)
    c.dests("dests tcp 1", query(TCP, a, 80), 1)
    c.dests("dests tcp 5", query(TCP, a, 80), 5)
    c.dests("dests tcp 0", query(TCP, a, 80), 0)
    c.dests("dests fwmark", query(SCTP, fwmark=7), 2)
    c.dests("dests udp", query(UDP, a, 53), 2)
    c.dests("dests none", query(TCP, "10.0.0.2", 80), 1)
    c.dests("dests missing", query(TCP, "10.0.0.99", 80), 1)
    c.dests("dests len mismatch", query(TCP, a, 80), 2, 24 + DEST_ENTRY)
    c.dests("dests short", query(TCP, a, 80), 0, 23)

    # Timeouts.
    c.set("timeout 10 20 30", "TIMEOUT", struct.pack("=iii", 10, 20, 30))
    c.timeouts("timeouts set")
    c.set("timeout 0 0 0", "TIMEOUT", struct.pack("=iii", 0, 0, 0))
    c.set("timeout 0 5 0", "TIMEOUT", struct.pack("=iii", 0, 5, 0))
    c.set("timeout -1", "TIMEOUT", struct.pack("=iii", 1, -1, 1))
    c.set("timeout INT_MAX", "TIMEOUT", struct.pack("=iii", 0, 0, 0x7FFFFFFF))
    # The limit is INT_MAX / HZ; HZ is 250 in the test kernel, 100 in
    # user space.
    c.set("timeout INT_MAX / 250 + 1", "TIMEOUT",
          struct.pack("=iii", 0x7FFFFFFF // 250 + 1, 0, 0))
    c.set("timeout INT_MAX / 250", "TIMEOUT",
          struct.pack("=iii", 0x7FFFFFFF // 250, 0, 0))
    c.timeouts("timeouts at the limit")
    c.set("timeout 900 back", "TIMEOUT", struct.pack("=iii", 900, 0, 0))
    c.set("timeout short", "TIMEOUT", struct.pack("=iii", 1, 1, 1), 11)
    c.timeouts("timeouts after")

    # Zero.
    c.set("zero all", "ZERO", svc_user(0))
    c.set("zero all, name of 16", "ZERO", svc_user(0, sched=b"0123456789abcdef"))
    c.set("zero tcp", "ZERO", svc80)
    c.set("zero fwmark", "ZERO", svc_user(TCP, fwmark=7))
    c.set("zero fwmark as udp", "ZERO", svc_user(UDP, fwmark=7))
    c.set("zero missing", "ZERO", svc_user(TCP, "10.0.0.99", 80))
    c.set("zero icmp", "ZERO", svc_user(1, a, 80))
    c.set("zero long", "ZERO", svc80 + dest_user("1.2.3.4"))

    # Commands C names but does not serve, and numbers nobody serves.
    for cmd in ("NONE", "INSERT", "LIST", "RESTORE", "SAVE"):
        c.set(f"set {cmd.lower()}", cmd)
        c.set(f"set {cmd.lower()} with an argument", cmd, b"\0" * 44)
    c.set_raw("set unknown number", BASE + 16)
    c.set_raw("set unknown number with an argument", BASE + 16, b"\0" * 44)

    # Sync daemons: none runs; C's checks before starting one.
    c.set("stopdaemon master", "STOPDAEMON", daemon_user(1, b"lo"))
    c.set("stopdaemon backup", "STOPDAEMON", daemon_user(2, b""))
    c.set("stopdaemon state 0", "STOPDAEMON", daemon_user(0, b"lo"))
    c.set("stopdaemon state 3", "STOPDAEMON", daemon_user(3, b"lo"))
    c.set("stopdaemon short", "STOPDAEMON", daemon_user(1, b"lo"), 23)
    c.set("startdaemon empty name", "STARTDAEMON", daemon_user(1, b""))
    c.set("startdaemon name of 16", "STARTDAEMON", daemon_user(1, b"0123456789abcdef"))
    c.set("startdaemon unknown interface", "STARTDAEMON", daemon_user(1, b"nosuch0"))
    c.set("startdaemon state 0 unknown interface", "STARTDAEMON",
          daemon_user(0, b"nosuch0"))
    c.set("startdaemon state 0", "STARTDAEMON", daemon_user(0, b"lo"))
    c.set("startdaemon state 3", "STARTDAEMON", daemon_user(3, b"lo"))
    c.set("startdaemon long", "STARTDAEMON", daemon_user(1, b"lo") + b"\0", 25)
    c.daemon("daemon after")
    # Where C starts a thread (or fails on the interface's addresses).
    c.set("~startdaemon backup lo", "STARTDAEMON", daemon_user(2, b"lo", 9))
    c.daemon("~daemon after start")
    c.set("~stopdaemon backup", "STOPDAEMON", daemon_user(2, b""))
    c.daemon("daemon after stop")

    c.unprivileged("unprivileged")

    # Deleting.
    c.set("del udp", "DEL", svc_user(UDP, a, 53))
    c.set("del udp again", "DEL", svc_user(UDP, a, 53))
    c.set("del fwmark 7 as udp", "DEL", svc_user(UDP, fwmark=7))
    c.set("del sctp", "DEL", svc_user(SCTP, a, 9))
    c.set("del icmp", "DEL", svc_user(1, a, 9))
    c.set("del short", "DEL", svc_user(TCP, a, 80), 0)
    c.set("edit huge timeout back", "EDIT",
          svc_user(UDP, "10.0.0.3", 80, sched=b"rr", flags=ONEPACKET, timeout=10))
    c.info("info at end")
    c.services("services at end", 4)
    c.timeouts("timeouts at end")


def main():
    run(Client())
    return 0


if __name__ == "__main__":
    sys.exit(main())
