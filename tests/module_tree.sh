#!/bin/bash
# After `ipvs_load IMPL`, scheduler modules come from IMPL's module tree,
# both when loaded by hand (modprobe ip_vs_rr) and when IPVS asks the kernel
# for one (ipvsadm -A ... -s wrr runs request_module("ip_vs_wrr"), which
# runs /sbin/modprobe): ours must never pair with the C core or the reverse.
. "$(dirname "$0")/lib.sh"
set -u
trap 'ipvs_unload >/dev/null 2>&1' EXIT

impls=(c)
[ "$IPVS_IMPL" = c ] || impls+=("$IPVS_IMPL")
for impl in "${impls[@]}"; do
	ipvs_load "$impl" || exit $ksft_fail
	modprobe ip_vs_rr || fail "$impl: modprobe ip_vs_rr failed"
	check_eq "$impl: whose ip_vs_rr modprobe loaded" "$impl" "$(module_impl ip_vs_rr)"
	ipvsadm -A -t 10.0.0.1:80 -s wrr || fail "$impl: ipvsadm -A ... -s wrr failed"
	check_eq "$impl: whose ip_vs_wrr the kernel loaded" "$impl" "$(module_impl ip_vs_wrr)"
	ipvsadm -C
	ipvs_unload || exit $ksft_fail
done
exit $RET
