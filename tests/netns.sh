#!/bin/bash
# Network namespaces: each has its own IPVS table. Services set up in two
# namespaces and in the initial one are each listed only where they were
# added, and flushing one namespace leaves the others alone. Then 1,000
# services with 1,000 destinations (one `ipvsadm -R`) go into a third
# namespace, which is deleted with them in it: the IPVS modules must then
# unload (nothing holds them), and the harness's kmemleak scan after the
# test finds nothing. The same steps run on the C IPVS and on ours, and the
# listings must match.
# A namespace's teardown with 1,000 services takes a while in the debug
# guest: ipvs_unload waits up to 3 * WAIT_TIMEOUT (180 s by default).
. "$(dirname "$0")/lib.sh"
set -u
need_tools ipvsadm ip
tmp=$(mktemp -d)
trap 'cleanup_all_ns; ipvs_unload >/dev/null 2>&1; rm -rf "$tmp"' EXIT

# Each table as `ipvsadm -S -n` prints it, so also what -R is given.
rules_init='-A -t 10.0.0.3:80 -s wlc'
rules_ns1='-A -t 10.0.0.1:80 -s rr
-a -t 10.0.0.1:80 -r 192.168.1.2:80 -m -w 1'
rules_ns2='-A -u 10.0.0.2:53 -s wrr
-a -u 10.0.0.2:53 -r 192.168.1.3:53 -m -w 2'

# 1,000 services, ten schedulers, each with a destination.
scheds=(rr wrr lc wlc sh dh lblc lblcr sed mh)
for ((i = 0; i < 1000; i++)); do
	vip=10.1.$((i / 250)).$((i % 250 + 1))
	echo "-A -t $vip:80 -s ${scheds[i % 10]}"
	echo "-a -t $vip:80 -r 192.168.$((i / 250)).$((i % 250 + 1)):8080 -m -w 1"
done > "$tmp/many"

# run_impl IMPL: sets out to the listings, for the comparison with C.
run_impl() {
	local impl=$1 ns1 ns2 ns3 init in1 in2 many rules t0 t1 t2 t3
	ipvs_load "$impl" || return
	setup_ns ns1 ns2 ns3 || return
	ipvsadm -R <<<"$rules_init" || fail "$impl: ipvsadm -R in the initial namespace"
	ip netns exec "$ns1" ipvsadm -R <<<"$rules_ns1" || fail "$impl: ipvsadm -R in ns1"
	ip netns exec "$ns2" ipvsadm -R <<<"$rules_ns2" || fail "$impl: ipvsadm -R in ns2"

	init=$(ipvsadm -S -n 2>&1)
	in1=$(ip netns exec "$ns1" ipvsadm -S -n 2>&1)
	in2=$(ip netns exec "$ns2" ipvsadm -S -n 2>&1)
	check_eq "$impl: the initial namespace's rules" "$rules_init" "$init"
	check_eq "$impl: ns1's rules" "$rules_ns1" "$in1"
	check_eq "$impl: ns2's rules" "$rules_ns2" "$in2"
	out="$init"$'\n'"$in1"$'\n'"$in2"

	# -C in ns1 clears ns1 only.
	ip netns exec "$ns1" ipvsadm -C
	rules=$(ip netns exec "$ns1" ipvsadm -Ln 2>&1)
	# The three header lines, no service.
	check_match "$impl: ns1 after -C" "$(ipvs_header_re 0 c)"$'\nProt [^\n]*\n  -> [^\n]*' "$rules"
	in2=$(ip netns exec "$ns2" ipvsadm -S -n 2>&1)
	check_eq "$impl: ns2's rules after -C in ns1" "$rules_ns2" "$in2"

	# 1,000 services in ns3, and its deletion with them in it.
	t0=$SECONDS
	ip netns exec "$ns3" ipvsadm -R < "$tmp/many" || fail "$impl: ipvsadm -R of 1,000 services"
	t1=$SECONDS
	many=$(ip netns exec "$ns3" ipvsadm -S -n 2>&1)
	t2=$SECONDS
	check_eq "$impl: ns3's rules" "1000 services, 1000 destinations" "$(count_rules "$many")"
	init=$(ipvsadm -S -n 2>&1)
	check_eq "$impl: the initial namespace's rules with ns3 full" "$rules_init" "$init"
	out+=$'\n'"$many"
	cleanup_ns "$ns3" || fail "$impl: deleting ns3"
	cleanup_all_ns
	ipvsadm -C
	t3=$SECONDS
	ipvs_unload || return
	[ -z "$(module_impl)" ] || fail "$impl: ip_vs still loaded"
	echo "$impl: 1,000 services: -R $((t1 - t0)) s, -S $((t2 - t1)) s;" \
		"modules unloaded $((SECONDS - t3)) s after the namespaces went"
	return 0
}

declare -A listings
for impl in c rust; do
	run_impl "$impl" || exit $ksft_fail
	listings[$impl]=$out
done
check_eq "listings (C vs rust)" "${listings[c]}" "${listings[rust]}"
exit $RET
