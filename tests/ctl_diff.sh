#!/bin/bash
# Differential test of the control plane: one ipvsadm script, valid and
# invalid commands, run against the C IPVS and against ours. Every command
# must give the same stdout, stderr and exit status, and the listings after
# it (-Ln and -S -n, which also shows thresholds and tunnel settings) must
# be the same; every tenth command, and at the end, also --stats,
# --thresholds and --persistent-conn (each process costs about a second in
# the debug guest, so not after every command).
# Intended difference: the connection table size in the header (the C of
# 7.x sizes its table on demand), which is masked. The SIP persistence
# engine (`--pe sip`) has its own test, tests/pe_sip.sh.
. "$(dirname "$0")/lib.sh"
set -u
trap 'ipvs_unload >/dev/null 2>&1' EXIT

cmds=(
	# services: TCP, UDP, SCTP, IPv6, fwmark; schedulers and flags
	"-A -t 10.0.0.1:80 -s rr"
	"-A -t 10.0.0.1:80 -s rr"
	"-A -t 10.0.0.1:81"
	"-A -u 10.0.0.1:53 -s wrr -p 300"
	"-A --sctp-service 10.0.0.1:9 -s lc"
	"-A -t [2001:db8::1]:443 -s wlc -p 60 -M 64"
	"-A -t [2001:db8::2]:443 -s wlc -p 60 -M 129"
	"-A -f 7 -s sh -b sh-port"
	"-A -f 7 -s sh"
	"-A -f 8 -6 -s dh"
	"-A -t 10.0.0.2:80 -s nosuch"
	"-A -t 10.0.0.3:80 -s sed -o"
	"-A -t 10.0.0.4:80 -s nq -p 10 -M 255.255.0.0"
	"-A -t 10.0.0.5:80 -s fo"
	"-A -t 10.0.0.6:80 -s ovf"
	"-A -t 10.0.0.7:80 -s mh -b mh-fallback,mh-port"
	"-A -t 10.0.0.8:80 -s twos"
	"-A -t 10.0.0.9:80 -s rr --pe nosuch"
	# edits
	"-E -t 10.0.0.1:80 -s wrr"
	"-E -t 10.0.0.1:80 -s rr -p 120"
	"-E -t 10.0.0.1:81 -s none"
	"-E -t 10.0.0.99:80 -s rr"
	"-E -f 7 -s rr -b sh-fallback"
	"-E -t [2001:db8::1]:443 -s rr -p 30 -M 0"
	"-E -t 10.0.0.3:80 -s sed"
	# destinations
	"-a -t 10.0.0.1:80 -r 192.168.1.2:8080 -m -w 3"
	"-a -t 10.0.0.1:80 -r 192.168.1.3 -g"
	"-a -t 10.0.0.1:80 -r 192.168.1.3 -g"
	"-a -t 10.0.0.1:80 -r 192.168.1.4 -i -x 100 -y 50"
	"-a -t 10.0.0.1:80 -r 192.168.1.5 -i -x 10 -y 50"
	"-a -t 10.0.0.1:80 -r 192.168.1.6 -m -w -1"
	"-a -t 10.0.0.1:80 -r 224.0.0.1 -g"
	"-a -t 10.0.0.1:80 -r 255.255.255.255 -g"
	"-a -t 10.0.0.1:80 -r 127.0.0.1 -g"
	"-a -t 10.0.0.99:80 -r 192.168.1.5 -g"
	"-a -u 10.0.0.1:53 -r 192.168.1.2 -m -w 0"
	"-a -u 10.0.0.1:53 -r 192.168.1.3:5353 -m -w 65535"
	"-a --sctp-service 10.0.0.1:9 -r 192.168.1.2 -g"
	"-a -t [2001:db8::1]:443 -r [2001:db8::10]:443 -m"
	"-a -t [2001:db8::1]:443 -r 192.168.1.7 -i"
	"-a -t [2001:db8::1]:443 -r 192.168.1.8 -m"
	"-a -t [2001:db8::1]:443 -r [fe80::1] -g"
	"-a -f 7 -r 192.168.1.9 -g -w 2"
	"-a -f 7 -r 192.168.1.10 -i --tun-type gue --tun-port 6080"
	"-a -f 7 -r 192.168.1.11 -i --tun-type gue"
	"-a -f 7 -r 192.168.1.12 -i --tun-type gre --tun-nocsum"
	"-e -t 10.0.0.1:80 -r 192.168.1.2:8080 -m -w 0"
	"-e -t 10.0.0.1:80 -r 192.168.1.2:8080 -g -w 5 -x 20 -y 10"
	"-e -t 10.0.0.1:80 -r 192.168.1.99 -m"
	"-e -t 10.0.0.99:80 -r 192.168.1.2 -m"
	"-e -f 7 -r 192.168.1.9 -m -w 1"
	"-d -t 10.0.0.1:80 -r 192.168.1.3"
	"-d -t 10.0.0.1:80 -r 192.168.1.3"
	"-d -t 10.0.0.99:80 -r 192.168.1.3"
	"-d -t [2001:db8::1]:443 -r 192.168.1.7"
	# timeouts, zero, delete, flush
	"--set 10 20 30"
	"--set 0 0 0"
	"--set 0 5 0"
	"-Z"
	"-Z -t 10.0.0.1:80"
	"-Z -t 10.0.0.99:80"
	"-D -u 10.0.0.1:53"
	"-D -u 10.0.0.1:53"
	"-D -f 8 -6"
	"-D -t 10.0.0.99:80"
	"-L -t 10.0.0.1:80 -n"
	"-L -t 10.0.0.99:80 -n"
	"-L -f 7 -n --exact"
	"-L -n --timeout"
	"-C"
	"-A -t 10.0.0.1:80 -s rr"
	"-a -t 10.0.0.1:80 -r 192.168.1.2 -m"
	"--set 900 120 300"
	"-C"
)

run_script() {
	local c n=0
	for c in "${cmds[@]}"; do
		echo "# ipvsadm $c"
		# shellcheck disable=SC2086  # the words of a command
		ipvsadm $c 2>&1
		echo "exit $?"
		ipvsadm -Ln 2>&1
		ipvsadm -S -n 2>&1
		n=$((n + 1))
		[ $((n % 10)) = 0 ] && full_listing
	done
	full_listing
}

out=$(mktemp -d)
ipvs_load c || exit $ksft_fail
run_script | mask_size > "$out/c"
ipvs_unload || exit $ksft_fail
ipvs_load rust || exit $ksft_fail
run_script | mask_size > "$out/rust"
ipvs_unload || exit $ksft_fail

if ! diff -u "$out/c" "$out/rust"; then
	fail "ipvsadm script (${#cmds[@]} commands): output differs from the C IPVS"
fi
rm -rf "$out"
exit $RET
