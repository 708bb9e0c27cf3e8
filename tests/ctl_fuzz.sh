#!/bin/bash
# Randomized differential test of the control plane: tests/ctl_fuzz.py
# makes a random ipvsadm script from a seed (services of every protocol and
# family, fwmarks, schedulers valid and not, persistence, netmasks,
# scheduler flags, one-packet scheduling, --pe sip; destinations with every
# forwarding method, weights, thresholds and tunnel settings, valid or not;
# edits, deletions, zeroing, flushes, timeouts and listings), biased
# towards commands that hit what earlier commands made. The script runs on
# the C IPVS, then on ours, each freshly loaded. Every command must give the
# same stdout, stderr and exit status, and `ipvsadm -S -n` after it must
# print the same rules; every tenth command, and at the end, also -Ln,
# --stats, --thresholds, --persistent-conn and --timeout (each process costs
# about a second in the debug guest, so not after every command).
# ctl_diff.sh is the fixed script of the same kind; this one finds what
# nobody thought of writing down.
# Intended difference: the connection table size in the header (the C of
# 7.x sizes its table on demand), which is masked.
#
# Environment: FUZZ_SEEDS (default: one fixed seed), FUZZ_COUNT commands
# a seed (default 100); scripts/vm-run passes only TEST_* and IPVS_* on into
# the guest, so from the host they are TEST_FUZZ_SEEDS and TEST_FUZZ_COUNT.
# FUZZ_VERBOSE=1 (TEST_FUZZ_VERBOSE) also shows what each command printed
# on the C IPVS. A failure names its seed: rerun it with
#   TEST_FUZZ_SEEDS=SEED scripts/check-guest tests/ctl_fuzz.sh
# and see the script with `python3 tests/ctl_fuzz.py SEED COUNT`.
. "$(dirname "$0")/lib.sh"
set -u
need_tools ipvsadm python3
: "${FUZZ_SEEDS:=${TEST_FUZZ_SEEDS:-1}}"
: "${FUZZ_COUNT:=${TEST_FUZZ_COUNT:-100}}"
: "${FUZZ_VERBOSE:=${TEST_FUZZ_VERBOSE:-0}}"
tmp=$(mktemp -d)
trap 'ipvs_unload >/dev/null 2>&1; rm -rf "$tmp"' EXIT

# periodic_listing: what a tenth command and the end of a script show.
periodic_listing() {
	ipvsadm -Ln 2>&1
	full_listing
	ipvsadm -Ln --timeout 2>&1
}

# run_script: runs the commands of cmds[] on the IPVS loaded now.
run_script() {
	local c n=0 words
	for c in "${cmds[@]}"; do
		echo "# ipvsadm $c"
		# Split into words without globbing ([2001:db8::1]:80 is a glob).
		read -ra words <<<"$c"
		ipvsadm "${words[@]}" 2>&1
		echo "exit $?"
		ipvsadm -S -n 2>&1
		n=$((n + 1))
		[ $((n % 10)) = 0 ] && periodic_listing
	done
	periodic_listing
}

# first_difference C_FILE OUR_FILE: the command after which the outputs
# first differ.
first_difference() {
	awk 'NR == FNR { c[FNR] = $0; next }
	     /^# ipvsadm / { cmd = $0 }
	     c[FNR] != $0 { print cmd; found = 1; exit }
	     END { if (!found) print "(the C output is longer)" }' "$1" "$2"
}

for seed in $FUZZ_SEEDS; do
	mapfile -t cmds < <(python3 "$(dirname "$0")/ctl_fuzz.py" "$seed" "$FUZZ_COUNT")
	if [ "${#cmds[@]}" != "$FUZZ_COUNT" ]; then
		fail "seed $seed: ctl_fuzz.py made ${#cmds[@]} commands, not $FUZZ_COUNT"
		continue
	fi
	for impl in c rust; do
		ipvs_load "$impl" || exit $ksft_fail
		run_script | mask_size > "$tmp/$impl"
	done
	ipvs_unload || exit $ksft_fail
	# The comparison means something only if the commands ran and some
	# of them did what they asked.
	ran=$(grep -c '^exit ' "$tmp/c") ok=$(grep -c '^exit 0$' "$tmp/c")
	echo "# seed $seed: $ran commands, $ok succeeded on the C IPVS"
	[ "$ran" = "$FUZZ_COUNT" ] || fail "seed $seed: $ran commands ran, not $FUZZ_COUNT"
	[ "$ok" -gt 0 ] || fail "seed $seed: no command succeeded on the C IPVS"
	[ "$FUZZ_VERBOSE" = 1 ] && awk '/^# ipvsadm /{ p = 1 } p; /^exit /{ p = 0 }' "$tmp/c"
	if ! diff -u --label "C IPVS" --label ours "$tmp/c" "$tmp/rust"; then
		fail "seed $seed: output differs from the C IPVS, first after" \
			"'$(first_difference "$tmp/c" "$tmp/rust")'" \
			"(TEST_FUZZ_SEEDS=$seed TEST_FUZZ_COUNT=$FUZZ_COUNT)"
	fi
done
exit $RET
