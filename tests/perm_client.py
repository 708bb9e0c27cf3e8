#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Every IPVS command, by generic netlink and by sockopt, for
tests/permissions.sh.

ipvsadm cannot show the kernel's permission checks one by one: it fails at
its start-up GET_INFO. This client makes each call itself, with arguments
that are valid for the table tests/permissions.sh sets up (so that only the
permission check can refuse them), and prints one line per call: its label
and the errno name (or OK). It runs as whatever user the test makes it, in
whatever network namespace.

The table it expects: TCP services 10.0.0.1:80 and 10.0.0.3:80, each with
masquerading destinations 192.168.1.2:80 and 192.168.1.3:80 (ipvsadm's
default port for them), and 10.0.0.2:80 and
10.0.0.4:80 without destinations. Generic netlink works on the first two,
sockopt on the others; the flushes come last.

Options: --skip-daemon leaves out the sync daemon calls (only the C IPVS
has a sync daemon, so a privileged caller gets different answers);
--skip-unknown leaves out the command numbers no IPVS serves.
"""

import socket
import struct
import sys

import genl_client as gc
from sockopt_client import (BASE, GET, SET, TCP, daemon_user, dest_user,
                            getopt, query, setopt, svc_user)

MASQ = 0
DAEMON_MASTER = 1


def genl_calls(skip_daemon, skip_unknown):
    """(label, command, payload, dump) of each generic netlink call."""
    svc = gc.attr(gc.CMD_ATTR_SERVICE,
                  gc.svc_key(addr="10.0.0.1", port=80))
    calls = [
        ("GET_INFO", "GET_INFO", b"", False),
        ("GET_CONFIG", "GET_CONFIG", b"", False),
        ("GET_SERVICE", "GET_SERVICE", svc, False),
        ("GET_SERVICE dump", "GET_SERVICE", b"", True),
        ("GET_DEST dump", "GET_DEST", svc, True),
        ("GET_DAEMON dump", "GET_DAEMON", b"", True),
        ("NEW_SERVICE", "NEW_SERVICE",
         gc.attr(gc.CMD_ATTR_SERVICE,
                 gc.svc_full(b"rr", addr="10.0.0.5", port=80)), False),
        ("SET_SERVICE", "SET_SERVICE",
         gc.attr(gc.CMD_ATTR_SERVICE,
                 gc.svc_full(b"wrr", addr="10.0.0.1", port=80)), False),
        ("NEW_DEST", "NEW_DEST",
         svc + gc.attr(gc.CMD_ATTR_DEST, gc.dest("192.168.1.4", 80)), False),
        ("SET_DEST", "SET_DEST",
         svc + gc.attr(gc.CMD_ATTR_DEST, gc.dest("192.168.1.2", 80, weight=7)),
         False),
        ("DEL_DEST", "DEL_DEST",
         svc + gc.attr(gc.CMD_ATTR_DEST, gc.dest("192.168.1.3", 80)), False),
        ("DEL_SERVICE", "DEL_SERVICE",
         gc.attr(gc.CMD_ATTR_SERVICE, gc.svc_key(addr="10.0.0.2", port=80)),
         False),
        ("ZERO service", "ZERO", svc, False),
        ("ZERO all", "ZERO", b"", False),
        ("SET_CONFIG", "SET_CONFIG",
         gc.attr(gc.CMD_ATTR_TIMEOUT_TCP, gc.u32(100))
         + gc.attr(gc.CMD_ATTR_TIMEOUT_TCP_FIN, gc.u32(20))
         + gc.attr(gc.CMD_ATTR_TIMEOUT_UDP, gc.u32(30)), False),
    ]
    if not skip_daemon:
        daemon = gc.attr(gc.CMD_ATTR_DAEMON,
                         gc.attr(gc.DAEMON_STATE, gc.u32(DAEMON_MASTER))
                         + gc.attr(gc.DAEMON_MCAST_IFN, b"lo\0")
                         + gc.attr(gc.DAEMON_SYNC_ID, gc.u32(1)))
        calls += [("NEW_DAEMON", "NEW_DAEMON", daemon, False),
                  ("DEL_DAEMON", "DEL_DAEMON", daemon, False)]
    if not skip_unknown:
        calls += [("UNSPEC", "UNSPEC", b"", False),
                  ("SET_INFO", "SET_INFO", b"", False)]
    return calls


def run_genl(skip_daemon, skip_unknown):
    g = gc.Genl()
    for label, cmd, payload, dump in genl_calls(skip_daemon, skip_unknown):
        res, _ = g.ipvs(cmd, payload, dump)
        print(f"genl {label}: {res}", flush=True)
    if not skip_unknown:
        res, _ = g.request(g.family, len(gc.CMD))
        print(f"genl command {len(gc.CMD)}: {res}", flush=True)
    return g


def run_sockopt(skip_daemon, skip_unknown):
    # Any IPv4 socket reaches the netfilter sockopts: a UDP one needs no
    # privilege to open (ipvsadm's raw one does).
    sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    fd = sock.fileno()
    svc = svc_user(TCP, "10.0.0.3", 80)
    q = query(TCP, "10.0.0.3", 80)
    gets = [
        ("VERSION", b"", 64),
        ("INFO", b"", 12),
        ("SERVICES", struct.pack("=I", 4), 8 + 4 * 104),
        ("SERVICE", q, 104),
        ("DESTS", q + struct.pack("=I", 2), 24 + 2 * 96),
        ("TIMEOUT", b"", 12),
        ("DAEMON", b"", 48),
    ]
    for name, data, buflen in gets:
        print(f"sockopt get {name}: {getopt(fd, GET[name], data, buflen)[0]}",
              flush=True)
    sets = [
        ("ADD", svc_user(TCP, "10.0.0.6", 80, sched=b"rr")),
        ("EDIT", svc_user(TCP, "10.0.0.3", 80, sched=b"wrr")),
        ("ADDDEST", svc + dest_user("192.168.1.4", 80, MASQ)),
        ("EDITDEST", svc + dest_user("192.168.1.2", 80, MASQ, 7)),
        ("DELDEST", svc + dest_user("192.168.1.3", 80, MASQ)),
        ("DEL", svc_user(TCP, "10.0.0.4", 80)),
        ("ZERO", svc_user(0)),
        ("TIMEOUT", struct.pack("=iii", 100, 20, 30)),
    ]
    if not skip_daemon:
        sets += [("STARTDAEMON", daemon_user(DAEMON_MASTER, b"lo", 1)),
                 ("STOPDAEMON", daemon_user(DAEMON_MASTER, b""))]
    if not skip_unknown:
        sets += [(name, b"") for name in ("NONE", "INSERT", "LIST", "RESTORE", "SAVE")]
    for name, data in sets:
        print(f"sockopt set {name}: {setopt(fd, SET[name], data)}", flush=True)
    if not skip_unknown:
        print(f"sockopt set number {BASE + 16}: {setopt(fd, BASE + 16)}")
        res = getopt(fd, BASE + 8, b"", 64)[0]
        print(f"sockopt get number {BASE + 8}: {res}", flush=True)
    return sock


def main():
    args = set(sys.argv[1:])
    bad = args - {"--skip-daemon", "--skip-unknown"}
    if bad:
        print(f"perm_client.py: unknown arguments {sorted(bad)}", file=sys.stderr)
        return 2
    skip_daemon = "--skip-daemon" in args
    skip_unknown = "--skip-unknown" in args
    g = run_genl(skip_daemon, skip_unknown)
    sock = run_sockopt(skip_daemon, skip_unknown)
    # The flushes, last: genl, then sockopt.
    print(f"genl FLUSH: {g.ipvs('FLUSH')[0]}", flush=True)
    print(f"sockopt set FLUSH: {setopt(sock.fileno(), SET['FLUSH'])}", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
