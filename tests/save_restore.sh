#!/bin/bash
# Save and restore: a varied table (TCP, UDP, SCTP, IPv6, fwmark of both
# families, persistence with netmasks, one-packet scheduling, scheduler
# flags, the "none" scheduler, every forwarding method, weights, thresholds,
# every tunnel type and option), built by one `ipvsadm -R` with adds and
# edits. Then `ipvsadm -S -n`, `-C`, `-R` of what -S printed, `-S -n` again
# must print the same rules, and the rules must be the C IPVS's for the same
# commands. ipvsadm 1.31 does not save thresholds, so the table as built is
# also compared with C's by `ipvsadm -Ln --thresholds`. Not covered:
# `--pe sip`, which only the C IPVS has.
. "$(dirname "$0")/lib.sh"
set -u
need_tools ipvsadm
tmp=$(mktemp -d)
trap 'ipvs_unload >/dev/null 2>&1; rm -rf "$tmp"' EXIT

cat > "$tmp/cmds" <<'EOF'
-A -t 10.0.0.1:80 -s wrr
-a -t 10.0.0.1:80 -r 192.168.1.2:8080 -m -w 3
-a -t 10.0.0.1:80 -r 192.168.1.3 -g -w 0
-a -t 10.0.0.1:80 -r 192.168.1.4 -i -w 65535 -x 100 -y 50
-a -t 10.0.0.1:80 -r 192.168.1.5 -i --tun-type gue --tun-port 6080
-a -t 10.0.0.1:80 -r 192.168.1.6 -i --tun-type gue --tun-port 6081 --tun-remcsum
-a -t 10.0.0.1:80 -r 192.168.1.7 -i --tun-type gue --tun-port 6082 --tun-csum
-a -t 10.0.0.1:80 -r 192.168.1.8 -i --tun-type gre --tun-nocsum
-a -t 10.0.0.1:80 -r 192.168.1.9 -i --tun-type gre --tun-csum
-a -t 10.0.0.1:80 -r 192.168.1.10 -i --tun-type ipip -x 7
-e -t 10.0.0.1:80 -r 192.168.1.3 -g -w 2 -x 20 -y 9
-A -t 10.0.0.1:443 -s lc -p
-a -t 10.0.0.1:443 -r 192.168.1.2 -g
-A -u 10.0.0.1:53 -s sh -b sh-fallback,sh-port -o -p 120 -M 255.255.255.0
-a -u 10.0.0.1:53 -r 192.168.1.2:5353 -m -w 10
-a -u 10.0.0.1:53 -r 192.168.1.3:5353 -m -w 20
-A --sctp-service 10.0.0.2:9 -s nq
-a --sctp-service 10.0.0.2:9 -r 192.168.1.11 -g -x 1000
-A -t 10.0.0.3:80 -s none
-A -t 10.0.0.4:0 -s rr -p 30
-E -t 10.0.0.4:0 -s sed -p 3600 -M 255.255.0.0
-a -t 10.0.0.4:0 -r 192.168.1.12 -m
-A -t [2001:db8::1]:443 -s wlc -p 60 -M 64
-a -t [2001:db8::1]:443 -r [2001:db8::10]:8443 -m -w 5
-a -t [2001:db8::1]:443 -r [2001:db8::11]:443 -g
-a -t [2001:db8::1]:443 -r 192.168.1.13 -i --tun-type gue --tun-port 5555
-A -u [2001:db8::2]:53 -s fo -o
-a -u [2001:db8::2]:53 -r [2001:db8::20]:53 -g -w 4 -x 3 -y 1
-A -f 7 -s mh -b mh-fallback,mh-port
-a -f 7 -r 192.168.1.14 -g -w 2
-a -f 7 -r 192.168.1.15 -i --tun-type gre
-A -f 8 -6 -s dh -p 10 -M 128
-a -f 8 -6 -r [2001:db8::30]:8080 -m
-A -f 9 -s lblcr
-E -f 9 -s sh -b sh-port
-A -t 10.0.0.5:8080 -s twos
-a -t 10.0.0.5:8080 -r 192.168.1.16:80 -m -w 100
-a -t 10.0.0.5:8080 -r 192.168.1.17:80 -m -w 50
-d -t 10.0.0.5:8080 -r 192.168.1.16:80
EOF

# round_trip: builds the table, then saves, clears, restores and saves
# again; sets thresholds to the listing of the table as built, saved,
# cleared and restored to the three -S listings.
round_trip() {
	local status
	ipvsadm -R < "$tmp/cmds"
	status=$?
	[ "$status" = 0 ] || fail "ipvsadm -R of the commands exited $status"
	thresholds=$(ipvsadm -Ln --thresholds 2>&1)
	# Without the header line, which has C's dynamic table size.
	thresholds=${thresholds#*$'\n'}
	ipvsadm -S -n > "$tmp/saved"
	saved=$(< "$tmp/saved")
	ipvsadm -C
	cleared=$(ipvsadm -S -n)
	ipvsadm -R < "$tmp/saved"
	status=$?
	[ "$status" = 0 ] || fail "ipvsadm -R of the saved rules exited $status"
	restored=$(ipvsadm -S -n)
}

# Every rule the commands leave must be saved: 12 services, 22 destinations
# (count_rules).

declare -A saved_by thresholds_by
for impl in c rust; do
	ipvs_load "$impl" || exit $ksft_fail
	round_trip
	echo "$impl: ipvsadm -S -n:"
	printf '%s\n' "$saved" | sed 's/^/    /'
	check_eq "$impl: rules saved" "12 services, 22 destinations" "$(count_rules "$saved")"
	check_eq "$impl: ipvsadm -S -n after -C" "" "$cleared"
	check_eq "$impl: ipvsadm -S -n after -R of the saved rules" "$saved" "$restored"
	saved_by[$impl]=$saved
	thresholds_by[$impl]=$thresholds
done
check_eq "ipvsadm -S -n (C vs rust)" "${saved_by[c]}" "${saved_by[rust]}"
check_eq "ipvsadm -Ln --thresholds (C vs rust)" "${thresholds_by[c]}" "${thresholds_by[rust]}"
if [[ ! ${thresholds_by[rust]} =~ 192\.168\.1\.4:80\ +100\ +50\  ]]; then
	fail "rust: 192.168.1.4:80 not listed with thresholds 100 and 50"
	printf '%s\n' "${thresholds_by[rust]}" | sed 's/^/    /' >&2
fi
exit $RET
