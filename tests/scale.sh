#!/bin/bash
# Scale: many TCP services with several destinations each, restored with
# `ipvsadm -R` and listed completely and correctly. `ipvsadm -S -n` must
# give back the rules byte for byte: tests/scale_rules.awk writes them in
# the order ipvsadm sorts services and destinations, so no sorting is
# needed here (and the kernel's own order does not matter: ipvsadm sorts).
# `ipvsadm -Ln` and /proc/net/ip_vs must show every service and
# destination; a flush must empty the table. Times are printed, not
# checked: scripts/bench-ctl compares them with the C IPVS.
#
# Size: TEST_SCALE_SERVICES (default 1,000) services of TEST_SCALE_DESTS
# (default 5) destinations. The goal of issue 3 is 10,000 x 10, but in the
# debug guest every ipvsadm command costs 20-30 ms whichever IPVS serves it
# (per-command overhead of ipvsadm and netlink, not the table size;
# kmemleak alone doubles that), so its 110,000 lines take about 50 minutes
# to restore. `make check` runs this smaller table (about 6,000 commands, 3
# to 4 minutes), whose 1,000 services still grow the hash tables seven
# times and take several netlink reply buffers to dump. The full size runs in
# scripts/bench-ctl, with the same checks on both IPVSs, or here with
# TEST_SCALE_SERVICES=10000 TEST_SCALE_DESTS=10.
. "$(dirname "$0")/lib.sh"
set -u
need_tools ipvsadm awk
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"; ipvs_unload >/dev/null 2>&1' EXIT

services=${TEST_SCALE_SERVICES:-1000}
dests=${TEST_SCALE_DESTS:-5}
awk -v services="$services" -v dests="$dests" \
	-f "$(dirname "$0")/scale_rules.awk" > "$tmp/rules"
lines=$((services + services * dests))

# timed WHAT CMD...: runs CMD, then prints how long it took.
timed() {
	local what=$1 start rc
	shift
	start=$(timestamp_ms)
	"$@"
	rc=$?
	echo "$what: $(($(timestamp_ms) - start)) ms" >&2
	return $rc
}

ipvs_load "$IPVS_IMPL" || exit $ksft_fail
timed "ipvsadm -R ($services services x $dests destinations)" \
	ipvsadm -R < "$tmp/rules" || fail "ipvsadm -R failed"

timed "ipvsadm -S -n" ipvsadm -S -n > "$tmp/saved" || fail "ipvsadm -S -n failed"
if ! cmp -s "$tmp/rules" "$tmp/saved"; then
	fail "ipvsadm -S -n differs from the rules restored"
	diff "$tmp/rules" "$tmp/saved" | head -n 20 | sed 's/^/    /' >&2
fi

# Three header lines, then a line per service and per destination.
timed "ipvsadm -Ln" ipvsadm -Ln > "$tmp/list" || fail "ipvsadm -Ln failed"
n=$(wc -l < "$tmp/list")
check_eq "ipvsadm -Ln lines" "$((lines + 3))" "$n"
check_eq "ipvsadm -Ln services" "$services" "$(grep -c '^TCP ' "$tmp/list")"
check_eq "ipvsadm -Ln destinations" "$((services * dests))" \
	"$(grep -c '^  -> 172\.' "$tmp/list")"
n=$(wc -l < /proc/net/ip_vs)
check_eq "/proc/net/ip_vs lines" "$((lines + 3))" "$n"

# One service by name, from the middle of the table: two header lines, the
# service, its destinations.
mid=$(awk -v i=$((services / 2)) 'BEGIN { printf "10.1.%d.%d:80", int(i / 250), i % 250 + 1 }')
check_eq "ipvsadm -Ln -t $mid lines" "$((dests + 3))" \
	"$(ipvsadm -Ln -t "$mid" | wc -l)"

timed "ipvsadm -C" ipvsadm -C || fail "ipvsadm -C failed"
check_eq "ipvsadm -Ln after -C" 3 "$(ipvsadm -Ln | wc -l)"
ipvs_unload || exit $ksft_fail
exit $RET
