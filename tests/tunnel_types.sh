#!/bin/bash
# GUE and GRE tunnels, ours against the C IPVS. rs1 takes GUE on UDP port
# 6080 (ip fou), rs2 GRE without checksums (gre0), rs3 GRE with them (a
# GRE device with icsum: a tunnel drops packets whose checksum flag is
# not its own), all handing the inner packet to their own stack. Three
# services with rr: UDP 82 to rs1 and rs2 without checksums, TCP 82 to
# rs1 and rs3 with the outer checksums (--tun-csum), TCP 83 to rs1 with
# GUE remote checksum offload (--tun-remcsum) and to rs2. Who answered,
# what each server received (outer and encapsulation headers, read by
# tunnel_sniff.py on its eth0), the listing with tunnel information and
# the counters must be the same with both.
. "$(dirname "$0")/lib.sh"
set -u
tmp=$(mktemp -d)
trap 'cleanup_all_ns; ipvs_unload >/dev/null 2>&1; rm -rf "$tmp"' EXIT
need_tools socat ipvsadm python3
sniff=$(cd "$(dirname "$0")" && pwd)/tunnel_sniff.py
tool=$(cd "$(dirname "$0")" && pwd)/icmp_tool.py
GUE_PORT=6080

# sniffing: whether the servers' sniffers listen.
sniffing() {
	test -e "$tmp/ready-1" -a -e "$tmp/ready-2" -a -e "$tmp/ready-3"
}

scenario() {
	local i ns pids=()
	setup_lvs 3 || { echo "setup failed"; return; }
	# shellcheck disable=SC2154  # setup_lvs names the namespaces rs1...
	ip -n "$rs1" fou add port "$GUE_PORT" gue
	ip -n "$rs2" link set gre0 up
	ip netns exec "$rs2" sysctl -qw net.ipv4.conf.gre0.rp_filter=0
	ip -n "$rs3" link add gre1 type gre local "${RS_ADDR[3]}" icsum
	ip -n "$rs3" link set gre1 up
	ip netns exec "$rs3" sysctl -qw net.ipv4.conf.gre1.rp_filter=0
	rm -f "$tmp"/sniff-* "$tmp"/ready-*
	for i in 1 2 3; do
		ns=rs$i
		ip netns exec "${!ns}" python3 "$sniff" eth0 "$tmp/sniff-$i" "$tmp/ready-$i" &
		pids+=($!)
	done
	busywait "$BUSYWAIT_TIMEOUT" sniffing || echo "sniffers did not start"
	d ipvsadm -A -u "$VIP:82" -s rr
	d ipvsadm -a -u "$VIP:82" -r "${RS_ADDR[1]}" -i --tun-type gue --tun-port "$GUE_PORT"
	d ipvsadm -a -u "$VIP:82" -r "${RS_ADDR[2]}" -i --tun-type gre
	d ipvsadm -A -t "$VIP:82" -s rr
	d ipvsadm -a -t "$VIP:82" -r "${RS_ADDR[1]}" -i --tun-type gue --tun-port "$GUE_PORT" --tun-csum
	d ipvsadm -a -t "$VIP:82" -r "${RS_ADDR[3]}" -i --tun-type gre --tun-csum
	d ipvsadm -A -t "$VIP:83" -s rr
	d ipvsadm -a -t "$VIP:83" -r "${RS_ADDR[1]}" -i --tun-type gue --tun-port "$GUE_PORT" --tun-remcsum
	d ipvsadm -a -t "$VIP:83" -r "${RS_ADDR[2]}" -i --tun-type gre
	echo "udp 82: $(ask udp 82 43001) $(ask udp 82 43002) $(ask udp 82 43003) $(ask udp 82 43004)"
	echo "tcp 82: $(ask tcp 82 43011) $(ask tcp 82 43012)"
	echo "tcp 83: $(ask tcp 83 43021) $(ask tcp 83 43022)"
	sleep 1
	kill "${pids[@]}" 2>/dev/null
	wait "${pids[@]}" 2>/dev/null
	for i in 1 2 3; do
		echo "rs$i received:"
		sort -u "$tmp/sniff-$i"
	done
	# Without the header line: C's shows its table's current size.
	d ipvsadm -Ln --tun-info | sed 1d
	# For TCP only the connections: whether the client's last ACK and its
	# FIN leave as one packet or two depends on timing.
	echo "destinations:"
	d ipvsadm -Ln --stats | awk '/^(TCP|UDP) / { proto = $1 }
		/->/ && $2 != "RemoteAddress:Port" {
			if (proto == "UDP") print $2, $3, $4, $5, $6, $7; else print $2, $3 }'
	d sysctl -qw net.ipv4.vs.pmtu_disc=0
	echo "big, pmtu_disc=0: $(big 43031) / $(big 43032)"
	d sysctl -qw net.ipv4.vs.pmtu_disc=1
	echo "big, pmtu_disc=1: $(big 43033)"
}

# big SPORT: a datagram of 1490 bytes with DF from the client's port SPORT
# to UDP 82 of the virtual service; the answer or the error.
big() {
	ip netns exec "$client" python3 "$tool" recverr "$VIP" 82 "$1" 1462
}

c_vs_ours scenario "answers, tunnel packets, listing and counters"

# What C does, spelled out.
# rr starts at the destination added last.
check_eq "answers" "udp 82: rs2 rs1 rs2 rs1
tcp 82: rs3 rs1
tcp 83: rs2 rs1" "$(grep -E '^(udp|tcp) 8' <<<"$out")"
received() {
	sed -n "/^rs$1 received:/,/^[^0-9]/p" <<<"$out" | grep '^[0-9]'
}
# GUE: UDP to the tunnel port, a 4-byte header carrying IP in IP; with
# remote checksum offload (when the client left its checksum to the
# device) 8 more bytes: the private flag word and the checksum offsets.
check_match "GUE without checksum" \
	"192.168.100.1>192.168.100.11 df=1 udp dport=$GUE_PORT len=ok check=none gue=00040000 inner udp 10.0.0.2>$VIP:82" \
	"$(received 1 | grep 'inner udp')"
check_match "GUE with checksum" \
	"192.168.100.1>192.168.100.11 df=1 udp dport=$GUE_PORT len=ok check=set gue=00040000 inner tcp 10.0.0.2>$VIP:82" \
	"$(received 1 | grep 'inner tcp.*:82$')"
# The client's TCP leaves its checksum to the device (veth keeps it so):
# GUE's private flags say "remote checksum", which starts 20 bytes into
# the inner packet and goes 16 bytes further.
check_match "GUE with remote checksum offload" \
	"192.168.100.1>192.168.100.11 df=1 udp dport=$GUE_PORT len=ok check=set gue=020400018000000000140024 inner tcp 10.0.0.2>$VIP:83" \
	"$(received 1 | grep 'inner tcp.*:83$')"
# rr sends the first two to rs2 (GRE) and rs1 (GUE); the third, to rs2,
# gets the MTU less the IPv4 and GRE headers.
check_match "path MTU discovery" \
	"big, pmtu_disc=0: answer rs2 / answer rs1
big, pmtu_disc=1: error Message too long type=3 code=4 info=1476 from $VIP" \
	"$(grep '^big' <<<"$out")"
check_match "GRE without checksum" \
	"192.168.100.1>192.168.100.12 df=1 gre hdr=00000800 inner udp 10.0.0.2>$VIP:82" \
	"$(received 2 | grep 'inner udp')"
check_match "GRE with checksum" \
	"192.168.100.1>192.168.100.13 df=1 gre hdr=80000800 inner tcp 10.0.0.2>$VIP:82" \
	"$(received 3 | grep 'inner tcp.*:82$')"
exit $RET
