#!/bin/bash
# /proc/sys/net/ipv4/vs/ appears in every network namespace (those existing
# before the load and those created after it) and goes away on unload.
. "$(dirname "$0")/lib.sh"
set -u
cleanup() {
	cleanup_all_ns
	ipvs_unload >/dev/null 2>&1
}
trap cleanup EXIT
dir=/proc/sys/net/ipv4/vs

ipvs_unload || exit $ksft_fail
setup_ns before || exit
ipvs_load || exit $ksft_fail
setup_ns after || exit

[ -d "$dir" ] || fail "$dir missing in init_net"
ip netns exec "$before" test -d "$dir" || fail "$dir missing in a netns created before the load"
ip netns exec "$after" test -d "$dir" || fail "$dir missing in a netns created after the load"

ipvs_unload || exit $ksft_fail
[ ! -e "$dir" ] || fail "$dir still there in init_net after unload"
ip netns exec "$before" test ! -e "$dir" || fail "$dir still there in netns $before after unload"
ip netns exec "$after" test ! -e "$dir" || fail "$dir still there in netns $after after unload"
exit $RET
