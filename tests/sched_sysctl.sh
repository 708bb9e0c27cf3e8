#!/bin/bash
# The sysctls of the lblc and lblcr scheduler modules,
# /proc/sys/net/ipv4/vs/lblc_expiration and lblcr_expiration, ours against
# the C IPVS. For each: absent while only ip_vs is loaded; present once
# adding a service of scheduler lblc or lblcr autoloads the module, at one
# day, in init_net and in namespaces made before and after the load, but
# not in one of another user namespace (C hides them there); written in
# seconds and read back as C's proc_dointvec_jiffies does, each namespace
# with its own value; the same answers to bad writes (negative, not a
# number, too big, ...); gone from init_net and a namespace once the
# services are deleted and the modules removed. What the two IPVS show must
# be the same, line for line.
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

# Every process start costs about a second in the debug guest: what follows
# uses builtins where it can, and makes the namespaces bare (lib.sh's
# setup_ns also brings lo up, and cleanup_ns looks for processes to kill).

# bare_ns NAME...: sets each variable NAME to a new namespace.
bare_ns() {
	local var ns
	for var in "$@"; do
		printf -v ns '%s-%08x' "$var" "$SRANDOM"
		ip netns add "$ns" || { fail "cannot create namespace $ns"; return 1; }
		printf -v "$var" '%s' "$ns"
		NS_LIST+=("$ns")
	done
}

# rm_scheds: removes the two scheduler modules; whether both are gone.
rm_scheds() {
	local mod
	for mod in ip_vs_lblc ip_vs_lblcr; do
		[ ! -d "/sys/module/$mod" ] || rmmod "$mod" 2>/dev/null
	done
	[ ! -d /sys/module/ip_vs_lblc ] && [ ! -d /sys/module/ip_vs_lblcr ]
}

# at_one_day TEXT: whether TEXT (lines of show) has both at 86400.
at_one_day() {
	local line n=0
	while IFS= read -r line; do
		[[ $line == *" = 86400" ]] && n=$((n + 1))
	done <<<"$1"
	[ $n = 2 ]
}

# scenario IMPL: prints what a user sees; fails on what is wrong for any
# IPVS.
# shellcheck disable=SC2154  # bare_ns sets before and after
scenario() {
	local impl=$1 out absent gone n v mod
	bare_ns before || return
	absent=$(show "only ip_vs")
	echo "$absent"
	for n in "${names[@]}"; do
		[ ! -e "$dir/$n" ] || fail "$impl: $n there before its scheduler's module is loaded"
	done
	# Both services in one ipvsadm: it autoloads both modules.
	ipvsadm -R <<-EOF || { fail "$impl: ipvsadm -A -s lblc / -s lblcr failed"; return 1; }
		-A -t 10.0.0.1:80 -s lblc
		-A -t 10.0.0.1:81 -s lblcr
	EOF
	for mod in ip_vs_lblc ip_vs_lblcr; do
		[ "$(module_impl $mod)" = "$impl" ] || fail "$impl: $mod is not the $impl one"
	done
	bare_ns after || return
	out=$(show init)
	echo "$out"
	at_one_day "$out" || fail "$impl: not both at one day (86400) in init_net"
	out=$(in_ns "$after" 'show after') || fail "$impl: netns $after failed"
	echo "$out"
	at_one_day "$out" || fail "$impl: not both at one day in a netns made after the load"
	# In seconds, stored in jiffies: what reads back is what was written,
	# bad values refused without a change.
	out=$(try_write init lblc_expiration 120)
	echo "$out"
	[ "$out" = "init: write '120' to lblc_expiration: ok, reads 120" ] ||
		fail "$impl: lblc_expiration did not take 120"
	try_write init lblc_expiration -5 abc 12abc '' ' 30' '30 40' 0x10 +7 \
		8589934 8589935 2147483647 99999999999999999999 60
	try_write init lblcr_expiration 1 0 -1 x 3600
	# A namespace made before the load has them too, with values of its own.
	out=$(in_ns "$before" 'show before; try_write before lblcr_expiration 7 -9 q') ||
		fail "$impl: netns $before failed"
	echo "$out"
	at_one_day "${out%%$'\n'before: write*}" ||
		fail "$impl: not both at one day in a netns made before the load"
	show init
	# A namespace of another user namespace does not show them.
	unshare -U -r -n bash -c "$(declare -f show); show userns" 2>/dev/null ||
		echo "userns: not available"
	ipvsadm -C
	busywait "$BUSYWAIT_TIMEOUT" rm_scheds || fail "$impl: cannot remove ip_vs_lblc and ip_vs_lblcr"
	gone=$(show "only ip_vs")$'\n'$(in_ns "$before" 'show "only ip_vs"')
	echo "$gone"
	check_eq "$impl: the sysctls after rmmod, in init_net and a netns" \
		"$absent"$'\n'"$absent" "$gone"
	for n in "${NS_LIST[@]}"; do
		ip netns delete "$n"
	done
	NS_LIST=()
}

# run_impl IMPL: the scenario with IMPL's IPVS, into $tmp/IMPL.
run_impl() {
	ipvs_load "$1" || return
	scenario "$1" >"$tmp/$1"
	ipvs_unload
}

run_impl c || exit $ksft_fail
run_impl "$IPVS_IMPL" || exit $ksft_fail
c_out=$(<"$tmp/c")
out=$(<"$tmp/$IPVS_IMPL")
echo "# $IPVS_IMPL:"
while IFS= read -r line; do
	echo "#   $line"
done <<<"$out"
check_eq "the sysctls as a user sees them" "$c_out" "$out"
exit $RET
