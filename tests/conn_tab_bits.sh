#!/bin/bash
# The conn_tab_bits module parameter sizes the connection table:
# conn_tab_bits=10 shows as size=1024 in `ipvsadm -Ln`.
. "$(dirname "$0")/lib.sh"
set -u
trap 'ipvs_unload >/dev/null 2>&1' EXIT

# 7.x's C IPVS sizes its table dynamically; the parameter only caps it.
[ "$IPVS_IMPL" = c ] && skip "the C IPVS reports a dynamic table size"
ipvs_load "$IPVS_IMPL" conn_tab_bits=10 || exit $ksft_fail
out=$(ipvsadm -Ln) || { fail "ipvsadm -Ln exited $?"; exit $ksft_fail; }
check_match "header" "$(ipvs_header_re 1024)" "${out%%$'\n'*}" || exit $ksft_fail
exit $ksft_pass
