#!/bin/bash
# An unprivileged user cannot read the IPVS table: `ipvsadm -Ln` fails with
# "Permission denied" (EPERM), with the same message and exit status as
# under the C IPVS.
. "$(dirname "$0")/lib.sh"
set -u
trap 'ipvs_unload >/dev/null 2>&1' EXIT
need_tools setpriv

# As nobody, without groups or capabilities. Prints stdout, stderr, status.
unprivileged_list() {
	local out err status
	err=$(mktemp)
	out=$(cd / && setpriv --reuid=65534 --regid=65534 --clear-groups ipvsadm -Ln 2>"$err")
	status=$?
	printf 'status=%s\nstdout=%s\nstderr=%s\n' "$status" "$out" "$(cat "$err")"
	rm -f "$err"
}

ipvs_load c || exit $ksft_fail
c_result=$(unprivileged_list)
ipvs_load "$IPVS_IMPL" || exit $ksft_fail
result=$(unprivileged_list)
echo "$result"

[[ $c_result == status=0$'\n'* ]] && fail "the C IPVS let nobody list the table"
[[ $result == *"Permission denied"* ]] || fail "no 'Permission denied' from the $IPVS_IMPL IPVS"
check_eq "unprivileged ipvsadm -Ln (C vs $IPVS_IMPL)" "$c_result" "$result"
exit $RET
