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
# How long a wait for something that should happen may take, in seconds:
# generous, since a busy host can slow the guest several times over, and a
# wait that succeeds costs only the time it took.
: "${WAIT_TIMEOUT:=60}"
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

# need_tools CMD...: skips the test unless every CMD is installed.
need_tools() {
	local t
	for t in "$@"; do
		command -v "$t" >/dev/null || skip "$t not installed"
	done
}

timestamp_ms() {
	local now=${EPOCHREALTIME/./}
	echo $((now / 1000))
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
# (rp_filter, which the kernel's lib.sh turns off, is already off in a new
# namespace.) The locals have odd names so that any NAME can be set.
setup_ns() {
	local __var __ns
	for __var in "$@"; do
		printf -v __ns '%s-%08x' "${__var,,}" "$SRANDOM"
		if ! ip netns add "$__ns"; then
			fail "cannot create namespace $__ns"
			return $ksft_skip
		fi
		ip -n "$__ns" link set lo up
		printf -v "$__var" '%s' "$__ns"
		NS_LIST+=("$__ns")
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

# Every process costs 0.5-1 s in the TCG debug guest, so the helpers below
# use bash builtins where they can.
read -r KVER < /proc/sys/kernel/osrelease

# Sets IPVS_MODULES to the IPVS modules loaded now, dependents first
# (xt_ipvs, apps and schedulers, then ip_vs itself).
ipvs_loaded_modules() {
	local name _ last=()
	IPVS_MODULES=()
	while read -r name _; do
		case $name in
		xt_ipvs) IPVS_MODULES=("$name" "${IPVS_MODULES[@]}") ;;
		ip_vs_*) IPVS_MODULES+=("$name") ;;
		ip_vs) last=("$name") ;;
		esac
	done < /proc/modules
	IPVS_MODULES+=("${last[@]}")
}

# ipvs_unload: removes every IPVS module. A module can stay busy for a moment
# after its last user (netns teardown is asynchronous), so retry a while.
ipvs_unload() {
	local start cleared=
	start=$(timestamp_ms)
	ipvs_loaded_modules
	while [ ${#IPVS_MODULES[@]} -gt 0 ]; do
		rmmod "${IPVS_MODULES[@]}" 2>/dev/null
		ipvs_loaded_modules
		[ ${#IPVS_MODULES[@]} -gt 0 ] || break
		# Services left behind (say by a test that timed out) hold
		# their schedulers: clear the table of init_net once.
		[ -n "$cleared" ] || { ipvsadm -C 2>/dev/null; cleared=1; }
		# Deleted namespaces release their services only when the
		# kernel's cleanup_net gets to them: seconds in this VM.
		if (($(timestamp_ms) - start > 3 * BUSYWAIT_TIMEOUT)); then
			fail "ipvs_unload: still loaded: ${IPVS_MODULES[*]}"
			return $ksft_fail
		fi
		sleep 0.2
	done
}

# ipvs_use rust|c: makes /lib/modules/$KVER, and so modprobe and the
# kernel's request_module(), use that implementation's module tree
# (scripts/guest-init made both and exported their paths).
ipvs_use() {
	local impl=$1 var tree
	var=IPVS_MODTREE_$impl
	tree=${!var:-}
	[ -n "$tree" ] || { fail "ipvs_use: no module tree '$impl'"; return $ksft_fail; }
	[ "/lib/modules/$KVER" -ef "$tree" ] || ln -sfn "$tree" "/lib/modules/$KVER"
}

# module_impl [MODULE]: prints whose MODULE (default ip_vs) is loaded: rust,
# c, or nothing when it is not loaded. Ours are out-of-tree modules, which
# the kernel marks with the O taint.
module_impl() {
	local mod=${1:-ip_vs} taint
	[ -d "/sys/module/$mod" ] || return 0
	read -r taint < "/sys/module/$mod/taint"
	case $taint in
	*O*) echo rust ;;
	*) echo c ;;
	esac
}

# ipvs_load [rust|c] [MODPROBE_ARGS...]: unloads any IPVS, switches the module
# tree and loads ip_vs (default implementation: $IPVS_IMPL).
ipvs_load() {
	local impl=${1:-$IPVS_IMPL} loaded
	[ $# -gt 0 ] && shift
	ipvs_unload || return
	ipvs_use "$impl" || return
	if ! modprobe ip_vs "$@"; then
		[ "$impl" = rust ] && [ ! -e "${IPVS_MODTREE_rust:-}/extra/ip_vs.ko" ] &&
			echo "ipvs_load: our ip_vs.ko was not built (make modules)" >&2
		fail "ipvs_load $impl: modprobe ip_vs $* failed"
		return $ksft_fail
	fi
	loaded=$(module_impl ip_vs)
	[ "$loaded" = "$impl" ] || { fail "ipvs_load $impl: the $loaded IPVS got loaded"; return $ksft_fail; }
}

# ipvs_header_re SIZE [rust|c]: a regex for the first line of ipvsadm -Ln
# with a connection table of SIZE entries. The C IPVS of 7.x sizes its table
# dynamically (size=0 while empty), so for it any size matches.
ipvs_header_re() {
	local size=$1 impl=${2:-$IPVS_IMPL}
	[ "$impl" = c ] && size='[0-9]+'
	echo "IP Virtual Server version 1\.2\.1 \(size=$size\)"
}

# mask_size: a filter that masks the connection table size in the headers
# of ipvsadm -L (the C IPVS of 7.x sizes its table on demand), for
# comparing listings of ours with the C IPVS's.
mask_size() {
	sed 's/^IP Virtual Server version \([0-9.]*\) (size=[0-9]*)$/IP Virtual Server version \1 (size=N)/'
}

# full_listing: the listings of every service that -Ln and -S -n leave out
# (counters, thresholds, persistent connections), stderr included.
full_listing() {
	ipvsadm -Ln --stats 2>&1
	ipvsadm -Ln --thresholds 2>&1
	ipvsadm -Ln --persistent-conn 2>&1
}

# setup_lvs N: a client, a director and N real servers, each in its own
# namespace ($client, $director, $rs1...):
#   client 10.0.0.2 - 10.0.0.1 director 192.168.100.1 - rsI 192.168.100.(10+I)
# The virtual address VIP (10.0.0.100) is on the director's lo. Each real
# server has it on lo too (not answering ARP for it) and tunl0 up, for
# direct routing and tunnels, and routes through the director, which lets
# replies from VIP in (accept_local). Every server answers on TCP and UDP
# ports 80 to 83 with its name (rs1...). RS_ADDR[I] is rsI's address.
VIP=10.0.0.100
# The real servers' program: TCP and UDP ports 80-83, answering the first
# argument; UDP answers come from the address asked (VIP or the server's).
NAME_SERVER='
import select, socket, sys
name = sys.argv[1].encode() + b"\n"
socks = []
for port in range(80, 84):
    t = socket.socket()
    t.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    t.bind(("", port))
    t.listen(16)
    socks.append(t)
    for addr in (sys.argv[2], ""):
        u = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        u.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        u.bind((addr, port))
        socks.append(u)
open(sys.argv[3], "w").close()
while True:
    for s in select.select(socks, [], [])[0]:
        if s.type == socket.SOCK_STREAM:
            c, _ = s.accept()
            c.sendall(name)
            c.close()
        else:
            _, peer = s.recvfrom(512)
            s.sendto(name, peer)
'
setup_lvs() {
	local n=$1 i rs ns ready
	RS_ADDR=()
	ready=$(mktemp -d)
	setup_ns client director || return
	ip link add veth0 netns "$client" type veth peer name veth0 netns "$director" || return
	ip -n "$client" -batch - <<-EOF
		addr add 10.0.0.2/24 dev veth0
		link set veth0 up
		route add default via 10.0.0.1
	EOF
	ip -n "$director" -batch - <<-EOF
		link add br0 type bridge
		link set br0 up
		link set veth0 up
		addr add $VIP/32 dev lo
		addr add 10.0.0.1/24 dev veth0
		addr add 192.168.100.1/24 dev br0
	EOF
	ip netns exec "$director" sysctl -qw net.ipv4.ip_forward=1 \
		net.ipv4.conf.all.accept_local=1 net.ipv4.conf.br0.accept_local=1
	for ((i = 1; i <= n; i++)); do
		rs=rs$i
		setup_ns "$rs" || return
		ns=${!rs}
		RS_ADDR[i]=192.168.100.$((10 + i))
		ip link add "veth-$rs" netns "$director" type veth peer name eth0 netns "$ns"
		ip -n "$director" link set "veth-$rs" master br0 up
		ip -n "$ns" -batch - <<-EOF
			addr add ${RS_ADDR[i]}/24 dev eth0
			link set eth0 up
			addr add $VIP/32 dev lo
			link set tunl0 up
			route add default via 192.168.100.1
		EOF
		ip netns exec "$ns" sysctl -qw net.ipv4.conf.all.arp_ignore=1 \
			net.ipv4.conf.all.arp_announce=2 net.ipv4.conf.all.rp_filter=0 \
			net.ipv4.conf.tunl0.rp_filter=0
		ip netns exec "$ns" python3 -c "$NAME_SERVER" "$rs" "$VIP" "$ready/$rs" >/dev/null 2>&1 &
	done
	# The servers listen before anyone connects.
	busywait "$BUSYWAIT_TIMEOUT" servers_ready "$ready" "$n"
	local rc=$?
	rm -rf "$ready"
	return $rc
}

# d CMD...: runs CMD in the director's namespace (setup_lvs).
d() {
	ip netns exec "$director" "$@"
}

# ask PROTO PORT SPORT: one request from the client's port SPORT to
# VIP:PORT (setup_lvs), prints who answered ("none" if nobody). Over TCP
# the client only reads. Give every request its own source port: a port
# the client's kernel picked again would meet the old connection in the
# director's table, and what happens then depends on that connection's
# state.
ask() {
	if [ "$1" = udp ]; then
		echo hello | ip netns exec "$client" socat -t 3 -T 3 - "UDP:$VIP:$2,bind=:$3"
	else
		ip netns exec "$client" socat -T 3 -u "TCP:$VIP:$2,bind=:$3" -
	fi 2>/dev/null | grep . || echo none
}

# servers_ready DIR N: whether N servers said they listen.
servers_ready() {
	[ "$(ls "$1" | wc -l)" -ge "$2" ]
}

# count_rules RULES: "N services, N destinations" in ipvsadm -S output.
count_rules() {
	local line services=0 dests=0
	while IFS= read -r line; do
		case $line in
		'-A '*) services=$((services + 1)) ;;
		'-a '*) dests=$((dests + 1)) ;;
		esac
	done <<<"$1"
	echo "$services services, $dests destinations"
}

# c_vs_ours SCENARIO WHAT: runs the function SCENARIO (which sets up its
# namespaces and prints what it sees) on the C IPVS, then from fresh
# namespaces on $IPVS_IMPL; shows ours, leaves it in $out and checks that
# both printed the same (WHAT names that). Ends the test if a module does
# not load. SCENARIO runs in this shell: what it sets up stays for the
# rest of the test.
c_vs_ours() {
	local scenario=$1 what=$2 c_file out_file c_out
	c_file=$(mktemp) out_file=$(mktemp)
	ipvs_load c || exit $ksft_fail
	"$scenario" >"$c_file" 2>&1
	cleanup_all_ns
	ipvs_load "$IPVS_IMPL" || exit $ksft_fail
	"$scenario" >"$out_file" 2>&1
	c_out=$(cat "$c_file") out=$(cat "$out_file")
	rm -f "$c_file" "$out_file"
	echo "# $IPVS_IMPL:"
	printf '%s\n' "$out" | sed 's/^/#   /'
	check_eq "$what" "$c_out" "$out"
}

# bench_header TITLE: the header of a benchmark's summary, TITLE over the
# measures' column.
bench_header() {
	printf '%-24s %24s %24s %8s\n' "$1" "C IPVS" ours ours/C
}

# bench_row TITLE "C VALUES" "OUR VALUES": a benchmark's summary line for
# one measure: the median (min-max) of each IPVS's values and the ratio of
# the medians, ours/C.
bench_row() {
	local -a c ours
	# shellcheck disable=SC2086  # the values, a word each
	mapfile -t c < <(printf '%s\n' $2 | sort -n)
	# shellcheck disable=SC2086
	mapfile -t ours < <(printf '%s\n' $3 | sort -n)
	local cm=${c[$((${#c[@]} / 2))]} om=${ours[$((${#ours[@]} / 2))]}
	printf '%-24s %24s %24s %8s\n' "$1" "$cm (${c[0]}-${c[-1]})" \
		"$om (${ours[0]}-${ours[-1]})" \
		"$(awk -v a="$om" -v b="$cm" 'BEGIN { printf (b > 0 ? "%.2f" : "-"), a / b }')"
}
