#!/bin/bash
# ICMP errors about this host's IP-in-IP packets, ours against the C IPVS:
# UDP services on port 82 tunnel to rs1; the client makes two
# connections. Then rs1, standing for a router on the tunnel's path, sends
# the director errors quoting the tunnel packets of those connections: a
# "fragmentation needed" (MTU 1400) and a port unreachable, which must
# reach the client from the virtual service about its own packet (the MTU
# less the tunnel header, from the route to rs1 as it stands); a
# "fragmentation needed" (MTU 1300) about a packet without DF, which only
# lowers the path MTU, and an error about no connection, which must not
# reach the client. The path MTU to rs1, what the client got,
# and the destination's counters must be the same with both.
. "$(dirname "$0")/lib.sh"
set -u
tmp=$(mktemp -d)
trap 'cleanup_all_ns; ipvs_unload >/dev/null 2>&1; rm -rf "$tmp"' EXIT
need_tools socat ipvsadm python3
tool=$(cd "$(dirname "$0")" && pwd)/icmp_tool.py
CLIENT=10.0.0.2
DIRECTOR=192.168.100.1

scenario() {
	local ready cap
	setup_lvs 1 || { echo "setup failed"; return; }
	d ipvsadm -A -u "$VIP:82" -s rr
	d ipvsadm -a -u "$VIP:82" -r "${RS_ADDR[1]}:82" -i
	echo "requests: $(ask udp 82 42801) $(ask udp 82 42802)"
	ready=$tmp/ready
	rm -f "$ready" "$tmp/capture"
	ip netns exec "$client" python3 "$tool" capture "$tmp/capture" "$ready" &
	cap=$!
	busywait "$BUSYWAIT_TIMEOUT" test -e "$ready" || echo "capture did not start"
	# shellcheck disable=SC2154  # setup_lvs names the namespace rs1
	ip netns exec "$rs1" python3 "$tool" tunnel "$DIRECTOR" "${RS_ADDR[1]}" "$VIP" "$CLIENT" \
		3,4,1400,udp,82,42801 3,3,0,udp,82,42802 3,4,1300,udp,82,42801,nodf \
		3,3,0,udp,82,42899
	sleep 2
	kill "$cap" 2>/dev/null
	wait "$cap" 2>/dev/null
	echo "client received:"
	sort "$tmp/capture"
	echo "path to rs1: $(d ip route get "${RS_ADDR[1]}" | grep -o 'mtu [0-9]*' || echo "no mtu")"
	echo "destination:"
	d ipvsadm -Ln --stats | awk '/->/ && $2 != "RemoteAddress:Port" { print $2, $3, $4, $5, $6, $7 }'
}

c_vs_ours scenario "errors relayed, path MTU and counters"

# What C does, spelled out.
check_eq "requests" "requests: rs1 rs1" "$(grep '^requests:' <<<"$out")"
received=$(sed -n '/^client received:/,/^path to rs1:/p' <<<"$out" | sed '1d;$d')
check_match "errors the client got" \
"$VIP>$CLIENT ttl=[0-9]+ type=3 code=3 info=0 quoted udp $CLIENT:42802>$VIP:82 csum=ok
$VIP>$CLIENT ttl=[0-9]+ type=3 code=4 info=1[0-9]{3} quoted udp $CLIENT:42801>$VIP:82 csum=ok" \
	"$received"
# Lowered by each "fragmentation needed", with DF or without.
check_eq "path MTU" "path to rs1: mtu 1300" "$(grep '^path to rs1:' <<<"$out")"
exit $RET
