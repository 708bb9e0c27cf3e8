# shellcheck shell=bash disable=SC2034  # the variables are for the tests
# Shared helpers for the guest tests (sourced, not run), in the style of the
# kernel's tools/testing/selftests/net/lib.sh. The tests run as root inside
# the VM of scripts/vm-run, where scripts/guest-init set up two module trees.

# Kselftest exit codes.
ksft_pass=0
ksft_fail=1
ksft_xfail=2
ksft_skip=4

# Which IPVS a test drives unless it says otherwise: rust (ours) or c.
: "${IPVS_IMPL:=rust}"
: "${WAIT_TIMEOUT:=20}"
BUSYWAIT_TIMEOUT=$((WAIT_TIMEOUT * 1000)) # ms
NS_LIST=()
# A test's result so far: fail() sets it, so a test can check several
# things, report each, and end with `exit $RET`.
RET=$ksft_pass

fail() {
	echo "FAIL: $*" >&2
	RET=$ksft_fail
	return $ksft_fail
}

skip() {
	echo "SKIP: $*"
	exit $ksft_skip
}

# check_eq WHAT EXPECTED ACTUAL: shows both (multi-line safe) when they differ.
check_eq() {
	local what=$1 expected=$2 actual=$3
	[ "$expected" = "$actual" ] && return 0
	fail "$what differs"
	diff -u <(printf '%s\n' "$expected") <(printf '%s\n' "$actual") \
		--label expected --label actual | sed 's/^/    /' >&2
	return $ksft_fail
}

# check_match WHAT ERE ACTUAL: ACTUAL (whole string) matches the regex.
check_match() {
	local what=$1 re=$2 actual=$3
	[[ $actual =~ ^$re$ ]] && return 0
	fail "$what: '$actual' does not match /$re/"
}

need_root_tools() {
	local t
	for t in "$@"; do
		command -v "$t" >/dev/null || skip "$t not installed"
	done
}

timestamp_ms() {
	local now
	now=$(date -u +%s%N)
	echo $((now / 1000000))
}

# busywait TIMEOUT_MS CMD...: retries CMD until it succeeds; prints its last output.
busywait() {
	local timeout_ms=$1 start out
	shift
	start=$(timestamp_ms)
	while true; do
		if out=$("$@"); then
			printf '%s' "$out"
			return 0
		fi
		if (($(timestamp_ms) - start > timeout_ms)); then
			printf '%s' "$out"
			return 1
		fi
		sleep 0.1
	done
}

# setup_ns NAME...: for each NAME sets the variable NAME to a new, uniquely
# named network namespace with lo up, e.g. `setup_ns ns1 ns2; ip -n "$ns1" ...`.
setup_ns() {
	local var ns
	for var in "$@"; do
		ns=${var,,}-$(mktemp -u XXXXXX)
		if ! ip netns add "$ns"; then
			fail "cannot create namespace $ns"
			return $ksft_skip
		fi
		ip -n "$ns" link set lo up
		printf -v "$var" '%s' "$ns"
		NS_LIST+=("$ns")
	done
}

# cleanup_ns NS...: kills what runs in them and deletes them.
cleanup_ns() {
	local ns ret=0 keep=() n
	for ns in "$@"; do
		[ -n "$ns" ] || continue
		ip netns pids "$ns" 2>/dev/null | xargs -r kill 2>/dev/null
		ip netns delete "$ns" 2>/dev/null
		if [ -e "/run/netns/$ns" ]; then
			echo "Warn: failed to remove namespace $ns" >&2
			ret=1
		fi
	done
	for n in "${NS_LIST[@]}"; do
		for ns in "$@"; do [ "$n" = "$ns" ] && continue 2; done
		keep+=("$n")
	done
	NS_LIST=("${keep[@]}")
	return $ret
}

cleanup_all_ns() {
	cleanup_ns "${NS_LIST[@]}"
}

# The IPVS modules loaded now, dependents first (xt_ipvs, apps and
# schedulers, then ip_vs itself).
ipvs_loaded_modules() {
	awk '$1 == "xt_ipvs" { print }' /proc/modules | cut -d' ' -f1
	awk '$1 ~ /^ip_vs_/ { print }' /proc/modules | cut -d' ' -f1
	awk '$1 == "ip_vs" { print }' /proc/modules | cut -d' ' -f1
}

# ipvs_unload: removes every IPVS module. Module references can linger for a
# moment after the last user (netns teardown is asynchronous), so retry.
ipvs_unload() {
	local m left
	for m in $(ipvs_loaded_modules); do
		busywait "$BUSYWAIT_TIMEOUT" rmmod "$m" 2>/dev/null >/dev/null
	done
	left=$(ipvs_loaded_modules)
	[ -z "$left" ] || { fail "ipvs_unload: still loaded: $(echo $left)"; return $ksft_fail; }
}

# ipvs_use rust|c: makes /lib/modules/$(uname -r), and so modprobe and the
# kernel's request_module(), use that implementation's module tree.
ipvs_use() {
	local impl=$1 kver tree
	kver=$(uname -r)
	tree=$IPVS_MODTREES/$impl/lib/modules/$kver
	[ -d "$tree" ] || { fail "ipvs_use: no module tree '$impl'"; return $ksft_fail; }
	ln -sfn "$tree" "/lib/modules/$kver"
}

# ipvs_load [rust|c] [MODPROBE_ARGS...]: unloads any IPVS, switches the module
# tree and loads ip_vs (default implementation: $IPVS_IMPL).
ipvs_load() {
	local impl=${1:-$IPVS_IMPL}
	[ $# -gt 0 ] && shift
	ipvs_unload || return
	ipvs_use "$impl" || return
	if ! modprobe ip_vs "$@"; then
		[ "$impl" = rust ] && [ ! -e "$IPVS_MODTREES/rust/lib/modules/$(uname -r)/extra/ip_vs.ko" ] &&
			echo "ipvs_load: our ip_vs.ko was not built (make modules)" >&2
		fail "ipvs_load $impl: modprobe ip_vs $* failed"
		return $ksft_fail
	fi
	# The module tree decides which file modprobe picked; say so if it was the wrong one.
	case "$impl:$(modinfo -F filename ip_vs)" in
	rust:*/extra/ip_vs.ko | c:*/kernel/net/netfilter/ipvs/ip_vs.ko) ;;
	*) fail "ipvs_load $impl: loaded $(modinfo -F filename ip_vs)"; return $ksft_fail ;;
	esac
}

# ipvs_header_re SIZE [rust|c]: a regex for the first line of ipvsadm -Ln
# with a connection table of SIZE entries. The C IPVS of 7.x sizes its table
# dynamically (size=0 while empty), so for it any size matches.
ipvs_header_re() {
	local size=$1 impl=${2:-$IPVS_IMPL}
	[ "$impl" = c ] && size='[0-9]+'
	echo "IP Virtual Server version 1\.2\.1 \(size=$size\)"
}
