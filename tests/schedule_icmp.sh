#!/bin/bash
# The sysctl schedule_icmp: an ICMP error from a client about a packet of a
# virtual service that has no connection passes the director untouched
# when it is off; when on, it makes the connection the request it answers
# would have made, and goes on to that connection's real server, as an
# error about an existing connection does. Errors about UDP and TCP NAT
# services on port 80, a UDP direct-routing service on 81 and a UDP
# service without destinations on 90, off then on; what reaches the real
# server, the connection entries (listed at once: they live the first
# timeout of a new connection, 3 s) and the destinations' counters, ours
# against the C IPVS, and what C does spelled out.
. "$(dirname "$0")/lib.sh"
set -u
tmp=$(mktemp -d)
trap 'cleanup_all_ns; ipvs_unload >/dev/null 2>&1; rm -rf "$tmp"' EXIT
need_tools ipvsadm python3
tool=$(cd "$(dirname "$0")" && pwd)/icmp_tool.py
CLIENT=10.0.0.2

scenario() {
	local s ready cap p
	setup_lvs 1 || { echo "setup failed"; return; }
	for p in -t -u; do
		d ipvsadm -A $p "$VIP:80" -s rr
		d ipvsadm -a $p "$VIP:80" -r "${RS_ADDR[1]}:80" -m
	done
	d ipvsadm -A -u "$VIP:81" -s rr
	d ipvsadm -a -u "$VIP:81" -r "${RS_ADDR[1]}:81" -g
	d ipvsadm -A -u "$VIP:90" -s rr
	ready=$tmp/ready
	rm -f "$ready" "$tmp/capture"
	# shellcheck disable=SC2154  # setup_lvs names the namespace rs1
	ip netns exec "$rs1" python3 "$tool" capture "$tmp/capture" "$ready" &
	cap=$!
	busywait "$BUSYWAIT_TIMEOUT" test -e "$ready" || echo "capture did not start"
	for s in 0 1; do
		d sysctl -qw "net.ipv4.vs.schedule_icmp=$s"
		ip netns exec "$client" python3 "$tool" send "$VIP" "$CLIENT" \
			"3,3,0,udp,80,4${s}801" "3,3,0,tcp,80,4${s}802" \
			"3,4,1000,udp,81,4${s}811" "3,3,0,udp,90,4${s}890"
	done
	echo "connections:"
	d ipvsadm -Lnc | awk 'NR > 2 { print $1, $3, $4, $5, $6 }' | sort
	sleep 2
	kill "$cap" 2>/dev/null
	wait "$cap" 2>/dev/null
	echo "rs1 received:"
	sort "$tmp/capture"
	echo "destinations:"
	d ipvsadm -Ln --stats | awk '$1 == "TCP" || $1 == "UDP" { p = $1 }
		/->/ && $2 != "RemoteAddress:Port" { print p, $2, $3, $4, $5 }'
}

c_vs_ours scenario "connections, errors and counters"

rs=${RS_ADDR[1]}
# section NAME: the lines of $out under "NAME:", sorted.
section() {
	awk -v h="$1:" '/^[a-z0-9 ]+:$/ { on = ($0 == h); next } on' <<<"$out" | sort
}
# Only the errors sent with it on made connections and reached rs1: NAT
# ones translated, the direct-routing one as it was; the service without
# destinations dropped its error.
check_eq "connections" "$(printf '%s\n' "TCP NONE $CLIENT:41802 $VIP:80 $rs:80" \
	"UDP UDP $CLIENT:41801 $VIP:80 $rs:80" "UDP UDP $CLIENT:41811 $VIP:81 $rs:81" | sort)" \
	"$(section connections)"
check_eq "errors received" "$(printf '%s\n' \
	"$CLIENT>$VIP ttl=63 type=3 code=4 info=1000 quoted udp $VIP:81>$CLIENT:41811 csum=ok" \
	"$CLIENT>$rs ttl=63 type=3 code=3 info=0 quoted tcp $rs:80>$CLIENT:41802 csum=ok" \
	"$CLIENT>$rs ttl=63 type=3 code=3 info=0 quoted udp $rs:80>$CLIENT:41801 csum=ok" | sort)" \
	"$(section "rs1 received")"
exit $RET
