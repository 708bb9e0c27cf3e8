#!/bin/bash
# ICMP errors about this host's tunnel packets, ours against the C IPVS:
# UDP services on port 82 tunnel to rs1 in IP in IP, on port 83 to rs1 in
# GUE, on port 81 to rs2 in GRE; the client makes two connections to the
# first, one to each other. Then rs1, standing for a router on the
# tunnel's path, sends the director errors quoting the tunnel packets of
# those connections: a "fragmentation needed" (MTU 1400) and a port
# unreachable, which must reach the client from the virtual service about
# its own packet (the MTU less the tunnel headers, from the route to rs1
# as it stands); a "fragmentation needed" (MTU 1300) about a packet
# without DF, which only lowers the path MTU, and an error about no
# connection, which must not reach the client; then a "fragmentation
# needed" (MTU 1250) quoting the GUE packet. rs2 sends a port unreachable
# quoting the GRE one. The path MTU to rs1, what the client got, and the
# destinations' counters must be the same with both.
# (GRE and IP in IP go to different servers: C finds the tunnel of an
# error by the server's address alone, the first destination it meets
# with that address, so with both to one server it relays the errors of
# only one of them.)
. "$(dirname "$0")/lib.sh"
set -u
tmp=$(mktemp -d)
trap 'cleanup_all_ns; ipvs_unload >/dev/null 2>&1; rm -rf "$tmp"' EXIT
need_tools socat ipvsadm python3
tool=$(cd "$(dirname "$0")" && pwd)/icmp_tool.py
CLIENT=10.0.0.2
DIRECTOR=192.168.100.1
GUE_PORT=6080

scenario() {
	local ready cap
	setup_lvs 2 || { echo "setup failed"; return; }
	# shellcheck disable=SC2154  # setup_lvs names the namespaces rs1, rs2
	ip -n "$rs1" fou add port "$GUE_PORT" gue
	ip -n "$rs2" link set gre0 up
	ip netns exec "$rs2" sysctl -qw net.ipv4.conf.gre0.rp_filter=0
	d ipvsadm -A -u "$VIP:82" -s rr
	d ipvsadm -a -u "$VIP:82" -r "${RS_ADDR[1]}:82" -i
	d ipvsadm -A -u "$VIP:83" -s rr
	d ipvsadm -a -u "$VIP:83" -r "${RS_ADDR[1]}:83" -i --tun-type gue --tun-port "$GUE_PORT"
	d ipvsadm -A -u "$VIP:81" -s rr
	d ipvsadm -a -u "$VIP:81" -r "${RS_ADDR[2]}:81" -i --tun-type gre
	echo "requests: $(ask udp 82 42801) $(ask udp 82 42802) $(ask udp 83 42803) $(ask udp 81 42804)"
	ready=$tmp/ready
	rm -f "$ready" "$tmp/capture"
	ip netns exec "$client" python3 "$tool" capture "$tmp/capture" "$ready" &
	cap=$!
	busywait "$BUSYWAIT_TIMEOUT" test -e "$ready" || echo "capture did not start"
	ip netns exec "$rs1" python3 "$tool" tunnel "$DIRECTOR" "${RS_ADDR[1]}" "$VIP" "$CLIENT" \
		3,4,1400,udp,82,42801 3,3,0,udp,82,42802 3,4,1300,udp,82,42801,nodf \
		3,3,0,udp,82,42899 3,4,1250,udp,83,42803,gue=$GUE_PORT
	ip netns exec "$rs2" python3 "$tool" tunnel "$DIRECTOR" "${RS_ADDR[2]}" "$VIP" "$CLIENT" \
		3,3,0,udp,81,42804,gre
	sleep 2
	kill "$cap" 2>/dev/null
	wait "$cap" 2>/dev/null
	echo "client received:"
	sort "$tmp/capture"
	echo "path to rs1: $(d ip route get "${RS_ADDR[1]}" | grep -o 'mtu [0-9]*' || echo "no mtu")"
	echo "destinations:"
	d ipvsadm -Ln --stats | awk '/->/ && $2 != "RemoteAddress:Port" { print $2, $3, $4, $5, $6, $7 }'
}

c_vs_ours scenario "errors relayed, path MTU and counters"

# What C does, spelled out. The MTU the client learns is that of the route
# kept to the server (1500 on the veth) less the tunnel's headers: 20
# bytes for IP in IP, 32 for GUE (IPv4, UDP, GUE).
check_eq "requests" "requests: rs1 rs1 rs1 rs2" "$(grep '^requests:' <<<"$out")"
received=$(sed -n '/^client received:/,/^path to rs1:/p' <<<"$out" | sed '1d;$d')
check_match "errors the client got" \
"$VIP>$CLIENT ttl=[0-9]+ type=3 code=3 info=0 quoted udp $CLIENT:42802>$VIP:82 csum=ok
$VIP>$CLIENT ttl=[0-9]+ type=3 code=3 info=0 quoted udp $CLIENT:42804>$VIP:81 csum=ok
$VIP>$CLIENT ttl=[0-9]+ type=3 code=4 info=1468 quoted udp $CLIENT:42803>$VIP:83 csum=ok
$VIP>$CLIENT ttl=[0-9]+ type=3 code=4 info=1480 quoted udp $CLIENT:42801>$VIP:82 csum=ok" \
	"$received"
# Lowered by each "fragmentation needed", with DF or without, in any tunnel.
check_eq "path MTU" "path to rs1: mtu 1250" "$(grep '^path to rs1:' <<<"$out")"
exit $RET
