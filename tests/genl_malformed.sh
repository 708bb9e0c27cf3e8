#!/bin/bash
# Malformed generic netlink input: one sequence of hand-built IPVS genetlink
# messages (tests/genl_malformed.py) with missing, empty, short, oversized,
# out-of-range, unknown and duplicate attributes, lying attribute and
# message lengths, for every command, run against the C IPVS and against
# ours. Every message must get the same answer (the errno of the ack, or
# none), and the state read back after each (services, destinations,
# timeouts, daemons) must be the same; failed requests must change nothing;
# `ipvsadm -S -n` at the end must match. The kernel log must stay clean
# (scripts/check-guest checks it).
# Intended differences: none in what is sent. The sync daemon commands are
# only sent where C fails before starting a thread (where C would start
# one, ours answers EOPNOTSUPP: see tests/sockopt.sh); the kernel log lines
# ("netlink: ... attribute type N has an invalid length", "Scheduler module
# ... not found") are not compared.
. "$(dirname "$0")/lib.sh"
set -u
trap 'ipvs_unload >/dev/null 2>&1' EXIT
need_tools python3 ipvsadm

client=$(dirname "$0")/genl_malformed.py

# run_impl IMPL: loads IMPL, runs the sequence; sets out and table.
run_impl() {
	local impl=$1 status
	ipvs_load "$impl" || return
	out=$(python3 "$client" 2>&1)
	status=$?
	if [ $status -ne 0 ]; then
		fail "$impl: the client exited $status"
		printf '%s\n' "$out" | tail -n 30 | sed 's/^/    /' >&2
		return $ksft_fail
	fi
	table=$(ipvsadm -S -n 2>&1)
}

run_impl c || exit $ksft_fail
c_out=$out c_table=$table
run_impl "$IPVS_IMPL" || exit $ksft_fail

check_eq "genl answers and state (C vs $IPVS_IMPL)" "$c_out" "$out"
check_eq "ipvsadm -S -n after them (C vs $IPVS_IMPL)" "$c_table" "$table"
[[ $c_out == *"CHANGED BY A FAILED REQUEST"* ]] &&
	fail "a failed request changed the C IPVS (the test is wrong)"
[[ $out == *"CHANGED BY A FAILED REQUEST"* ]] &&
	fail "a failed request changed $IPVS_IMPL's state"

n=0 errs=0
while IFS= read -r line; do
	[[ $line =~ ^\ *[0-9]+\ .*:\ ([A-Z0-9a-z\ ]+)( \(|$) ]] || continue
	n=$((n + 1))
	[ "${BASH_REMATCH[1]}" = OK ] || errs=$((errs + 1))
done <<<"$out"
echo "$n genl messages compared ($errs refused), C vs $IPVS_IMPL"
exit $RET
