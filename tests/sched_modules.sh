#!/bin/bash
# Every scheduler module of the IPVS under test registers with the core when
# loaded and unregisters when removed, and pins the core meanwhile: for each
# one, `modprobe ip_vs_<name>` logs "[<name>] scheduler registered.", lsmod
# shows ip_vs used by it, `rmmod ip_vs` is refused, and `rmmod ip_vs_<name>`
# logs "[<name>] scheduler unregistered.".
#
# The schedulers tested are those the module tree has (for ours, what
# `make modules` built); rr must be among them. IPVS_IMPL=c runs it against
# the C IPVS. Process starts are slow in the debug guest, so the checks use
# as few as they can.
. "$(dirname "$0")/lib.sh"
set -u
trap 'ipvs_unload >/dev/null 2>&1' EXIT

# The fourteen schedulers of the C IPVS, in its Kconfig order.
all=(rr wrr lc wlc fo ovf lblc lblcr dh sh mh sed nq twos)

# Sets NEW_LOG to the kernel log lines written since the last call. (The
# guest has no /dev/fd, so no process substitution.)
log_seen=0
new_log() {
	local lines=()
	mapfile -t lines <<<"$(dmesg)"
	NEW_LOG=("${lines[@]:log_seen}")
	log_seen=${#lines[@]}
}

# The "used by" column of lsmod for module $1.
used_by() {
	local name _size _count users _rest
	while read -r name _size _count users _rest; do
		[ "$name" = "$1" ] && { echo "${users%,}"; return 0; }
	done < /proc/modules
	return 1
}

# log_has ERE: one of the lines of NEW_LOG matches.
log_has() {
	local line
	for line in "${NEW_LOG[@]}"; do
		[[ $line =~ $1 ]] && return 0
	done
	return 1
}

ipvs_load || exit $ksft_fail
# The scheduler modules sit beside the ip_vs.ko modprobe chose: extra/ in
# our tree, kernel/net/netfilter/ipvs/ in the C one.
ko=$(modinfo -F filename ip_vs) || { fail "modinfo ip_vs failed"; exit $ksft_fail; }
dir=${ko%/*}
names=() missing=()
for name in "${all[@]}"; do
	if [ -e "$dir/ip_vs_$name.ko" ]; then names+=("$name"); else missing+=("$name"); fi
done
[ -e "$dir/ip_vs_rr.ko" ] || { fail "no ip_vs_rr.ko in $dir"; exit $ksft_fail; }

new_log
checked=0
for name in "${names[@]}"; do
	mod=ip_vs_$name
	if ! modprobe "$mod"; then
		fail "modprobe $mod failed"
		continue
	fi
	new_log
	log_has "\[$name\] scheduler registered\.$" ||
		fail "$mod: no '[$name] scheduler registered.' in the kernel log"
	users=$(used_by ip_vs) || fail "$mod: ip_vs is not loaded"
	[[ ,$users, == *,$mod,* ]] || fail "$mod: lsmod shows ip_vs used by '$users', not $mod"
	if out=$(rmmod ip_vs 2>&1); then
		fail "$mod: rmmod ip_vs succeeded while $mod was loaded"
		ipvs_load || exit $ksft_fail
		continue
	fi
	[[ $out == *"in use"* ]] || fail "$mod: rmmod ip_vs failed for another reason: $out"
	if ! rmmod "$mod"; then
		fail "rmmod $mod failed"
		continue
	fi
	new_log
	log_has "\[$name\] scheduler unregistered\.$" ||
		fail "$mod: no '[$name] scheduler unregistered.' in the kernel log"
	used_by "$mod" >/dev/null && fail "$mod still loaded after rmmod"
	[ $RET = $ksft_pass ] && echo "ok: $mod (lsmod: ip_vs used by $users)"
	checked=$((checked + 1))
done
# A failed expansion ends the whole loop early without failing it.
[ $checked = ${#names[@]} ] || fail "only $checked of ${#names[@]} modules went through the checks"

ipvs_unload || exit $ksft_fail
echo "$checked scheduler modules of the $IPVS_IMPL IPVS checked (${names[*]})"
[ ${#missing[@]} -eq 0 ] || echo "not built: ${missing[*]}"
exit $RET
