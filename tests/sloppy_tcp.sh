#!/bin/bash
# The sysctl sloppy_tcp: off, only a SYN makes a connection to a TCP
# service; on, any TCP packet but a RST does. A bare ACK and a bare RST
# from the client to a NAT service, with it off and on; the connection
# entries they leave (and so the state the first packet and the real
# server's answer give one), ours against the C IPVS, and what C does
# spelled out.
. "$(dirname "$0")/lib.sh"
set -u
trap 'cleanup_all_ns; ipvs_unload >/dev/null 2>&1' EXIT
need_tools ipvsadm python3

# send FLAGS SPORT: one TCP segment with FLAGS (a number) from the
# client's port SPORT to VIP:80, through a raw socket.
SEND='
import socket, sys
sys.path.insert(0, sys.argv[1])
from malformed_sender import tcp
s = socket.socket(socket.AF_INET, socket.SOCK_RAW, socket.IPPROTO_TCP)
seg = tcp(int(sys.argv[3]), 80, int(sys.argv[2]), src="10.0.0.2", dst=sys.argv[4])
s.sendto(seg, (sys.argv[4], 0))
'
send() {
	ip netns exec "$client" python3 -c "$SEND" "$(dirname "$0")" "$1" "$2" "$VIP"
}

scenario() {
	local sloppy i
	setup_lvs 2 || { echo "setup failed"; return; }
	d ipvsadm -A -t "$VIP:80" -s rr
	for i in 1 2; do
		d ipvsadm -a -t "$VIP:80" -r "${RS_ADDR[i]}:80" -m
	done
	for sloppy in 0 1; do
		d sysctl -qw "net.ipv4.vs.sloppy_tcp=$sloppy"
		# ACK (0x10) and RST (0x04).
		send 16 "4${sloppy}001"
		send 4 "4${sloppy}002"
	done
	sleep 1
	# Protocol, state, client, virtual address, real server.
	d ipvsadm -Lnc | awk 'NR > 2 { print $1, $3, $4, $5, $6 }' | sort
}

c_vs_ours scenario "connection entries"

# Only the ACK with sloppy_tcp on makes one; the real server answers it
# with a RST, which closes it.
check_match "entries" "TCP CLOSE 10\.0\.0\.2:41001 ${VIP//./\\.}:80 192\.168\.100\.1[12]:80" "$out"
exit $RET
