#!/bin/bash
# A connection table far smaller than its connections: with
# conn_tab_bits=8 (256 buckets), 2,000 UDP flows through a NAT service each
# send two requests and get two answers. Every flow must stay one
# connection (its second request and both answers found in the table),
# whatever the table does to hold them (ours grows its stripes of buckets;
# the C IPVS of 7.x resizes its table). Then each flow sends once more
# with a UDP timeout of 2 s, the table empties (ours shrinks its stripes
# back), and the 2,000 flows come again, to a table that must grow anew.
# The connection counts, the service's counters and the answers must be
# the same as with the C IPVS.
. "$(dirname "$0")/lib.sh"
set -u
tmp=$(mktemp -d)
trap 'cleanup_all_ns; ipvs_unload >/dev/null 2>&1; rm -rf "$tmp"' EXIT
need_tools ipvsadm python3

FLOWS=2000
# The client: FLOWS sockets, from ports 20000 and up, in batches small
# enough for the servers' receive buffers, each sending ROUNDS requests
# one after the other; prints how many answers came back in each round.
CLIENT='
import resource, select, socket, sys
flows, vip, rounds = int(sys.argv[1]), sys.argv[2], int(sys.argv[3])
resource.setrlimit(resource.RLIMIT_NOFILE, (flows + 64, flows + 64))
socks = []
for i in range(flows):
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.bind(("10.0.0.2", 20000 + i))
    s.setblocking(False)
    socks.append(s)
def round_trip(batch):
    got = 0
    for first in range(0, flows, batch):
        part = socks[first:first + batch]
        for s in part:
            s.sendto(b"x", (vip, 80))
        # poll(), not select(): the descriptors go past 1024.
        poller = select.poll()
        waiting = {s.fileno(): s for s in part}
        for fd in waiting:
            poller.register(fd, select.POLLIN)
        while waiting:
            ready = poller.poll(3000)
            if not ready:
                break
            for fd, _ in ready:
                waiting.pop(fd).recv(64)
                poller.unregister(fd)
                got += 1
    return got
print("answers:", *(round_trip(100) for _ in range(rounds)))
'

# scenario: the service, the traffic, what the director counted.
scenario() {
	setup_lvs 2 || { echo "setup failed"; return; }
	ip netns exec "$director" ipvsadm -A -u "$VIP:80" -s rr
	for i in 1 2; do
		ip netns exec "$director" ipvsadm -a -u "$VIP:80" -r "${RS_ADDR[i]}:80" -m
	done
	ip netns exec "$client" python3 -c "$CLIENT" "$FLOWS" "$VIP" 2
	counts
	d ipvsadm --set 0 0 2
	ip netns exec "$client" python3 -c "$CLIENT" "$FLOWS" "$VIP" 1
	busywait 60000 no_conns
	echo "after the timeout: $(conns)"
	d ipvsadm --set 0 0 300
	ip netns exec "$client" python3 -c "$CLIENT" "$FLOWS" "$VIP" 2
	counts
}

# conns: how many UDP connections the director has.
conns() {
	d ipvsadm -Lnc | grep -c '^UDP'
}

no_conns() {
	[ "$(conns)" = 0 ]
}

# counts: the connections, and Conns InPkts OutPkts of the service and of
# each destination.
counts() {
	echo "connections: $(conns)"
	d ipvsadm -Ln --stats | awk '/^UDP|->/ && NR > 3 { print $2, $3, $4, $5 }'
}

ipvs_load c conn_tab_bits=8 || exit $ksft_fail
scenario >"$tmp/c" 2>&1
cleanup_all_ns
ipvs_load "$IPVS_IMPL" conn_tab_bits=8 || exit $ksft_fail
scenario >"$tmp/out" 2>&1
echo "# $IPVS_IMPL:"
sed 's/^/#   /' "$tmp/out"
check_eq "answers and counters" "$(cat "$tmp/c")" "$(cat "$tmp/out")"
check_eq "answers" "answers: $FLOWS $FLOWS
answers: $FLOWS
answers: $FLOWS $FLOWS" "$(grep '^answers' "$tmp/out")"
check_eq "connections" "connections: $FLOWS
after the timeout: 0
connections: $FLOWS" "$(grep '^connections\|^after' "$tmp/out")"
exit $RET
