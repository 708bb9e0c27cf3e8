#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""The traffic of tests/sched_traffic.sh, in one process.

Run in the client's namespace of setup_lvs (tests/lib.sh) with four real
servers:

    sched_traffic_client.py DIRECTOR_NS RS1_NS RS2_NS RS3_NS RS4_NS

It forks one server per real server (TCP port 84: answers its name and keeps
the connection until the client closes it), sets up one NAT service per
round and virtual address with `ipvsadm -R` in the director's namespace,
then for each round makes a fixed list of connections in two phases, with
a change of the destinations in between, and prints who answered each and
the destinations' counters (from /proc/net/ip_vs of the director). The
output depends only on the scheduling decisions, so it must be the same
with any correct IPVS. Lines of randomized schedulers start with "random"
and are checked for bounds only.

Every step is in this one process (process starts are slow in the test VM):
setns() switches it to the director's namespace and back, and the servers
are forks. Only the `ipvsadm -R` runs are processes of their own.
"""

import ctypes
import os
import select
import signal
import socket
import subprocess
import sys

CLONE_NEWNET = 0x40000000
libc = ctypes.CDLL(None, use_errno=True)

PORT = 84
# The client connects from these (tests/sched_traffic.sh adds them).
CLIENT_ADDRS = ["10.0.0.%d" % i for i in range(3, 21)]
RS_ADDR = {i: "192.168.100.%d" % (10 + i) for i in range(1, 5)}
RS_NAME = {a: "rs%d" % i for i, a in RS_ADDR.items()}
# A connection attempt (handshake, answer, close) gives up after this long.
TIMEOUT = 4

# Phase 1 destinations, added in this order (so listed, and walked by the
# schedulers, newest first): real server, weight, upper threshold. rs1 is
# overloaded from its fifth connection on; rs4, of weight 0, is quiesced.
DESTS = [(1, 3, 5), (2, 1, 0), (3, 2, 0), (4, 0, 0)]
# Between the phases, in this order: rs3 deleted (into the trash, with its
# connections), rs1 lighter and with a higher threshold (C 7.x keeps an
# overloaded rs1 overloaded: its 5 connections are not under the new lower
# threshold, 6 - 6/4 = 5), rs2 heavier, rs4 back in service, and rs3 added
# again (from the trash, now first in the list).
EDITS = [
    "-d {svc} -r {rs3}:84",
    "-e {svc} -r {rs1}:84 -m -w 2 -x 6",
    "-e {svc} -r {rs2}:84 -m -w 4",
    "-e {svc} -r {rs4}:84 -m -w 2",
    "-a {svc} -r {rs3}:84 -m -w 3",
]

# name, scheduler, ipvsadm -b flags, virtual addresses, connections per
# phase. The destination-hashing ones (dh, lblc, lblcr) get three virtual
# addresses, since they decide by the one asked.
ROUNDS = [
    ("rr", "rr", "", 1, 18),
    ("wrr", "wrr", "", 1, 18),
    ("lc", "lc", "", 1, 18),
    ("wlc", "wlc", "", 1, 18),
    ("sed", "sed", "", 1, 18),
    ("nq", "nq", "", 1, 18),
    ("dh", "dh", "", 3, 18),
    ("sh", "sh", "", 1, 18),
    ("sh-port", "sh", "sh-port", 1, 18),
    ("sh-fallback", "sh", "sh-fallback", 1, 18),
    ("sh-fallback,port", "sh", "sh-fallback,sh-port", 1, 18),
    ("lblc", "lblc", "", 3, 18),
    ("lblcr", "lblcr", "", 3, 18),
    ("fo", "fo", "", 1, 18),
    ("ovf", "ovf", "", 1, 18),
    ("mh", "mh", "", 1, 18),
    ("mh-port", "mh", "mh-port", 1, 18),
    ("mh-fallback", "mh", "mh-fallback", 1, 18),
    ("mh-fallback,port", "mh", "mh-fallback,mh-port", 1, 18),
    # Random: one phase, more connections, checked for bounds only.
    ("twos", "twos", "", 1, 40),
]
RANDOM = {"twos"}

timeouts = 0


def setns(fd):
    if libc.setns(fd, CLONE_NEWNET) != 0:
        e = ctypes.get_errno()
        raise OSError(e, os.strerror(e))


def ns_fd(name):
    return os.open("/run/netns/" + name, os.O_RDONLY)


def vips(r, n):
    return ["10.1.%d.%d" % (r, j) for j in range(1, n + 1)]


def serve(ns, name, ready):
    """A real server on PORT in namespace ns: answers name, keeps the
    connection until the client closes it."""
    setns(ns_fd(ns))
    lsock = socket.socket()
    lsock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    lsock.bind(("", PORT))
    lsock.listen(128)
    os.write(ready, b"x")
    poll = select.poll()
    poll.register(lsock, select.POLLIN)
    conns = {}
    while True:
        for fd, _ in poll.poll():
            if fd == lsock.fileno():
                c, _ = lsock.accept()
                c.sendall(name.encode() + b"\n")
                conns[c.fileno()] = c
                poll.register(c, select.POLLIN)
                continue
            c = conns[fd]
            try:
                data = c.recv(512)
            except OSError:
                data = b""
            if not data:
                poll.unregister(fd)
                del conns[fd]
                c.close()


def start_servers(namespaces):
    pids = []
    for i, ns in enumerate(namespaces, 1):
        r, w = os.pipe()
        sys.stdout.flush()
        sys.stderr.flush()
        pid = os.fork()
        if pid == 0:
            try:
                os.close(r)
                serve(ns, "rs%d" % i, w)
            finally:
                os._exit(1)
        os.close(w)
        if os.read(r, 1) != b"x":
            raise SystemExit("server rs%d did not start" % i)
        os.close(r)
        pids.append(pid)
    return pids


class Director:
    """The director's namespace, entered for a moment at a time."""

    def __init__(self, name):
        self.own = os.open("/proc/self/ns/net", os.O_RDONLY)
        self.fd = ns_fd(name)

    def ipvsadm_restore(self, lines):
        setns(self.fd)
        try:
            res = subprocess.run(["ipvsadm", "-R"], input="".join(lines),
                                 text=True, capture_output=True)
        finally:
            setns(self.own)
        if res.returncode != 0 or res.stderr:
            print("ipvsadm -R failed (%d): %s" % (res.returncode, res.stderr.strip()))

    def proc_ip_vs(self):
        setns(self.fd)
        try:
            with open("/proc/self/net/ip_vs") as f:
                return f.read()
        finally:
            setns(self.own)


def hex_addr(h):
    a, p = h.split(":")
    return socket.inet_ntoa(bytes.fromhex(a)), int(p, 16)


def counters(director, addrs):
    """Per virtual address of addrs, its destinations in list order as
    name:weight:active/inactive."""
    dests = {}
    svc = None
    for line in director.proc_ip_vs().splitlines():
        t = line.split()
        if not t:
            continue
        if t[0] in ("TCP", "UDP", "SCTP"):
            svc = hex_addr(t[1])[0]
            dests[svc] = []
        elif t[0] == "->" and svc is not None and len(t) >= 6:
            a = hex_addr(t[1])[0]
            dests[svc].append("%s:%s:%s/%s" % (RS_NAME.get(a, a), t[3], t[4], t[5]))
    return ["%s %s" % (v, " ".join(dests.get(v, ["missing"]))) for v in addrs]


def connect(src, sport, vip):
    """One connection: (the socket, who answered), or (None, "-") when
    refused or timed out."""
    global timeouts
    s = socket.socket()
    s.settimeout(TIMEOUT)
    s.bind((src, sport))
    try:
        s.connect((vip, PORT))
        data = b""
        while not data.endswith(b"\n"):
            more = s.recv(64)
            if not more:
                break
            data += more
    except ConnectionRefusedError:
        s.close()
        return None, "-"
    except OSError:
        timeouts += 1
        s.close()
        return None, "-"
    return s, data.decode().strip() or "?"


def finish(s):
    """Closes s once the director has seen both FINs (the server closes
    when it reads ours; its FIN reaches us through the director)."""
    try:
        s.shutdown(socket.SHUT_WR)
        while s.recv(64):
            pass
    except OSError:
        pass
    s.close()


def phase(r, addrs, phase_no, n):
    """Connection i comes from one of 12 client addresses (connections i
    and i + 12 share one) and its own port, goes to virtual address
    i % len(addrs), and is held open till the end of the phase or closed
    at once, alternately."""
    answers = []
    held = []
    for i in range(n):
        src = CLIENT_ADDRS[((i % 12) * 7 + r) % len(CLIENT_ADDRS)]
        sport = 10000 + r * 200 + phase_no * 100 + i
        s, who = connect(src, sport, addrs[i % len(addrs)])
        answers.append(who)
        if s is None:
            continue
        if (i + r + phase_no) % 2 == 0:
            held.append(s)
        else:
            finish(s)
    return answers, held


def main():
    director_ns, servers = sys.argv[1], sys.argv[2:]
    director = Director(director_ns)
    pids = start_servers(servers)
    rs = {"rs%d" % i: a for i, a in RS_ADDR.items()}
    setup = []
    for r, (_, sched, flags, nvips, _) in enumerate(ROUNDS, 1):
        for v in vips(r, nvips):
            b = " -b " + flags if flags else ""
            setup.append("-A -t %s:%d -s %s%s\n" % (v, PORT, sched, b))
            for i, w, x in DESTS:
                setup.append("-a -t %s:%d -r %s:%d -m -w %d -x %d\n"
                             % (v, PORT, RS_ADDR[i], PORT, w, x))
    director.ipvsadm_restore(setup)
    try:
        for r, (name, sched, flags, nvips, n) in enumerate(ROUNDS, 1):
            addrs = vips(r, nvips)
            if name in RANDOM:
                answers, held = phase(r, addrs, 1, n)
                print("random %s: %s" % (name, " ".join(answers)))
                for s in held:
                    finish(s)
                continue
            for p in (1, 2):
                if p == 2:
                    director.ipvsadm_restore(
                        e.format(svc="-t %s:%d" % (v, PORT), **rs) + "\n"
                        for v in addrs for e in EDITS)
                answers, held = phase(r, addrs, p, n)
                print("%s %d: %s" % (name, p, " ".join(answers)))
                # Read while the held connections are still open.
                for line in counters(director, addrs):
                    print("  %s" % line)
                for s in held:
                    finish(s)
            sys.stdout.flush()
    finally:
        for pid in pids:
            os.kill(pid, signal.SIGTERM)
            os.waitpid(pid, 0)
    print("timeouts: %d" % timeouts)
    return 0


if __name__ == "__main__":
    sys.exit(main())
