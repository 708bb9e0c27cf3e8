#!/bin/bash
# `ipvsadm -L --timeout` shows the default timeouts, the same as the C IPVS.
. "$(dirname "$0")/lib.sh"
set -u
trap 'ipvs_unload >/dev/null 2>&1' EXIT
expected='Timeout (tcp tcpfin udp): 900 120 300'

ipvs_load c || exit $ksft_fail
c_out=$(ipvsadm -L --timeout 2>&1)
ipvs_load "$IPVS_IMPL" || exit $ksft_fail
out=$(ipvsadm -L --timeout 2>&1)

check_eq "C IPVS output" "$expected" "$c_out"
check_eq "$IPVS_IMPL IPVS output" "$expected" "$out"
exit $RET
