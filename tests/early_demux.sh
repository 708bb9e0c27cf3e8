#!/bin/bash
# A request that early demux tied to a TIME-WAIT socket of the director,
# ours against the C IPVS. The director first serves TCP ports 81 to 83
# itself and closes first, so it keeps TIME-WAIT sockets for the client's
# ports 43101 to 43103. Then port 83 becomes a direct-routing service,
# port 82 a tunnelling one and port 81 a NAT one to a server on the
# director itself (10.0.0.1:84), and the client connects again from the
# same ports: the SYNs reach IPVS with those sockets attached, which must
# not go with the packets (ip_vs_drop_early_demux_sk()). The answers must
# come from rs1 and the local server, with no splat, as with C.
. "$(dirname "$0")/lib.sh"
set -u
trap 'cleanup_all_ns; ipvs_unload >/dev/null 2>&1' EXIT
need_tools socat ipvsadm ss

# serve PORT [ADDR [NAME]]: the director answers one connection on
# ADDR:PORT (VIP) itself with NAME (director).
serve() {
	d socat "TCP-LISTEN:$1,bind=${2:-$VIP},reuseaddr" SYSTEM:"echo ${3:-director}" &
	busywait "$BUSYWAIT_TIMEOUT" listening "$1"
}

# listening PORT: whether the director listens on PORT.
listening() {
	d ss -Htln "sport = :$1" | grep -q .
}

scenario() {
	setup_lvs 1 || { echo "setup failed"; return; }
	serve 83
	serve 82
	serve 81
	echo "first: $(ask tcp 83 43101) $(ask tcp 82 43102) $(ask tcp 81 43103)"
	echo "time-wait: $(d ss -Htan state time-wait | wc -l)"
	serve 84 10.0.0.1 local
	d ipvsadm -A -t "$VIP:83" -s rr
	d ipvsadm -a -t "$VIP:83" -r "${RS_ADDR[1]}" -g
	d ipvsadm -A -t "$VIP:82" -s rr
	d ipvsadm -a -t "$VIP:82" -r "${RS_ADDR[1]}" -i
	d ipvsadm -A -t "$VIP:81" -s rr
	d ipvsadm -a -t "$VIP:81" -r 10.0.0.1:84 -m
	echo "again: $(ask tcp 83 43101) $(ask tcp 82 43102) $(ask tcp 81 43103)"
	d ipvsadm -Ln --stats | awk '/->/ && $2 != "RemoteAddress:Port" { print $2, $3 }'
}

c_vs_ours scenario "answers and connections"

# What C does, spelled out.
check_eq "answers" "first: director director director
time-wait: 3
again: rs1 rs1 local" "$(grep -E '^(first|time-wait|again):' <<<"$out")"
exit $RET
