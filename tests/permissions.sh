#!/bin/bash
# Without CAP_NET_ADMIN nothing in IPVS can be read or changed, exactly as
# under the C IPVS:
# - as nobody (no groups, no capabilities), every ipvsadm command, the
#   listing and each write (-A -E -D -a -e -d -C -Z -R --set --start-daemon
#   --stop-daemon), fails with "Permission denied" (EPERM: ipvsadm's
#   start-up GET_INFO is refused already);
# - so tests/perm_client.py makes each kernel call itself, valid for the
#   table set up here: every generic netlink command (GENL_ADMIN_PERM) and
#   every IP_VS_SO_SET_*/GET_* sockopt (on a UDP socket, which needs no
#   privilege) gets EPERM, as nobody and as root without CAP_NET_ADMIN;
# - as root of a user namespace with its own network namespace: generic
#   netlink still refuses (its check is against the initial user
#   namespace), sockopt serves (its check is against the namespace owner);
# - the table, timeouts and sync daemons are the same afterwards;
# - as a control, root's same calls (without the sync daemon, which only
#   C has, and the numbers no IPVS serves) all succeed.
# The counters that -Z would clear are zero here (no traffic), so only the
# exit statuses show that zeroing was refused.
. "$(dirname "$0")/lib.sh"
set -u
need_tools setpriv unshare ipvsadm python3
export PYTHONDONTWRITEBYTECODE=1
# Absolute: nobody runs it from /, where it can read.
client=$(cd "$(dirname "$0")" && pwd)/perm_client.py
tmp=$(mktemp -d)
chmod 755 "$tmp"
trap 'ipvs_unload >/dev/null 2>&1; rm -rf "$tmp"' EXIT

table='-A -t 10.0.0.1:80 -s rr
-a -t 10.0.0.1:80 -r 192.168.1.2 -m
-a -t 10.0.0.1:80 -r 192.168.1.3 -m
-A -t 10.0.0.2:80 -s rr
-A -t 10.0.0.3:80 -s rr
-a -t 10.0.0.3:80 -r 192.168.1.2 -m
-a -t 10.0.0.3:80 -r 192.168.1.3 -m
-A -t 10.0.0.4:80 -s rr'
ipvsadm_cmds=(
	"-Ln"
	"-A -t 10.0.0.5:80 -s rr"
	"-E -t 10.0.0.1:80 -s wrr"
	"-D -t 10.0.0.2:80"
	"-a -t 10.0.0.1:80 -r 192.168.1.4 -m"
	"-e -t 10.0.0.1:80 -r 192.168.1.2 -m -w 7"
	"-d -t 10.0.0.1:80 -r 192.168.1.3"
	"-C"
	"-Z"
	"-R"
	"--set 100 20 30"
	"--start-daemon master --mcast-interface lo"
	"--stop-daemon master"
)
# Runs ipvsadm with each argument's words (-R gets one rule on stdin).
cat > "$tmp/ipvsadm_each.sh" <<'EOF2'
for c in "$@"; do
	echo "# ipvsadm $c"
	if [ "$c" = -R ]; then
		ipvsadm -R <<<"-A -t 10.0.0.5:80 -s rr" 2>&1
	else
		# shellcheck disable=SC2086  # the words of a command
		ipvsadm $c 2>&1
	fi
	echo "exit $?"
done
EOF2

nobody=(setpriv --reuid=65534 --regid=65534 --clear-groups --inh-caps=-all)
no_net_admin=(setpriv --inh-caps=-net_admin --bounding-set=-net_admin)

state() {
	ipvsadm -S -n 2>&1
	ipvsadm -Ln --timeout 2>&1
	ipvsadm -Ln --daemon 2>&1
}

# check_all WHAT RESULT CALLS OUTPUT: OUTPUT has CALLS lines ("label:
# result") that end in RESULT, not counting those for numbers that no IPVS
# serves, and no others.
check_all() {
	local what=$1 want=$2 calls=$3 line bad=() n=0
	while IFS= read -r line; do
		[[ $line =~ ^(genl\ (UNSPEC|SET_INFO|command\ [0-9]+)|sockopt\ (set|get)\ number\ [0-9]+): ]] &&
			continue
		n=$((n + 1))
		[[ $line == *": $want" ]] || bad+=("$line")
	done <<<"$4"
	[ ${#bad[@]} = 0 ] || fail "$what: not $want: $(printf '%s; ' "${bad[@]}")"
	check_eq "$what: calls made" "$calls" "$n"
}

# run_impl IMPL: sets out to everything the unprivileged calls printed.
run_impl() {
	local impl=$1 before after nobody_ipvsadm nobody_calls nocap nocap_calls userns root c
	ipvs_load "$impl" || return
	ipvsadm -R <<<"$table" || { fail "$impl: setting up the table failed"; return; }
	before=$(state)

	nobody_ipvsadm=$(cd / && "${nobody[@]}" bash "$tmp/ipvsadm_each.sh" "${ipvsadm_cmds[@]}")
	nobody_calls=$(cd / && "${nobody[@]}" python3 "$client" 2>&1)
	nocap=$("${no_net_admin[@]}" bash "$tmp/ipvsadm_each.sh" "-A -t 10.0.0.5:80 -s rr")
	nocap_calls=$("${no_net_admin[@]}" python3 "$client" 2>&1)
	userns=$(cd / && "${nobody[@]}" unshare --user --map-root-user --net \
		python3 "$client" --skip-daemon 2>&1)
	after=$(state)
	out="$nobody_ipvsadm"$'\n'"$nocap"$'\n'"# calls as nobody"$'\n'"$nobody_calls"
	out+=$'\n'"# calls as root in a user namespace"$'\n'"$userns"
	echo "$impl:"
	printf '%s\n' "$out" | sed 's/^/    /'

	check_eq "$impl: the table, timeouts and daemons after the calls" "$before" "$after"
	while IFS= read -r c; do
		case $c in
		'exit 0') fail "$impl: an unprivileged ipvsadm succeeded" ;;
		'# ipvsadm '* | 'exit '* | *'Permission denied'* | 'Are you sure'*) ;;
		*) fail "$impl: unexpected ipvsadm output '$c'" ;;
		esac
	done <<<"$nobody_ipvsadm"$'\n'"$nocap"
	[[ $nobody_ipvsadm == *'Permission denied'* ]] ||
		fail "$impl: no 'Permission denied' from ipvsadm as nobody"
	# Generic netlink: 17 commands, flush; sockopt: 7 gets, 15 sets, flush.
	check_all "$impl: calls as nobody" EPERM 41 "$nobody_calls"
	check_eq "$impl: calls as root without CAP_NET_ADMIN (vs as nobody)" \
		"$nobody_calls" "$nocap_calls"
	check_all "$impl: generic netlink in a user namespace" EPERM 16 \
		"$(grep '^genl' <<<"$userns")"
	[[ $userns == *$'\nsockopt set ADD: OK\n'* ]] ||
		fail "$impl: sockopt refused root of the user namespace owning the netns"

	# The control: root's calls are valid and do get through.
	root=$(python3 "$client" --skip-daemon --skip-unknown 2>&1)
	check_all "$impl: calls as root" OK 32 "$root"
	return 0
}

declare -A calls
for impl in c rust; do
	run_impl "$impl" || exit $ksft_fail
	calls[$impl]=$out
done
check_eq "unprivileged ipvsadm and calls (C vs rust)" "${calls[c]}" "${calls[rust]}"
exit $RET
