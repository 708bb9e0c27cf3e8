#!/bin/bash
# Traffic through virtual services, ours against the C IPVS: TCP and UDP to
# three real servers scheduled round-robin through NAT (port 80), direct
# routing (81), an IP-in-IP tunnel (82) and a persistent NAT service (83).
# The client must reach the same servers with both, and the connection list
# (ipvsadm -Lnc without client ports and expiry), the destinations'
# connection counters and the connection statistics must be identical.
# Then a short UDP timeout empties the table of UDP connections, and a
# destination deleted with connections, alone or with its service, comes
# back with them when added again.
. "$(dirname "$0")/lib.sh"
set -u
trap 'cleanup_all_ns; ipvs_unload >/dev/null 2>&1' EXIT
need_tools socat ipvsadm python3

# The services: port, then ipvsadm options.
services=("80 -m" "81 -g" "82 -i" "83 -m -p 60")

# scenario: sets the services up, sends the traffic, prints what it saw.
scenario() {
	local s port method extra p i
	setup_lvs 3 || { echo "setup failed"; return; }
	for s in "${services[@]}"; do
		read -r port method extra <<<"$s"
		for p in -t -u; do
			# shellcheck disable=SC2086  # a list of options
			d ipvsadm -A $p "$VIP:$port" -s rr $extra
			for i in 1 2 3; do
				d ipvsadm -a $p "$VIP:$port" -r "${RS_ADDR[i]}:$port" "$method"
			done
		done
	done
	# Each service's connections and counters are read right after its
	# requests (and a moment for the last packets): a connection expires
	# 120 s after its TIME_WAIT began, so a listing at the end would show
	# whatever a slow or fast run had left of the first services.
	for s in "${services[@]}"; do
		read -r port method extra <<<"$s"
		for p in tcp udp; do
			echo "$port $p: $(for i in 1 2 3 4; do ask $p "$port" "2$port$i"; done | tr '\n' ' ')"
			sleep 2
			echo "connections:"
			d ipvsadm -Lnc | awk -v p="${p^^}" -v v="$VIP:$port" \
				'NR > 2 && $1 == p && $5 == v { sub(/:[0-9]+$/, "", $4); print $1, $3, $4, $5, $6 }' | sort
			echo "counters:"
			d ipvsadm -Ln "-${p:0:1}" "$VIP:$port" | awk '/->/ && NR > 3 { print $2, $3, $5, $6 }'
		done
	done
	echo "statistics:"
	d ipvsadm -Ln --stats | awk '/->/ { print $2, $3 }'
}

c_vs_ours scenario "traffic, connections and counters"
for s in "${services[@]}"; do
	read -r port method extra <<<"$s"
	for p in tcp udp; do
		answers=$(grep "^$port $p:" <<<"$out")
		check_match "$port $p: the answers" "$port $p: (rs[123] ){4}" "$answers"
		servers=$(tr ' ' '\n' <<<"${answers#*: }" | grep . | sort -u | wc -l)
		if [[ $extra == *-p* ]]; then
			[ "$servers" = 1 ] ||
				fail "$port $p: a persistent client reached several servers"
		else
			[ "$servers" = 3 ] ||
				fail "$port $p: round robin did not reach all three servers"
		fi
	done
done

# Expiry: with a one-second UDP timeout a new UDP connection goes away,
# and the older ones keep the timeout of their last packet: every one that
# had more than 10 s left is still there 3 s later. (Old entries reaching
# their own 300 s meanwhile may go too: the run's speed decides that.)
# udp_conns SECS: the clients of the UDP connections (not templates) with
# more than SECS seconds left, one a line.
udp_conns() {
	d ipvsadm -Lnc | awk -v min="$1" 'NR > 2 && $1 == "UDP" && $3 != "NONE" && $3 != "ASSURED" {
		split($2, t, ":"); if (t[1] * 60 + t[2] > min) print $4 }' | sort
}
d ipvsadm --set 0 0 1
lasting=$(udp_conns 10)
ask udp 80 30001 >/dev/null
sleep 3
after=$(udp_conns -1)
check_eq "UDP connections with time left, 3 s later" "$lasting" "$(comm -12 <(printf '%s\n' "$lasting") <(printf '%s\n' "$after"))"
grep -q ':30001$' <<<"$after" && fail "a UDP connection with a 1 s timeout outlived it"
[ -n "$lasting" ] || fail "no UDP connection with time left to check"

# A destination deleted while a connection uses it waits in the trash;
# added again it comes back with it (its inactive count shows it).
rs=$(ask tcp 80 30002)
i=${rs#rs}
inact() {
	d ipvsadm -Ln -t "$VIP:80" | awk -v a="${RS_ADDR[i]}:80" '$2 == a { print $6 }'
}
before=$(inact)
d ipvsadm -d -t "$VIP:80" -r "${RS_ADDR[i]}:80"
d ipvsadm -a -t "$VIP:80" -r "${RS_ADDR[i]}:80" -m
check_match "inactive connections of $rs before the delete" '[1-9][0-9]*' "$before"
check_eq "inactive connections of $rs after the delete and add" "$before" "$(inact)"

# Deleting the whole service sends its destinations there too; a new
# service with the same address takes them back, connections included,
# their counters started again from zero (C's __ip_vs_update_dest()).
stats() {
	d ipvsadm -Ln --stats -t "$VIP:80" | awk -v a="${RS_ADDR[i]}:80" '$2 == a { print $3, $4 }'
}
before=$(inact) counted=$(stats)
d ipvsadm -D -t "$VIP:80"
d ipvsadm -A -t "$VIP:80" -s rr
d ipvsadm -a -t "$VIP:80" -r "${RS_ADDR[i]}:80" -m
check_match "connections and packets $rs counted before" '[1-9][0-9]* [1-9][0-9]*' "$counted"
check_eq "inactive connections of $rs in a new service at that address" "$before" "$(inact)"
check_eq "connections and packets of $rs in the new service" "0 0" "$(stats)"
exit $RET
