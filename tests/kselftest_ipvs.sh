#!/bin/bash
# The kernel's own end-to-end IPVS test, tools/testing/selftests/net/
# netfilter/ipvs.sh of the kernel we run, unchanged: one TCP transfer
# through direct routing, NAT and an IP-in-IP tunnel. It finds a loaded
# IPVS by /proc/sys/net/ipv4/vs/, so it drives whichever we load.
. "$(dirname "$0")/lib.sh"
set -u
trap 'ipvs_unload >/dev/null 2>&1' EXIT
need_tools socat ipvsadm

dir=$KDIR/src/tools/testing/selftests/net/netfilter
[ -f "$dir/ipvs.sh" ] || skip "no $dir/ipvs.sh"
ipvs_load "$IPVS_IMPL" || exit $ksft_fail
(cd "$dir" && bash ./ipvs.sh)
rc=$?
[ "$rc" = 0 ] || [ "$rc" = "$ksft_skip" ] || fail "ipvs.sh exited $rc"
[ "$rc" = "$ksft_skip" ] && exit $ksft_skip
exit $RET
