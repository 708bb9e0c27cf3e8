#!/bin/bash
# Rate estimation, ours against the C IPVS. The client opens TCP
# connections at a steady pace through a round-robin NAT service to two
# real servers for 8 s, and the rates are read (snapshot "run", at the
# end of that traffic), again 6 s after it ("idle"), right after
# ipvsadm -Z ("zeroed"), 3 s later with no traffic ("still"), and at the
# end of a second, 6 s burst of traffic ("again"). Each snapshot has the service's
# and the destinations' rates (ipvsadm -Ln --rate --exact) and the
# namespace's counters and rates (/proc/net/ip_vs_stats).
#
# With each IPVS: at "run" every rate of the service and of the totals,
# and every destination's connection and packet rates, are nonzero; at
# "idle" each of them is lower than at "run" (they decay); at "zeroed" the
# rates and the total counters are 0, and at "still" the rates are still 0
# (the first sample after -Z counts only what came since the sample before
# it); at "again" they are nonzero once more. Those verdicts must be the
# same for ours as for C. And our "run" rates of the service and the totals
# must be within a factor of 3 of C's (or 2 apart, for the small connection
# rates): the estimators sample at different moments, and a TCG guest on a
# busy host keeps the pace only roughly.
#
# The guest can be slow enough here for the real servers to take more than
# the default 20 s to start: wait up to 90 s for anything.
: "${WAIT_TIMEOUT:=90}"
. "$(dirname "$0")/lib.sh"
set -u
tmp=$(mktemp -d)
trap 'cleanup_all_ns; ipvs_unload >/dev/null 2>&1; rm -rf "$tmp"' EXIT
need_tools ipvsadm python3

# The client: TCP connections to VIP:80 at CPS a second for SECS seconds,
# each reading the server's answer.
CPS=10
CLIENT='
import socket, sys, time
vip, secs, cps = sys.argv[1], float(sys.argv[2]), float(sys.argv[3])
start = time.monotonic()
n = 0
while n / cps < secs:
    wait = start + n / cps - time.monotonic()
    if wait > 0:
        time.sleep(wait)
    n += 1
    try:
        with socket.create_connection((vip, 80), timeout=2) as s:
            s.recv(64)
    except OSError:
        pass
'

# traffic SECS: runs the client in the background; $traffic is its pid.
traffic() {
	ip netns exec "$client" python3 -c "$CLIENT" "$VIP" "$1" "$CPS" &
	traffic=$!
}

# snap NAME: appends the snapshot NAME to $out, one line each:
#   NAME svc CPS INPPS OUTPPS INBPS OUTBPS
#   NAME dst:ADDR CPS INPPS OUTPPS INBPS OUTBPS
#   NAME tot CPS INPPS OUTPPS INBPS OUTBPS
#   NAME cnt CONNS INPKTS OUTPKTS INBYTES OUTBYTES
# The proc file is read through a process in the director's namespace
# (each extra process costs a second here).
snap() {
	local name=$1 l c i o ib ob
	ip netns exec "$director" ipvsadm -Ln --rate --exact | while read -r -a l; do
		case ${l[0]} in
		TCP) echo "$name svc ${l[*]:2:5}" ;;
		'->') [ ${#l[@]} -ge 7 ] && echo "$name dst:${l[1]} ${l[*]:2:5}" ;;
		esac
	done >>"$out"
	mapfile -t l <"/proc/$anchor/net/ip_vs_stats"
	read -r c i o ib ob <<<"${l[2]}"
	echo "$name cnt $((16#$c)) $((16#$i)) $((16#$o)) $((16#$ib)) $((16#$ob))" >>"$out"
	read -r c i o ib ob <<<"${l[5]}"
	echo "$name tot $((16#$c)) $((16#$i)) $((16#$o)) $((16#$ib)) $((16#$ob))" >>"$out"
}

in_director() {
	[ "/proc/$anchor/ns/net" -ef "/run/netns/$director" ]
}

# scenario IMPL: the topology and the traffic, snapshots into $tmp/IMPL.
scenario() {
	local i
	out=$tmp/$1
	: >"$out"
	setup_lvs 2 || { echo "setup failed: $?" >>"$out"; return 1; }
	ip netns exec "$director" sleep 600 &
	anchor=$!
	busywait "$BUSYWAIT_TIMEOUT" in_director || { echo "no anchor" >>"$out"; return 1; }
	ip netns exec "$director" ipvsadm -A -t "$VIP:80" -s rr || return
	for i in 1 2; do
		ip netns exec "$director" ipvsadm -a -t "$VIP:80" -r "${RS_ADDR[i]}:80" -m || return
	done
	traffic 8
	wait "$traffic"
	snap run
	sleep 6
	snap idle
	ip netns exec "$director" ipvsadm -Z || return
	snap zeroed
	sleep 3
	snap still
	traffic 6
	wait "$traffic"
	snap again
	kill "$anchor" 2>/dev/null
	return 0
}

declare -A V

# load IMPL: V["IMPL SNAP KIND"] = the five numbers of that line.
load() {
	local name kind rest
	while read -r name kind rest; do
		V["$1 $name $kind"]=$rest
	done <"$tmp/$1"
}

# verdicts IMPL: what the snapshots of IMPL show, one line per check.
verdicts() {
	local impl=$1 kind r n a b k all_pos lower zero key
	local -a run idle
	for kind in svc tot dst; do
		for key in "${!V[@]}"; do
			[[ $key == "$impl run $kind"* ]] || continue
			k=${key#"$impl run "}
			read -r -a run <<<"${V[$key]}"
			read -r -a idle <<<"${V["$impl idle $k"]:-}"
			# Destinations: the connection and packet rates.
			n=5
			[ "$kind" = dst ] && n=3
			all_pos=yes lower=yes
			for ((r = 0; r < n; r++)); do
				a=${run[r]:-0} b=${idle[r]:-0}
				((a > 0)) || all_pos=no
				((b < a)) || lower=no
			done
			echo "$k: nonzero while traffic runs: $all_pos; lower 6 s after: $lower"
		done | sort
	done
	for key in "${!V[@]}"; do
		[[ $key == "$impl zeroed "* || $key == "$impl still "* ]] || continue
		zero=yes
		for r in ${V[$key]}; do ((r == 0)) || zero=no; done
		echo "${key#"$impl "}: all 0: $zero"
	done | sort
	for kind in svc tot; do
		read -r -a run <<<"${V["$impl again $kind"]:-}"
		echo "again $kind: connections and packets again: $(
			((${run[0]:-0} > 0 && ${run[1]:-0} > 0 && ${run[2]:-0} > 0)) && echo yes || echo no
		)"
	done
}

# Our "run" rates of the service and the totals against C's.
compare() {
	local kind r c o
	local -a crun orun names=(CPS InPPS OutPPS InBPS OutBPS)
	for kind in svc tot; do
		read -r -a crun <<<"${V["c run $kind"]:-}"
		read -r -a orun <<<"${V["$IPVS_IMPL run $kind"]:-}"
		for ((r = 0; r < 5; r++)); do
			c=${crun[r]:-0} o=${orun[r]:-0}
			((o > 0 && c > 0 && ((o * 3 >= c && o <= c * 3) || (o - c) ** 2 <= 4))) ||
				fail "$kind ${names[r]}: ours $o, C $c: not within a factor of 3"
		done
	done
}

for impl in c "$IPVS_IMPL"; do
	ipvs_load "$impl" || exit $ksft_fail
	scenario "$impl" || fail "$impl: the scenario failed"
	cleanup_all_ns
	load "$impl"
	echo "# $impl:"
	sed 's/^/#   /' "$tmp/$impl"
done

c_verdicts=$(verdicts c)
ours=$(verdicts "$IPVS_IMPL")
echo "# verdicts ($IPVS_IMPL):"
printf '%s\n' "$ours" | sed 's/^/#   /'
check_eq "verdicts, against C" "$c_verdicts" "$ours"
if grep -Eq ': no(;|$)' <<<"$ours"; then
	fail "a rate did not behave as expected"
fi
for s in zeroed still; do
	grep -q "^$s svc: all 0: yes" <<<"$ours" || fail "$s: the service's rates are not 0"
done
compare
exit $RET
