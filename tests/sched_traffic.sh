#!/bin/bash
# The schedulers on real traffic, ours against the C IPVS: the same TCP
# connections through NAT services of each scheduler must reach the same
# real servers, and leave the same connection counters, with both.
#
# Four real servers: rs1 of weight 3 and upper threshold 5, rs2 of weight 1,
# rs3 of weight 2 and rs4 of weight 0. For each round (rr wrr lc wlc sed nq
# dh sh lblc lblcr fo ovf mh, and sh and mh with sh-port/mh-port,
# sh-fallback/mh-fallback and both) the client makes 18 connections from 12
# of its addresses (10.0.0.3-20) and distinct ports, to one virtual address,
# or three for the destination-hashing dh, lblc and lblcr; every other one
# is held open till the end of the phase, so that the schedulers see active
# and inactive connections. Then rs3 is deleted, the others edited (rs4 gets
# a weight, rs1 a higher threshold), rs3 added back from the trash, and 18
# more connections go. After each phase the destinations' counters are read.
# A "-" is a connection refused: no destination available (sh, dh and mh
# without fallback, for clients hashed to rs4 or an overloaded rs1; ovf when
# every server is over its weight).
#
# twos picks at random: 40 connections in one phase, checked against bounds
# that hold whatever the draws (rs1 gets at most 5 by its threshold, rs4 of
# weight 0 none, nothing is refused) and bounds that fail with a chance
# below 1e-6 for a correct twos (each of rs1-rs3 gets at least one: rs2,
# the least likely, is drawn with a chance of at least 1/4 per pick and is
# then chosen while it has fewer connections per weight than the other).
#
# tests/sched_traffic_client.py makes all the traffic in one process.
. "$(dirname "$0")/lib.sh"
set -u
tmp=$(mktemp -d)
trap 'cleanup_all_ns; ipvs_unload >/dev/null 2>&1; rm -rf "$tmp"' EXIT
need_tools ipvsadm python3
client_py=$(dirname "$0")/sched_traffic_client.py

# scenario: the topology, then the client's traffic; prints what it saw.
scenario() {
	local i batch=
	setup_lvs 4 || { echo "setup failed"; return 1; }
	for ((i = 3; i <= 20; i++)); do
		batch+="addr add 10.0.0.$i/24 dev veth0"$'\n'
	done
	ip -n "$client" -batch - <<<"$batch" || return
	# The virtual addresses 10.1.R.J: on lo, so all of 10.1/16 is local.
	ip -n "$director" addr add 10.1.0.1/16 dev lo || return
	# shellcheck disable=SC2154  # setup_lvs sets rs1-rs4
	ip netns exec "$client" python3 "$client_py" "$director" "$rs1" "$rs2" "$rs3" "$rs4"
}

# run_impl IMPL: the scenario with IMPL's IPVS, into $tmp/IMPL.
run_impl() {
	local rc
	ipvs_load "$1" || return
	scenario >"$tmp/$1" 2>&1
	rc=$?
	cleanup_all_ns
	[ $rc = 0 ] || fail "$1: the scenario exited $rc: $(tail -n 5 "$tmp/$1")"
}

# split FILE: sets det to its deterministic lines, twos to the answers of
# twos, timeouts to the count of connections that timed out.
split() {
	local line
	det='' twos='' timeouts=
	while IFS= read -r line; do
		case $line in
		'random twos: '*) twos=${line#random twos: } ;;
		'timeouts: '*) timeouts=${line#timeouts: } ;;
		*) det+=$line$'\n' ;;
		esac
	done <"$1"
}

# check_out IMPL: what holds for any correct IPVS.
check_out() {
	local impl=$1 line name answers w
	local -A n seen
	[[ $det == *"ipvsadm -R failed"* ]] && fail "$impl: ipvsadm -R failed"
	[[ $det == *missing* ]] && fail "$impl: a service is missing from /proc/net/ip_vs"
	# Each round reaches at least two servers (else it would test little).
	while IFS= read -r line; do
		[[ $line =~ ^([a-z,-]+)\ [12]:\ (.*)$ ]] || continue
		name=${BASH_REMATCH[1]} answers=${BASH_REMATCH[2]}
		for w in $answers; do
			[ "$w" = - ] || seen[$name]+=" $w"
		done
	done <<<"$det"
	[ ${#seen[@]} = 19 ] || fail "$impl: ${#seen[@]} of 19 rounds answered"
	for name in "${!seen[@]}"; do
		n=()
		for w in ${seen[$name]}; do n[$w]=1; done
		[ ${#n[@]} -ge 2 ] || fail "$impl: round $name reached only ${!n[*]}"
	done
	n=([rs1]=0 [rs2]=0 [rs3]=0 [rs4]=0 [none]=0)
	for w in $twos; do
		[ "$w" = - ] && w=none
		n[$w]=$((${n[$w]:-0} + 1))
	done
	echo "# $impl twos: rs1 ${n[rs1]}, rs2 ${n[rs2]}, rs3 ${n[rs3]}, rs4 ${n[rs4]}, refused ${n[none]}; timeouts: ${timeouts:-?}"
	[ $((n[rs1] + n[rs2] + n[rs3])) = 40 ] ||
		fail "$impl twos: not 40 answers from rs1-rs3"
	((n[rs1] >= 1 && n[rs1] <= 5)) || fail "$impl twos: rs1 (threshold 5) got ${n[rs1]}"
	((n[rs2] >= 1 && n[rs3] >= 1)) || fail "$impl twos: rs2 or rs3 got none"
}

run_impl c || exit $ksft_fail
run_impl "$IPVS_IMPL" || exit $ksft_fail
split "$tmp/c"
c_det=$det
check_out c
split "$tmp/$IPVS_IMPL"
echo "# $IPVS_IMPL:"
printf '%s' "$det" | sed 's/^/#   /'
check_out "$IPVS_IMPL"
check_eq "the servers reached and the counters" "$c_det" "$det"
exit $RET
