#!/bin/bash
# Robustness: truncated and malformed IPv4, TCP, UDP and ICMP packets at
# virtual services (TCP NAT on port 80, TCP direct routing on 81, UDP NAT
# on 80 and UDP direct routing on 81, two real servers each), ours against
# the C IPVS. tests/malformed_sender.py sends over a hundred kinds of packet
# from the client (broken IPv4 headers, IP options, fragments, TTL 0 and 1,
# TCP and UDP headers cut short or with lying lengths and data offsets,
# bogus flag combinations, bad and zero checksums, zero ports, ports
# without a service, ICMP errors cut short or quoting cut or broken
# headers) and a few ICMP errors from the real servers' side, each kind on
# its own source ports, with and without a connection. For each it prints
# what reached the real servers, what the director sent back, the
# director's SNMP counters, the IPVS totals and the kind's connection
# entries. All of it, and the per-destination statistics of ipvsadm -Ln
# --stats at the end, must be the same with both; the kernel log stays
# clean (the harness checks it for splats and leaks).
#
# Intended differences: none in what this test sends. Outside of it, the C
# IPVS also balances SCTP, AH and ESP, reassembles fragments (ICMP, TCP,
# UDP) passing the director on their way to a real server, and drops (NAT)
# or counts (other methods) real servers' TCP and UDP replies whose header
# is cut after the ports, where ours lets them pass untouched.
. "$(dirname "$0")/lib.sh"
set -u
tmp=$(mktemp -d)
trap 'cleanup_all_ns; ipvs_unload >/dev/null 2>&1; rm -rf "$tmp"' EXIT
need_tools ipvsadm python3

# The address the malformed packets come from: nobody has it; the
# director reaches it without ARP (what it sends there is captured on the
# client's link) and the real servers not at all.
CLI=10.0.0.3

# scenario NAME: sets the services up, sends the packets, prints what it
# saw; the seconds the packets took go to $tmp/NAME.secs.
scenario() {
	local p port method i rs start
	setup_lvs 2 || { echo "setup failed"; return; }
	for p in -t -u; do
		for port in 80 81; do
			method=-m
			[ "$port" = 81 ] && method=-g
			echo "-A $p $VIP:$port -s rr"
			for i in 1 2; do
				echo "-a $p $VIP:$port -r ${RS_ADDR[i]}:$port $method"
			done
		done
	done | d ipvsadm -R
	ip -n "$director" neigh replace "$CLI" lladdr 02:00:00:00:00:03 dev veth0 nud permanent
	for i in 1 2; do
		rs=rs$i
		ip -n "${!rs}" route add blackhole "$CLI/32"
	done
	start=$SECONDS
	# shellcheck disable=SC2154  # set by setup_lvs
	python3 "$(dirname "$0")/malformed_sender.py" "$client" "$director" "$rs1" "$rs2" ||
		echo "malformed_sender failed: $?"
	echo $((SECONDS - start)) >"$tmp/$1.secs"
	# The C IPVS updates the statistics every two seconds.
	sleep 3
	echo "statistics:"
	d ipvsadm -Ln --stats | tail -n +4
}

ipvs_load c || exit $ksft_fail
start=$SECONDS
scenario c >"$tmp/c" 2>&1
echo "# c: $((SECONDS - start)) s ($(cat "$tmp/c.secs") s of packets), $(grep -c '^case' "$tmp/c") cases"
cleanup_all_ns
ipvs_load "$IPVS_IMPL" || exit $ksft_fail
start=$SECONDS
scenario "$IPVS_IMPL" >"$tmp/out" 2>&1
echo "# $IPVS_IMPL: $((SECONDS - start)) s ($(cat "$tmp/$IPVS_IMPL.secs") s of packets), $(grep -c '^case' "$tmp/out") cases"

grep -q '^case' "$tmp/c" || { cat "$tmp/c"; fail "the C run sent nothing"; }
if grep -q 'barrier lost\|failed\|Traceback' "$tmp/c" "$tmp/out"; then
	grep -h -B3 -A3 'barrier lost\|failed\|Traceback' "$tmp/c" "$tmp/out"
	fail "a run did not complete"
fi
if ! cmp -s "$tmp/c" "$tmp/out"; then
	fail "what $IPVS_IMPL does with malformed packets differs from C (- c, + $IPVS_IMPL)"
	diff -U 2 -F '^case' --label c --label "$IPVS_IMPL" "$tmp/c" "$tmp/out" | sed 's/^/    /'
fi
[ "${TEST_VERBOSE:-0}" = 0 ] || sed 's/^/    /' "$tmp/c"
exit $RET
