#!/usr/bin/env python3
"""Random ipvsadm scripts for tests/ctl_fuzz.sh.

    ctl_fuzz.py SEED N

prints N lines, each the arguments of one ipvsadm command (words separated
by single spaces, none containing a space or a glob character), the same
lines for the same SEED. The grammar is biased towards commands that hit
objects earlier commands made: the pools of addresses, ports and fwmarks
are small, and edits, deletions and listings mostly pick a service or
destination that an earlier -A or -a named (whether or not it succeeded).
Invalid values and combinations come up too, but less often than valid ones.

Left out: rates and connection listings of live traffic (there is none
here, so --rate and -c only ever show zeros and empty tables), starting
and stopping the sync daemon, -R, -S without -n, and --nosort of all
services (the C IPVS's order of services depends on a random hash key).
"""

import random
import sys

VIPS4 = ["10.0.0.1", "10.0.0.2", "10.0.0.3", "10.0.0.4"]
VIPS6 = ["[2001:db8::1]", "[2001:db8::2]"]
PORTS = ["80", "0", "65535", "53"]
FWMARKS = ["1", "7", "4294967295"]
RS4 = ["192.168.1.2", "192.168.1.3", "192.168.1.4", "10.0.0.1"]
RS6 = ["[2001:db8::10]", "[2001:db8::11]"]
# Rarely: addresses a server may not have (multicast, broadcast, link-local,
# loopback, unspecified).
RS_ODD = ["224.0.0.1", "255.255.255.255", "127.0.0.1", "0.0.0.0",
          "[fe80::1]:80", "[ff02::1]:80", "[::1]:80", "[::]:80"]
RS_PORTS = ["8080", "0", "65535", "80"]
SCHEDULERS = ["rr", "wrr", "lc", "wlc", "sh", "dh", "lblc", "lblcr", "sed",
              "nq", "fo", "ovf", "mh", "twos"]
SCHED_FLAGS = ["sh-fallback", "sh-port", "mh-fallback", "mh-port",
               "flag-1", "flag-2", "flag-3"]
# The flags ipvsadm lets each scheduler have (the others it refuses).
SCHED_FLAGS_OF = {"sh": ["sh-fallback", "sh-port", "flag-1", "flag-2"],
                  "mh": ["mh-fallback", "mh-port", "flag-1", "flag-2"]}
# Values ipvsadm itself refuses come up rarely: the kernel never sees them.
PERSIST = ["1", "60", "300", "2678400"]
PERSIST_BAD = ["0", "2678401", "x"]
# ipvsadm parses -M by the family of the service named before it: an IPv4
# netmask for an IPv6 service named after it reaches the kernel as a prefix
# length (1.0.0.0 is 1, the others far too long).
MASKS4 = ["255.255.255.0", "255.255.0.0", "255.255.255.255", "0.0.0.0",
          "255.0.255.0", "24", "1.0.0.0", "128.0.0.0"]
MASKS6 = ["64", "128", "1", "96", "127"]
MASKS6_BAD = ["0", "129", "255.255.255.0"]
WEIGHTS = ["0", "1", "2", "5", "100", "65535"]
WEIGHTS_BAD = ["-1", "65536", "4294967296"]
THRESHOLDS = ["0", "1", "10", "100", "65535", "2147483647"]
THRESHOLDS_BAD = ["2147483648", "-1"]
TUN_TYPES = ["ipip", "gue", "gre"]
TUN_PORTS = ["0", "6080", "65535", "65536"]
TUN_CSUM = ["--tun-nocsum", "--tun-csum", "--tun-remcsum"]
TIMEOUTS = ["0", "0", "1", "10", "30", "120", "900", "86400", "2678400"]
TIMEOUTS_BAD = ["2678401", "-1", "x"]
LIST_FORMATS = ["--stats", "--rate", "--thresholds", "--persistent-conn",
                "--tun-info"]


class Gen:
    def __init__(self, seed):
        self.r = random.Random(seed)
        # Services and destinations earlier commands named: (spec words, v6).
        self.services = []
        # (service spec, destination address with port) pairs.
        self.dests = []

    def chance(self, p):
        return self.r.random() < p

    def pick(self, seq):
        return self.r.choice(seq)

    def pick2(self, good, bad, p_bad=0.05):
        """Mostly a value of good, sometimes one of bad."""
        return self.pick(bad if self.chance(p_bad) else good)

    # --- services -------------------------------------------------------

    def new_service(self):
        """A service from the pools: (list of words, is IPv6)."""
        r = self.r
        if self.chance(0.2):
            mark = self.pick(FWMARKS) if not self.chance(0.05) else "0"
            v6 = self.chance(0.35)
            return (["-f", mark] + (["-6"] if v6 else []), v6)
        proto = self.pick(["-t", "-t", "-u", "--sctp-service"])
        v6 = self.chance(0.3)
        vip = self.pick(VIPS6 if v6 else VIPS4)
        port = self.pick(PORTS)
        if self.chance(0.05) and not v6:
            return ([proto, vip], v6)  # no port at all
        return ([proto, "%s:%s" % (vip, port)], v6)

    def some_service(self, p_known=0.8):
        if self.services and self.chance(p_known):
            return self.pick(self.services)
        return self.new_service()

    def service_opts(self, svc, v6, edit):
        w = []
        sched = None
        if self.chance(0.85):
            if self.chance(0.06):
                sched = "bogus"
            elif self.chance(0.05):
                sched = "none"
            else:
                sched = self.pick(SCHEDULERS)
            w += ["-s", sched]
        # ipvsadm wants a service of port 0 persistent.
        port0 = svc[0] != "-f" and svc[1].endswith(":0")
        if self.chance(0.9 if port0 else 0.3):
            w.append("-p")
            if self.chance(0.7):
                w.append(self.pick2(PERSIST, PERSIST_BAD))
        if self.chance(0.15 if not edit else 0.2):
            if v6:
                w += ["-M", self.pick2(MASKS6, MASKS6_BAD)]
            else:
                w += ["-M", self.pick(MASKS4)]
            if self.chance(0.15):  # a netmask of the other family
                w[-1] = self.pick(MASKS4 if v6 else MASKS6)
        if self.chance(0.3 if sched in SCHED_FLAGS_OF else 0.1):
            if self.chance(0.05):
                flags = ["no-such-flag"]
            elif self.chance(0.15):
                flags = self.r.sample(SCHED_FLAGS, self.r.randint(1, 3))
            else:
                flags = self.r.sample(SCHED_FLAGS_OF.get(sched, SCHED_FLAGS[4:]),
                                      self.r.randint(1, 2))
            w += ["-b", ",".join(flags)]
        # ipvsadm allows -o for UDP and fwmark services only.
        if self.chance(0.25 if svc[0] in ("-u", "-f") else 0.02):
            w.append("-o")
        if self.chance(0.08):
            w += ["--pe", "sip" if self.chance(0.8) else "bogus"]
        pairs = self._pairs(w)
        self.r.shuffle(pairs)
        return [x for p in pairs for x in p]

    def with_service(self, cmd, svc, opts):
        """cmd, the service and the options; the service mostly first,
        sometimes among the options (ipvsadm reads some options by what
        came before them: -M by the family, -r's default port)."""
        pairs = [svc] + self._pairs(opts)
        if self.chance(0.25):
            self.r.shuffle(pairs)
        return [cmd] + [x for p in pairs for x in p]

    @staticmethod
    def _pairs(words):
        """Groups an option with its argument, so shuffling keeps them."""
        out = []
        for x in words:
            if x.startswith("-") and not x.lstrip("-").isdigit():
                out.append([x])
            else:
                out[-1].append(x)
        return out

    def add_service(self):
        svc, v6 = self.some_service(p_known=0.25)
        # Services ipvsadm refuses to name stay out of the pool (but come
        # up again now and then from new_service()).
        if (svc, v6) not in self.services and svc[1] != "0" and len(svc) > 1:
            self.services.append((svc, v6))
        return self.with_service("-A", svc, self.service_opts(svc, v6, False))

    def edit_service(self):
        svc, v6 = self.some_service()
        return self.with_service("-E", svc, self.service_opts(svc, v6, True))

    def del_service(self):
        svc, _ = self.some_service()
        return ["-D"] + svc

    # --- destinations ---------------------------------------------------

    def new_dest(self, v6):
        if self.chance(0.04):
            addr = self.pick(RS_ODD)
        elif self.chance(0.1):
            addr = self.pick(RS4 if v6 else RS6)  # the other family
        else:
            addr = self.pick(RS6 if v6 else RS4)
        # ipvsadm wants a port after an IPv6 address in brackets.
        if addr.startswith("[") and not addr.endswith("]"):
            return addr
        if addr.startswith("[") or self.chance(0.5):
            return "%s:%s" % (addr, self.pick(RS_PORTS))
        return addr

    def some_dest(self, p_known=0.75):
        """(service words, service v6, destination)."""
        if self.dests and self.chance(p_known):
            return self.pick(self.dests)
        svc, v6 = self.some_service()
        return (svc, v6, self.new_dest(v6))

    def dest_opts(self):
        w = []
        fwd = self.pick(["-g", "-i", "-m", "-m", None])
        if fwd:
            w.append(fwd)
        if self.chance(0.5):
            w += ["-w", self.pick2(WEIGHTS, WEIGHTS_BAD)]
        if self.chance(0.2):
            w += ["-x", self.pick2(THRESHOLDS, THRESHOLDS_BAD)]
        if self.chance(0.2):
            w += ["-y", self.pick2(THRESHOLDS, THRESHOLDS_BAD)]
        # ipvsadm refuses tunnel options without -i, --tun-port but with
        # gue, checksum options with ipip: mostly what it takes.
        tun = None
        if self.chance(0.4 if fwd == "-i" else 0.03):
            tun = self.pick(TUN_TYPES) if not self.chance(0.04) else "vxlan"
            w += ["--tun-type", tun]
        if self.chance(0.85 if tun == "gue" else 0.03):
            w += ["--tun-port", self.pick(TUN_PORTS)]
        if self.chance(0.4 if tun in ("gue", "gre") else 0.03):
            w.append(self.pick(TUN_CSUM if tun == "gue" else TUN_CSUM[:2]))
            if self.chance(0.1):
                w.append(self.pick(TUN_CSUM))
        pairs = self._pairs(w)
        self.r.shuffle(pairs)
        return [x for p in pairs for x in p]

    def add_dest(self):
        svc, v6, dest = self.some_dest(p_known=0.25)
        if (svc, v6, dest) not in self.dests:
            self.dests.append((svc, v6, dest))
        return self.with_service("-a", svc, ["-r", dest] + self.dest_opts())

    def edit_dest(self):
        svc, _, dest = self.some_dest()
        return self.with_service("-e", svc, ["-r", dest] + self.dest_opts())

    def del_dest(self):
        svc, _, dest = self.some_dest()
        return self.with_service("-d", svc, ["-r", dest])

    # --- the rest -------------------------------------------------------

    def zero(self):
        if self.chance(0.4):
            return ["-Z"]
        return ["-Z"] + self.some_service()[0]

    def flush(self):
        return ["-C"]

    def set_timeouts(self):
        return ["--set"] + [self.pick2(TIMEOUTS, TIMEOUTS_BAD, 0.03)
                            for _ in range(3)]

    def listing(self):
        w = [self.pick(["-L", "-L", "-l"])]
        if self.chance(0.8):
            w += self.some_service()[0]
            # The kernel's order of destinations (newest first); not
            # for all services, whose order in C depends on a random
            # hash key.
            if self.chance(0.2):
                w.append("--nosort")
        if self.chance(0.92):
            w.append("-n")
        if self.chance(0.2):
            w.append("--exact")
        if self.chance(0.7):
            w.append(self.pick(LIST_FORMATS))
            if self.chance(0.05):  # two formats: ipvsadm refuses some
                w.append(self.pick(LIST_FORMATS))
        elif self.chance(0.15):
            w.append("--timeout")
        if self.chance(0.03):
            w.append("-c")
        elif self.chance(0.03):
            w.append("--daemon")
        return w

    def command(self):
        kinds = [
            (self.add_service, 16),
            (self.edit_service, 11),
            (self.del_service, 5),
            (self.add_dest, 22),
            (self.edit_dest, 12),
            (self.del_dest, 6),
            (self.zero, 3),
            (self.flush, 1),
            (self.set_timeouts, 3),
            (self.listing, 10),
        ]
        f = self.r.choices([k for k, _ in kinds], [w for _, w in kinds])[0]
        return f()


def main():
    if len(sys.argv) != 3:
        sys.exit("usage: ctl_fuzz.py SEED N")
    seed, n = int(sys.argv[1]), int(sys.argv[2])
    g = Gen(seed)
    for _ in range(n):
        print(" ".join(g.command()))


if __name__ == "__main__":
    main()
