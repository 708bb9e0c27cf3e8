#!/bin/bash
# A persistent NAT service whose client's server is set to weight 0 (made
# quiescent): the client's template keeps sending its new connections
# there, unless the sysctl expire_quiescent_template is on, when the next
# one stops using the template (C keeps it, listed with real port 65535,
# until it expires) and goes to a server with weight. Then a template to a
# real server on port 65535: C passes it by as if it were out of use, so
# each new connection of the client makes another. Ours against the C
# IPVS, and what C does spelled out.
. "$(dirname "$0")/lib.sh"
set -u
trap 'cleanup_all_ns; ipvs_unload >/dev/null 2>&1' EXIT
need_tools socat ipvsadm python3

scenario() {
	local expire first i
	setup_lvs 2 || { echo "setup failed"; return; }
	d ipvsadm -A -t "$VIP:80" -s rr -p 60
	for i in 1 2; do
		d ipvsadm -a -t "$VIP:80" -r "${RS_ADDR[i]}:80" -m
	done
	for expire in 0 1; do
		d sysctl -qw "net.ipv4.vs.expire_quiescent_template=$expire"
		first=$(ask tcp 80 "3${expire}001")
		i=${first#rs}
		d ipvsadm -e -t "$VIP:80" -r "${RS_ADDR[i]}:80" -m -w 0
		echo "$expire: $first then $(ask tcp 80 "3${expire}002") $(ask tcp 80 "3${expire}003")"
		d ipvsadm -e -t "$VIP:80" -r "${RS_ADDR[i]}:80" -m -w 1
	done
	# The templates (protocol, state, client, virtual, real server).
	d ipvsadm -Lnc | awk '$4 ~ /:0$/ { print "template:", $1, $3, $4, $5, $6 }' | sort
}

c_vs_ours scenario "servers reached"

# Off: the quiescent server keeps its client. On: the client moves to the
# other server and stays there.
read -r _ a _ b c <<<"$(grep '^0:' <<<"$out")"
[[ $a == rs[12] && $b == "$a" && $c == "$a" ]] ||
	fail "off: the client left its quiescent server ($a then $b $c)"
read -r _ a _ b c <<<"$(grep '^1:' <<<"$out")"
[[ $a == rs[12] && $b == rs[12] && $b != "$a" && $c == "$b" ]] ||
	fail "on: the client did not move once to the other server ($a then $b $c)"
# The template to the quiescent server stays, out of use (real port
# 65535), beside the new one, until it expires.
check_eq "templates" "$(printf 'template: TCP 10.0.0.2:0 %s\n' "$VIP:80 ${RS_ADDR[${b#rs}]}:80" \
	"$VIP:80 ${RS_ADDR[${a#rs}]}:65535" | sort)" \
	"$(awk '$1 == "template:" { $3 = ""; print }' <<<"$out" | sed 's/  / /' | sort)"

port_65535() {
	setup_lvs 1 || { echo "setup failed"; return; }
	d ipvsadm -A -t "$VIP:80" -s rr -p 60
	d ipvsadm -a -t "$VIP:80" -r "${RS_ADDR[1]}:65535" -m
	# Nothing listens there: the server refuses, the templates stay.
	echo "$(ask tcp 80 32001) $(ask tcp 80 32002)"
	d ipvsadm -Lnc | awk '$4 ~ /:0$/ { print "template:", $1, $4, $5, $6 }'
}

cleanup_all_ns
c_vs_ours port_65535 "templates to port 65535"
check_eq "templates to port 65535" \
	"$(printf 'template: TCP 10.0.0.2:0 %s\n' "$VIP:80 ${RS_ADDR[1]}:65535" "$VIP:80 ${RS_ADDR[1]}:65535")" \
	"$(grep '^template:' <<<"$out")"
exit $RET
