#!/bin/bash
# IPVS loads, shows an empty table in `ipvsadm -Ln` and unloads, 50 times
# in a row (TEST_ITERATIONS to change): no state survives a module cycle.
. "$(dirname "$0")/lib.sh"
set -u
trap 'ipvs_unload >/dev/null 2>&1' EXIT

iterations=${TEST_ITERATIONS:-50}
table='Prot LocalAddress:Port Scheduler Flags
  -> RemoteAddress:Port           Forward Weight ActiveConn InActConn'

for i in $(seq "$iterations"); do
	ipvs_load || exit $ksft_fail
	out=$(ipvsadm -Ln) || { fail "cycle $i: ipvsadm -Ln exited $?"; exit $ksft_fail; }
	check_match "cycle $i: header" "$(ipvs_header_re 4096)" "${out%%$'\n'*}" || exit $ksft_fail
	check_eq "cycle $i: table" "$table" "${out#*$'\n'}" || exit $ksft_fail
	ipvs_unload || exit $ksft_fail
done
echo "$iterations load/unload cycles of the $IPVS_IMPL IPVS"
exit $ksft_pass
