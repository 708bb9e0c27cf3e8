#!/bin/bash
# The service flags generic netlink reports (IPVS_SVC_ATTR_FLAGS, from a
# GET_SERVICE dump and from a GET_SERVICE of each service): right after
# `ipvsadm -A`, as after `-E`, they carry IP_VS_SVC_F_HASHED (0x0002), with
# a mask of ~0, as under the C IPVS (ip_vs_add_service() stores the flags
# without HASHED, then ip_vs_svc_hash() sets it). ipvsadm shows neither, so
# tests/genl_client.py reads the attribute itself.
. "$(dirname "$0")/lib.sh"
set -u
trap 'ipvs_unload >/dev/null 2>&1' EXIT
need_tools ipvsadm python3

client=$(dirname "$0")/genl_client.py
cmds='-A -t 10.0.0.1:80 -s rr
-A -u 10.0.0.1:53 -s sh -b sh-fallback -o -p 60
-A -f 7 -s mh -b mh-port
-A -t [2001:db8::1]:443 -s wlc -p 30 -M 64
-A -t 10.0.0.2:80 -s rr
-E -t 10.0.0.2:80 -s wrr -p 10'

# Five services, each from the dump and from its own GET_SERVICE.
want_lines=10
declare -A listing
for impl in c rust; do
	ipvs_load "$impl" || exit $ksft_fail
	ipvsadm -R <<<"$cmds" || fail "$impl: ipvsadm -R failed"
	out=$(python3 "$client" services 2>&1) || fail "$impl: genl_client.py failed"
	echo "$impl:"
	printf '%s\n' "$out" | sed 's/^/    /'
	listing[$impl]=$out
	n=0
	while IFS= read -r line; do
		[[ $line == dump:* ]] && { check_eq "$impl: dump" "dump: OK" "$line"; continue; }
		n=$((n + 1))
		if [[ ! $line =~ \ flags\ 0x([0-9a-f]{4})\ mask\ 0xffffffff$ ]]; then
			fail "$impl: no flags with a mask of ~0 in '$line'"
		elif ((!(0x${BASH_REMATCH[1]} & 0x2))); then
			fail "$impl: IP_VS_SVC_F_HASHED missing in '$line'"
		fi
	done <<<"$out"
	check_eq "$impl: services listed" "$want_lines" "$n"
done
check_eq "GET_SERVICE replies (C vs rust)" "${listing[c]}" "${listing[rust]}"
exit $RET
