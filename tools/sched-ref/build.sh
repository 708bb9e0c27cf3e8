#!/bin/sh
# Builds the kernel's scheduler C files against the fake headers in inc/.
set -e
cd "$(dirname "$0")"
# The kernel source the test kernel is built from (scripts/build-kernel).
K=${KSRC:-$(ls -d /var/cache/ipvs-rs/kernel-debug-*/src | head -n 1)}
CF="-std=gnu11 -O1 -fwrapv -Wall -Wno-unused-function -Wno-unused-variable -I inc -I $K/net/netfilter/ipvs"
for s in rr wrr lc wlc sed nq dh sh mh lblc lblcr fo ovf twos; do gcc $CF -c sched_$s.c -o sched_$s.o; done
gcc $CF -c harness.c -o harness.o
gcc $CF -c $K/lib/siphash.c -o siphash64.o
gcc $CF -DBITS_PER_LONG=32 -Dhsiphash_1u32=h32_1u32 -D__hsiphash_unaligned=h32_unaligned \
  -Dsiphash_1u64=s32_1u64 -Dsiphash_2u64=s32_2u64 -Dsiphash_3u64=s32_3u64 -Dsiphash_4u64=s32_4u64 \
  -Dsiphash_1u32=s32_1u32 -Dsiphash_3u32=s32_3u32 -D__siphash_unaligned=s32_unaligned \
  -Dhsiphash_2u32=h32_2u32 -Dhsiphash_3u32=h32_3u32 -Dhsiphash_4u32=h32_4u32 -c $K/lib/siphash.c -o siphash32.o
for t in "$@"; do gcc $CF $t.c sched_*.o harness.o siphash64.o siphash32.o -o $t; done
