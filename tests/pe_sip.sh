#!/bin/bash
# The SIP persistence engine (`ipvsadm --pe sip`), ours against the C IPVS:
# the same script runs on each and everything a user sees must be the same.
#
# Control plane: services added and edited with --pe sip (UDP, TCP,
# fwmark, with and without -p), an unknown engine, -E changing and clearing
# the engine; after each command its output and exit status, ipvsadm -Ln
# and -S -n. The engine comes from module ip_vs_pe_sip, loaded on demand:
# lsmod shows how many users it has (a service or a persistence template
# each) and rmmod is refused while it has any.
#
# Data plane: a persistent UDP service with the SIP engine in front of two
# real servers (NAT). SIP requests with the same Call-ID from different
# client ports land on the same server, another Call-ID may go elsewhere,
# and a datagram without a Call-ID is dropped (no answer); a request a
# real server starts from its service port reaches the client from the
# virtual service (the engine's conn_out) and its call sticks to that
# server. Who answered
# each request and the connection listing (ipvsadm -Lnc, expiry times
# masked) must be those of the C IPVS.
. "$(dirname "$0")/lib.sh"
set -u
need_tools socat ipvsadm python3
trap 'cleanup_all_ns; ipvs_unload >/dev/null 2>&1' EXIT

cmds=(
	"-A -u 10.0.0.1:5060 -p 60 --pe sip"
	"-A -u 10.0.0.1:5060 -p 60 --pe sip"
	"-A -u 10.0.0.2:5060 --pe sip"
	"-A -t 10.0.0.3:5060 -s wrr -p 30 --pe sip"
	"-A -f 5 -p 60 --pe sip"
	"-A -u 10.0.0.4:5060 -p 60 --pe nosuch"
	"-A -u 10.0.0.4:5060 -s nosuch -p 60 --pe sip"
	"-A -u 10.0.0.5:5060 -p 60 --pe sipsipsipsipsipsip"
	"-E -u 10.0.0.1:5060 -p 60"
	"-E -u 10.0.0.1:5060 -s wlc -p 120 --pe sip"
	"-E -u 10.0.0.2:5060 -p 60 --pe nosuch"
	"-E -u 10.0.0.9:5060 -p 60 --pe sip"
	"-E -f 5 -p 60"
	"-a -u 10.0.0.1:5060 -r 192.168.1.2 -m"
	"-L -u 10.0.0.1:5060 -n"
	"-D -t 10.0.0.3:5060"
)

mask_size() {
	sed 's/^IP Virtual Server version \([0-9.]*\) (size=[0-9]*)$/IP Virtual Server version \1 (size=N)/'
}

# The use count lsmod shows for module $1, "-" when it is not loaded.
use_count() {
	local name _size count _rest
	while read -r name _size count _rest; do
		[ "$name" = "$1" ] && { echo "$count"; return 0; }
	done < /proc/modules
	echo -
}

# The users lsmod shows: the engine's count, and whether rmmod refuses it.
modules_state() {
	echo "ip_vs_pe_sip users: $(use_count ip_vs_pe_sip)"
	if [ "$(use_count ip_vs_pe_sip)" != - ]; then
		if out=$(rmmod ip_vs_pe_sip 2>&1); then
			echo "rmmod ip_vs_pe_sip: removed"
		else
			echo "rmmod ip_vs_pe_sip: refused (${out##*: })"
		fi
	fi
}

control_script() {
	local c
	echo "ip_vs_pe_sip users before: $(use_count ip_vs_pe_sip)"
	for c in "${cmds[@]}"; do
		echo "# ipvsadm $c"
		# shellcheck disable=SC2086  # the words of a command
		ipvsadm $c 2>&1
		echo "exit $?"
		ipvsadm -Ln 2>&1
		ipvsadm -S -n 2>&1
		echo "ip_vs_pe_sip users: $(use_count ip_vs_pe_sip)"
	done
	modules_state
	ipvsadm -C
	echo "after -C:"
	modules_state
	ipvsadm -Ln 2>&1
}

# sip PORT SPORT CALLID: a SIP OPTIONS request from the client's port SPORT
# to VIP:PORT with that Call-ID (none when empty: a plain datagram); prints
# who answered ("none" if nobody).
sip() {
	local msg
	if [ -n "$3" ]; then
		msg="OPTIONS sip:$VIP SIP/2.0\r\nVia: SIP/2.0/UDP 10.0.0.2:$2\r\nCall-ID: $3\r\nCSeq: 1 OPTIONS\r\n\r\n"
	else
		msg="hello\n"
	fi
	printf '%b' "$msg" | ip netns exec "$client" socat -t 3 -T 3 - "UDP:$VIP:$1,bind=:$2" 2>/dev/null |
		grep . || echo none
}

# The client's side of a request a real server starts: takes one datagram
# on the port given, answers it, and prints who it came from.
CLIENT_PEER='
import socket, sys
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.bind(("", int(sys.argv[1])))
open(sys.argv[2], "w").close()
s.settimeout(20)
data, peer = s.recvfrom(2048)
s.sendto(b"client\n", peer)
print("%s:%d" % peer)
'

# rs_request I PORT CALLID: real server I sends a SIP request from its
# service port (80) to the client's port PORT; prints whether the answer
# came back and where the client saw the request come from.
rs_request() {
	local i=$1 ns seen answer from
	ns=rs$i
	seen=$(mktemp -d)
	ip netns exec "$client" python3 -c "$CLIENT_PEER" "$2" "$seen/ready" > "$seen/peer" 2>&1 &
	busywait "$BUSYWAIT_TIMEOUT" test -e "$seen/ready"
	answer=$(printf 'BYE sip:c@10.0.0.2 SIP/2.0\r\nCall-ID: %s\r\nCSeq: 2 BYE\r\n\r\n' "$3" |
		ip netns exec "${!ns}" socat -t 3 -T 3 - "UDP:10.0.0.2:$2,bind=${RS_ADDR[i]}:80,reuseaddr" 2>/dev/null |
		grep . || echo none)
	wait
	read -r from < "$seen/peer"
	rm -rf "$seen"
	echo "answer $answer, the client saw it from ${from:-nobody}"
}

# Who answered, per request: Call-ID a from three ports, then b, then a
# datagram without a Call-ID, then a again and b again from new ports;
# then a request real server rs2 starts.
dataplane_script() {
	local rs
	d ipvsadm -A -u $VIP:80 -s rr -p 60 --pe sip || return
	for rs in 1 2; do
		d ipvsadm -a -u $VIP:80 -r "${RS_ADDR[rs]}:80" -m || return
	done
	echo "a 31001: $(sip 80 31001 a84b4c76e66710@pc33.example.com)"
	echo "a 31002: $(sip 80 31002 a84b4c76e66710@pc33.example.com)"
	echo "b 31003: $(sip 80 31003 other-call-1)"
	echo "a 31004: $(sip 80 31004 a84b4c76e66710@pc33.example.com)"
	echo "none 31005: $(sip 80 31005 '')"
	echo "b 31006: $(sip 80 31006 other-call-1)"
	echo "c 31007: $(sip 80 31007 third)"
	# A request rs2 starts, with a Call-ID of its own (the engine's
	# conn_out): it comes from the virtual service, and the client's
	# requests of that call then go to rs2.
	echo "rs2 -> client: $(rs_request 2 40000 rs-call-7)"
	echo "rs-call-7 31008: $(sip 80 31008 rs-call-7)"
	# Connections and templates, expiry masked, in a stable order; the
	# /proc file also shows the templates' engine and Call-ID.
	d ipvsadm -Lnc | awk 'NR <= 2 { print; next } { $2 = "MM:SS"; print }' | sort
	d cat /proc/net/ip_vs_conn | awk 'NR == 1 { print; next } { $9 = "EXP"; print }' | sort
	echo "ip_vs_pe_sip users: $(use_count ip_vs_pe_sip)"
	d ipvsadm -Ln --stats | mask_size
	d ipvsadm -C
}

out=$(mktemp -d)
for impl in c rust; do
	ipvs_load $impl || exit $ksft_fail
	control_script | mask_size > "$out/ctl-$impl"
	setup_lvs 2 || { fail "setup_lvs failed ($impl)"; exit $ksft_fail; }
	dataplane_script > "$out/dp-$impl" 2>&1
	cleanup_all_ns
	ipvs_unload || exit $ksft_fail
done

if diff -u "$out/ctl-c" "$out/ctl-rust"; then
	echo "ok: control plane as C (${#cmds[@]} commands)"
else
	fail "control plane: output differs from the C IPVS"
fi
if diff -u "$out/dp-c" "$out/dp-rust"; then
	echo "ok: data plane as C"
else
	fail "data plane: output differs from the C IPVS"
fi
# What the run saw, for the log.
cat "$out/ctl-rust" "$out/dp-rust"
# The listings must show the engine at all, and the same Call-ID must
# have found the same server.
grep -q -- "--pe sip" "$out/ctl-rust" || fail "ipvsadm -S never showed --pe sip"
a1=$(sed -n 's/^a 31001: //p' "$out/dp-rust")
a4=$(sed -n 's/^a 31004: //p' "$out/dp-rust")
[ "$a1" != none ] && [ "$a1" = "$a4" ] || fail "Call-ID a went to '$a1' then '$a4'"
grep -q '^none 31005: none$' "$out/dp-rust" || fail "a datagram without Call-ID was answered"
grep -q ' sip a84b4c76e66710@pc33.example.com$' "$out/dp-rust" ||
	fail "/proc/net/ip_vs_conn shows no template keyed by Call-ID a"
rm -rf "$out"
exit $RET
