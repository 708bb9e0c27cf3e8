#!/bin/bash
# The sockopt interface (what ipvsadm without libnl and older tools use):
# one sequence of IP_VS_SO_SET_* and IP_VS_SO_GET_* calls, valid and invalid
# (tests/sockopt_client.py), run against the C IPVS and against ours. Every
# call must give the same errno and the same bytes back, and `ipvsadm -S -n`
# after the sequence must show the same table.
# Intended differences: the connection table size (masked by the client),
# and the sync daemon, which only the C IPVS has: the client marks those
# calls with "~", and ours must answer them as documented in
# src/logic/sockopt.rs (start: EOPNOTSUPP where C would start a thread;
# stop: ESRCH, as C with none running; nothing listed).
. "$(dirname "$0")/lib.sh"
set -u
trap 'ipvs_unload >/dev/null 2>&1' EXIT
need_tools python3 ipvsadm

client=$(dirname "$0")/sockopt_client.py

# split OUT: sets common to OUT's lines without the "~" mark, own to the
# marked ones (bash only: a process costs half a second in the guest).
split() {
	local line
	common='' own=''
	while IFS= read -r line; do
		if [[ $line == '~'* ]]; then
			own+=$line$'\n'
		else
			common+=$line$'\n'
		fi
	done <<<"$1"
}

# run_impl IMPL: loads IMPL, runs the sequence; sets out and table.
run_impl() {
	local impl=$1 status
	ipvs_load "$impl" || return
	out=$(python3 "$client" 2>&1)
	status=$?
	if [ $status -ne 0 ]; then
		fail "$impl: the client exited $status"
		printf '%s\n' "$out" | sed 's/^/    /' >&2
		return $ksft_fail
	fi
	table=$(ipvsadm -S -n 2>&1)
}

run_impl c || exit $ksft_fail
split "$out"
c_common=$common c_own=$own c_table=$table
run_impl "$IPVS_IMPL" || exit $ksft_fail
split "$out"

check_eq "sockopt calls (C vs $IPVS_IMPL)" "$c_common" "$common"
check_eq "ipvsadm -S -n after them (C vs $IPVS_IMPL)" "$c_table" "$table"

echo "C sync daemon calls:"
printf '%s' "$c_own" | sed 's/^/    /'
if [ "$IPVS_IMPL" = rust ]; then
	none="OK [state=0 ifn='' syncid=0] [state=0 ifn='' syncid=0]"
	want="~startdaemon backup lo: EOPNOTSUPP
~daemon after start: $none
~stopdaemon backup: ESRCH
"
	check_eq "sync daemon calls of ours" "$want" "$own"
fi

n=0
while IFS= read -r _; do n=$((n + 1)); done <<<"$common"
echo "$n sockopt results compared, C vs $IPVS_IMPL"
exit $RET
