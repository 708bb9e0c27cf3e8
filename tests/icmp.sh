#!/bin/bash
# ICMP errors about connections, ours against the C IPVS, with one real
# server (rs1) behind UDP and TCP services on ports 80 (NAT), 81 (direct
# routing), 82 (IP-in-IP tunnel) and a NAT UDP service on port 90, where
# nothing listens.
# - From the real server's side: rs1 answers a datagram to port 90 with a
#   port unreachable, which the client must get from VIP:90 (its UDP
#   socket, connected to VIP:90, sees the error with IP_RECVERR).
# - From the client's side: the client sends errors (unreachable, frag
#   needed with an MTU, time exceeded, source quench, a wrong checksum, one
#   about no connection) quoting packets VIP:port -> client of existing
#   connections; rs1 must receive them (raw socket) translated for NAT
#   (rs1 -> client quoted, rs1 the destination), unchanged for DR and the
#   tunnel, TTL decremented, checksums right.
# Both IPVS must print the same, and count the same packets: the UDP
# services' counters, and what every destination counted while the errors
# went through. (A TCP request's own packets are not compared: whether the
# client acknowledges the server's data and FIN in one packet or two
# varies from run to run, with either IPVS.)
. "$(dirname "$0")/lib.sh"
set -u
tmp=$(mktemp -d)
trap 'cleanup_all_ns; ipvs_unload >/dev/null 2>&1; rm -rf "$tmp"' EXIT
need_tools socat ipvsadm python3
tool=$(cd "$(dirname "$0")" && pwd)/icmp_tool.py
CLIENT=10.0.0.2

# The errors the client sends: type,code,info,proto,vport,cport[,bad].
# shellcheck disable=SC2054  # the commas are inside each element
errors=(
	3,3,0,udp,80,41801 3,4,1000,udp,80,41801 11,0,0,udp,80,41801
	4,0,0,udp,80,41801 3,1,0,udp,80,41801,bad 3,3,0,tcp,80,41802
	3,3,0,udp,81,41811 3,4,1000,udp,81,41811 3,3,0,tcp,81,41812
	3,3,0,udp,82,41821 3,4,1000,udp,82,41821
	3,3,0,udp,80,41899
)

# counters: each destination's counters, after its service's protocol.
counters() {
	d ipvsadm -Ln --stats | awk '$1 == "TCP" || $1 == "UDP" { p = $1 }
		/->/ && $2 != "RemoteAddress:Port" { print p, $2, $3, $4, $5, $6, $7 }'
}

scenario() {
	local s port method p ready cap before now
	setup_lvs 1 || { echo "setup failed"; return; }
	for s in "80 -m" "81 -g" "82 -i"; do
		read -r port method <<<"$s"
		for p in -t -u; do
			d ipvsadm -A $p "$VIP:$port" -s rr
			d ipvsadm -a $p "$VIP:$port" -r "${RS_ADDR[1]}:$port" "$method"
		done
	done
	d ipvsadm -A -u "$VIP:90" -s rr
	d ipvsadm -a -u "$VIP:90" -r "${RS_ADDR[1]}:90" -m

	echo "port 90: $(ip netns exec "$client" python3 "$tool" recverr "$VIP" 90 40090)"

	echo "requests: $(ask udp 80 41801) $(ask tcp 80 41802) $(ask udp 81 41811)" \
		"$(ask tcp 81 41812) $(ask udp 82 41821)"
	before=$(counters)
	ready=$tmp/ready
	rm -f "$ready" "$tmp/capture"
	# shellcheck disable=SC2154  # setup_lvs names the namespace rs1
	ip netns exec "$rs1" python3 "$tool" capture "$tmp/capture" "$ready" &
	cap=$!
	busywait "$BUSYWAIT_TIMEOUT" test -e "$ready" || echo "capture did not start"
	ip netns exec "$client" python3 "$tool" send "$VIP" "$CLIENT" "${errors[@]}"
	sleep 2
	kill "$cap" 2>/dev/null
	wait "$cap" 2>/dev/null
	echo "rs1 received:"
	sort "$tmp/capture"
	now=$(counters)
	echo "UDP counters:"
	grep '^UDP' <<<"$now"
	echo "counted during the errors:"
	paste -d ' ' <(echo "$before") <(echo "$now") |
		awk '{ printf "%s %s", $1, $2; for (i = 3; i <= 7; i++) printf " %d", $(i + 7) - $i; print "" }'
}

c_vs_ours scenario "errors, translations and counters"

# What C does, spelled out, so that a change in both cannot pass unnoticed.
check_match "port 90" "port 90: error Connection refused type=3 code=3 info=0 from $VIP" \
	"$(grep '^port 90:' <<<"$out")"
check_match "requests" "requests: rs1 rs1 rs1 rs1 rs1" "$(grep '^requests:' <<<"$out")"
rs=${RS_ADDR[1]}
for want in \
	"$CLIENT>$rs ttl=63 type=3 code=3 info=0 quoted udp $rs:80>$CLIENT:41801 csum=ok" \
	"$CLIENT>$rs ttl=63 type=3 code=4 info=1000 quoted udp $rs:80>$CLIENT:41801 csum=ok" \
	"$CLIENT>$rs ttl=63 type=11 code=0 info=0 quoted udp $rs:80>$CLIENT:41801 csum=ok" \
	"$CLIENT>$rs ttl=63 type=4 code=0 info=0 quoted udp $rs:80>$CLIENT:41801 csum=ok" \
	"$CLIENT>$rs ttl=63 type=3 code=3 info=0 quoted tcp $rs:80>$CLIENT:41802 csum=ok" \
	"$CLIENT>$VIP ttl=63 type=3 code=3 info=0 quoted udp $VIP:81>$CLIENT:41811 csum=ok" \
	"$CLIENT>$VIP ttl=63 type=3 code=4 info=1000 quoted udp $VIP:81>$CLIENT:41811 csum=ok" \
	"$CLIENT>$VIP ttl=63 type=3 code=3 info=0 quoted tcp $VIP:81>$CLIENT:41812 csum=ok" \
	"$CLIENT>$VIP ttl=63 type=3 code=3 info=0 quoted udp $VIP:82>$CLIENT:41821 csum=ok" \
	"$CLIENT>$VIP ttl=63 type=3 code=4 info=1000 quoted udp $VIP:82>$CLIENT:41821 csum=ok"; do
	grep -qxF "$want" <<<"$out" || fail "rs1 did not receive: $want"
done
check_match "the error about the NAT TCP connection, counted in" \
	"TCP $rs:80 0 1 0 [1-9][0-9]* 0" "$(grep "^TCP $rs:80 " <<<"$out")"
grep -q ':41899' <<<"$out" && fail "an error about no connection reached rs1"
exit $RET
