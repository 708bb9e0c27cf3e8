#!/bin/bash
# The sysctls of the lblc and lblcr scheduler modules,
# /proc/sys/net/ipv4/vs/lblc_expiration and lblcr_expiration, ours against
# the C IPVS. For each: absent while only ip_vs is loaded; present once
# `ipvsadm -A ... -s lblc|lblcr` autoloads the module, at one day, in
# init_net and in namespaces made before and after the load, but not in one
# of another user namespace (C hides them there); written in seconds and
# read back as C's proc_dointvec_jiffies does, each namespace with its own
# value; the same answers to bad writes (negative, not a number, too big,
# ...); gone from every namespace once the services are deleted and the
# modules removed. What the two IPVS show must be the same, line for line.
#
# (That the schedulers expire entries after the namespace's value is left
# to the host tests of src/logic/sched/: the check that would drop an
# entry runs only every 30 minutes.)
. "$(dirname "$0")/lib.sh"
set -u
tmp=$(mktemp -d)
trap 'cleanup_all_ns; ipvs_unload >/dev/null 2>&1; rm -rf "$tmp"' EXIT
need_tools ipvsadm
dir=/proc/sys/net/ipv4/vs
names=(lblc_expiration lblcr_expiration)

# show WHERE: one line per sysctl, its value or "absent". Runs inside other
# namespaces too (declare -f), so it uses nothing from lib.sh.
show() {
	local n v
	for n in lblc_expiration lblcr_expiration; do
		if [ -e "/proc/sys/net/ipv4/vs/$n" ]; then
			read -r v <"/proc/sys/net/ipv4/vs/$n"
			echo "$1: $n = $v"
		else
			echo "$1: $n absent"
		fi
	done
}

# try_write WHERE NAME VALUE...: writes each VALUE (one write(2) each) and
# says how it went and what reads back.
try_write() {
	local where=$1 f=/proc/sys/net/ipv4/vs/$2 v err now
	shift 2
	for v in "$@"; do
		if err=$({ printf '%s\n' "$v" >"$f"; } 2>&1); then
			err=ok
		else
			err="error: ${err##*: }"
		fi
		read -r now <"$f"
		echo "$where: write '$v' to ${f##*/}: $err, reads $now"
	done
}

# in_ns NS CMD: runs the bash commands CMD in namespace NS, with the two
# functions above.
in_ns() {
	ip netns exec "$1" bash -c "$(declare -f show try_write); $2"
}

# rm_scheds: removes the two scheduler modules; whether both are gone.
rm_scheds() {
	local mod
	for mod in ip_vs_lblc ip_vs_lblcr; do
		[ ! -d "/sys/module/$mod" ] || rmmod "$mod" 2>/dev/null
	done
	[ ! -d /sys/module/ip_vs_lblc ] && [ ! -d /sys/module/ip_vs_lblcr ]
}

# scenario IMPL: prints what a user sees; fails on what is wrong for any
# IPVS.
# shellcheck disable=SC2154  # setup_ns sets before and after
scenario() {
	local impl=$1 out n v mod
	setup_ns before || return
	show "only ip_vs" | tee "$tmp/absent"
	for n in "${names[@]}"; do
		[ ! -e "$dir/$n" ] || fail "$impl: $n there before its scheduler's module is loaded"
	done
	ipvsadm -A -t 10.0.0.1:80 -s lblc || { fail "$impl: ipvsadm -A -s lblc failed"; return 1; }
	ipvsadm -A -t 10.0.0.1:81 -s lblcr || { fail "$impl: ipvsadm -A -s lblcr failed"; return 1; }
	for mod in ip_vs_lblc ip_vs_lblcr; do
		[ "$(module_impl $mod)" = "$impl" ] || fail "$impl: $mod is not the $impl one"
	done
	setup_ns after || return
	show init
	for n in "${names[@]}"; do
		read -r v <"$dir/$n" || { fail "$impl: no $n after the module's load"; continue; }
		[ "$v" = 86400 ] || fail "$impl: $n is $v, not one day (86400)"
	done
	stat -c '%n %a' "$dir/${names[0]}" "$dir/${names[1]}"
	out=$(in_ns "$before" 'show before') || fail "$impl: netns $before failed"
	echo "$out"
	[ "$(grep -c '= 86400$' <<<"$out")" = 2 ] || fail "$impl: not both at one day in a netns made before the load"
	out=$(in_ns "$after" 'show after') || fail "$impl: netns $after failed"
	echo "$out"
	[ "$(grep -c '= 86400$' <<<"$out")" = 2 ] || fail "$impl: not both at one day in a netns made after the load"
	# In seconds, stored in jiffies: what reads back is what was written,
	# bad values refused without a change.
	try_write init lblc_expiration 120 | tee "$tmp/write"
	[ "$(cat "$tmp/write")" = "init: write '120' to lblc_expiration: ok, reads 120" ] ||
		fail "$impl: lblc_expiration did not take 120"
	try_write init lblc_expiration -5 abc 12abc '' ' 30' '30 40' 0x10 +7 \
		8589934 8589935 2147483647 99999999999999999999 60
	try_write init lblcr_expiration 1 0 -1 x 3600
	# Each namespace has its own.
	in_ns "$before" 'show before; try_write before lblcr_expiration 7 -9 q'
	show init
	# A namespace of another user namespace does not show them.
	if unshare -U -r -n true 2>/dev/null; then
		unshare -U -r -n bash -c "$(declare -f show); show userns"
	else
		echo "userns: not available"
	fi
	ipvsadm -C
	busywait "$BUSYWAIT_TIMEOUT" rm_scheds || fail "$impl: cannot remove ip_vs_lblc and ip_vs_lblcr"
	show "after rmmod" | sed 's/^after rmmod/only ip_vs/' >"$tmp/gone"
	in_ns "$before" 'show "only ip_vs"' >>"$tmp/gone"
	in_ns "$after" 'show "only ip_vs"' >>"$tmp/gone"
	cat "$tmp/gone"
	check_eq "$impl: the sysctls after rmmod, in init_net and two netns" \
		"$(cat "$tmp/absent" "$tmp/absent" "$tmp/absent")" "$(cat "$tmp/gone")"
	cleanup_all_ns
}

# run_impl IMPL: the scenario with IMPL's IPVS, into $tmp/IMPL.
run_impl() {
	ipvs_load "$1" || return
	scenario "$1" >"$tmp/$1"
	ipvs_unload
}

run_impl c || exit $ksft_fail
run_impl "$IPVS_IMPL" || exit $ksft_fail
echo "# $IPVS_IMPL:"
sed 's/^/#   /' "$tmp/$IPVS_IMPL"
check_eq "the sysctls as a user sees them" "$(cat "$tmp/c")" "$(cat "$tmp/$IPVS_IMPL")"
exit $RET
