# SPDX-License-Identifier: GPL-2.0
# Prints `services` TCP virtual services (default 10,000) of `dests`
# masquerading destinations each (default 10), as `ipvsadm -S -n` prints
# them: in the order ipvsadm sorts services (by address, then port) and
# destinations (likewise), so that a restore of this output saves back
# byte for byte. Used by tests/scale.sh and scripts/bench-ctl:
#   awk -v services=N -v dests=M -f tests/scale_rules.awk
# Service i is 10.1.(i/250).(i%250+1):80; its destination j (1..dests)
# is 172.(16+j).(i/250).(i%250+1):8080 (so at most 65,000 services and 239
# destinations).
BEGIN {
	if (services == "") services = 10000
	if (dests == "") dests = 10
	for (i = 0; i < services; i++) {
		host = sprintf("%d.%d", int(i / 250), i % 250 + 1)
		svc = "-t 10.1." host ":80"
		print "-A " svc " -s rr"
		for (j = 1; j <= dests; j++)
			print "-a " svc " -r 172." 16 + j "." host ":8080 -m -w 1"
	}
}
