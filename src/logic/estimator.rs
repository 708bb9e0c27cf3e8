// SPDX-License-Identifier: GPL-2.0

//! The rate estimator: every two seconds, the growth of each counter over
//! the last period goes into an exponentially weighted moving average,
//! `avg += (rate - avg) / 4`, kept in fixed point (conns and packets per
//! second scaled by 2^10, bytes per second by 2^5).
//!
//! C: `ip_vs_chain_estimation()`, `ip_vs_zero_estimator()` and
//! `ip_vs_read_estimator()` in
//! [`net/netfilter/ipvs/ip_vs_est.c`](srctree/net/netfilter/ipvs/ip_vs_est.c)

use super::stats::Kstats;

/// Seconds between two samples; the shifts below divide by it.
pub(crate) const PERIOD_SECS: u32 = 2;

/// Counters, or rates, in the estimator's order: connections, incoming
/// packets, outgoing packets, incoming bytes, outgoing bytes.
pub(crate) type Counts = [u64; 5];

/// What turns a counter's growth over one period into a scaled rate: the
/// scale (2^10 or 2^5) over the period (2^1).
const RATE_SHIFT: [u32; 5] = [9, 9, 9, 4, 4];

/// How a scaled average is read back: what rounds it, then the scale.
const READ: [(u64, u32); 5] = [(0x1FF, 10), (0x1FF, 10), (0x1FF, 10), (0xF, 5), (0xF, 5)];

/// The estimator of one set of counters (C's `struct ip_vs_estimator`).
///
/// A new one is all zeros, as C's is in a zeroed allocation: the counters
/// it follows start at zero too, so its first sample is their growth since
/// they were created. One stopped and started again (a destination revived
/// from the trash) keeps its state, as in C: its first sample after that
/// is the growth since its last one.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub(crate) struct Estimator {
    /// The counters at the last sample (`last_conns`...), on the scale of
    /// the counters it is given.
    pub(crate) last: Counts,
    /// The scaled averages (`cps`, `inpps`, `outpps`, `inbps`, `outbps`).
    pub(crate) avg: Counts,
}

impl Estimator {
    /// One period passed; the counters are now `now`
    /// (`ip_vs_chain_estimation()`).
    pub(crate) fn estimate(&mut self, now: &Counts) {
        for i in 0..5 {
            // C: rate = (kstats.x - last_x) << shift, in u64.
            let rate = now[i]
                .wrapping_sub(self.last[i])
                .wrapping_shl(RATE_SHIFT[i]);
            self.last[i] = now[i];
            // C: e->x += ((s64)rate - (s64)e->x) >> 2, an arithmetic shift.
            let step = (rate as i64).wrapping_sub(self.avg[i] as i64) >> 2;
            self.avg[i] = self.avg[i].wrapping_add(step as u64);
        }
    }

    /// The counters, at `now`, are set back to zero (`ipvsadm -Z`,
    /// `ip_vs_zero_stats()` with `ip_vs_zero_estimator()`): the averages
    /// restart from zero, and the next sample is still the growth since
    /// the last one. C keeps its counters and moves a zero point instead;
    /// its `last_x` stays the counter at the last sample, so the next
    /// sample there also counts what came between that sample and the
    /// zeroing. Here the counters themselves restart, so the last sample
    /// moves down by what they held (modulo 2^64, as they are).
    pub(crate) fn zero(&mut self, now: &Counts) {
        for (last, now) in self.last.iter_mut().zip(now) {
            *last = last.wrapping_sub(*now);
        }
        self.avg = [0; 5];
    }

    /// The rates the averages stand for (`ip_vs_read_estimator()`).
    pub(crate) fn rates(&self) -> Counts {
        read(&self.avg)
    }
}

/// The rates scaled averages `avg` stand for (`ip_vs_read_estimator()`).
fn read(avg: &Counts) -> Counts {
    let mut r = [0; 5];
    for (i, r) in r.iter_mut().enumerate() {
        let (round, shift) = READ[i];
        *r = avg[i].wrapping_add(round) >> shift;
    }
    r
}

impl Kstats {
    /// These counters with the rates `r` (in the estimator's order).
    pub(crate) fn with_rates(self, r: &Counts) -> Kstats {
        Kstats {
            cps: r[0],
            inpps: r[1],
            outpps: r[2],
            inbps: r[3],
            outbps: r[4],
            ..self
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    // Every expected value below is worked out by hand from the C
    // expressions of ip_vs_est.c:
    //   ip_vs_chain_estimation(): rate = delta << 9 (conns, packets) or
    //     << 4 (bytes); avg += ((s64)rate - (s64)avg) >> 2;
    //   ip_vs_read_estimator(): (avg + 0x1FF) >> 10 or (avg + 0xF) >> 5;
    //   ip_vs_zero_estimator(): last = counters at the last sample, avg = 0.

    /// Two seconds at 1,000 conns/s, 10,000 and 5,000 packets/s in and
    /// out, 1,500,000 and 500,000 bytes/s in and out.
    const STEP: Counts = [2_000, 20_000, 10_000, 3_000_000, 1_000_000];

    fn times(n: u64) -> Counts {
        STEP.map(|x| x * n)
    }

    #[test]
    fn first_sample_from_zero_is_a_quarter() {
        let mut e = Estimator::default();
        e.estimate(&STEP);
        // conns: 2000 << 9 = 1,024,000; avg = 1,024,000 >> 2 = 256,000;
        // read (256,000 + 511) >> 10 = 250 (250.499 rounded down).
        // inpkts: 20000 << 9 = 10,240,000 -> avg 2,560,000 -> 2,500.
        // outpkts: 10000 << 9 = 5,120,000 -> avg 1,280,000 -> 1,250.
        // inbytes: 3,000,000 << 4 = 48,000,000 -> avg 12,000,000;
        // read (12,000,000 + 15) >> 5 = 375,000.
        // outbytes: 1,000,000 << 4 = 16,000,000 -> avg 4,000,000 -> 125,000.
        assert_eq!(
            e.avg,
            [256_000, 2_560_000, 1_280_000, 12_000_000, 4_000_000]
        );
        assert_eq!(e.rates(), [250, 2_500, 1_250, 375_000, 125_000]);
        assert_eq!(e.last, STEP);
    }

    #[test]
    fn steady_rate_converges() {
        let mut e = Estimator::default();
        let mut cps = [0; 7];
        for (n, c) in (1..=7).zip(cps.iter_mut()) {
            e.estimate(&times(n));
            *c = e.rates()[0];
        }
        // conns, rate R = 1,024,000 each period:
        // avg1 = 256,000                      -> (256,511 >> 10) = 250
        // avg2 = 256,000 + (768,000 >> 2)  = 448,000 -> 448,511 >> 10 = 437
        // avg3 = 448,000 + (576,000 >> 2)  = 592,000 -> 578
        // avg4 = 592,000 + (432,000 >> 2)  = 700,000 -> 684
        // avg5 = 700,000 + (324,000 >> 2)  = 781,000 -> 763
        // avg6 = 781,000 + (243,000 >> 2)  = 841,750 -> 822
        // avg7 = 841,750 + (182,250 >> 2)  = 887,312 -> 867
        assert_eq!(cps, [250, 437, 578, 684, 763, 822, 867]);
        for n in 8..=120 {
            e.estimate(&times(n));
        }
        // The step (R - avg) >> 2 is 0 once R - avg < 4: avg settles at
        // R - 3 = 1,023,997, read (1,023,997 + 511) >> 10 = 1,000.
        assert_eq!(e.avg[0], 1_023_997);
        assert_eq!(e.rates(), [1_000, 10_000, 5_000, 1_500_000, 500_000]);
    }

    #[test]
    fn idle_decays_to_zero() {
        let mut e = Estimator {
            last: STEP,
            avg: [1_024_000, 0, 0, 0, 0],
        };
        let mut cps = [0; 5];
        for c in cps.iter_mut() {
            e.estimate(&STEP);
            *c = e.rates()[0];
        }
        // rate 0: avg += (0 - avg) >> 2, i.e. avg - avg / 4 (rounded so
        // that the step is at least 1):
        // 1,024,000 -> 768,000 (750) -> 576,000 (562) -> 432,000 (422)
        // -> 324,000 (316) -> 243,000 (237).
        assert_eq!(cps, [750, 562, 422, 316, 237]);
        // (0 - 1) >> 2 = -1, so it reaches 0 exactly: 41 more periods.
        for _ in 0..40 {
            e.estimate(&STEP);
        }
        assert_ne!(e.avg[0], 0);
        e.estimate(&STEP);
        assert_eq!(e.avg[0], 0);
        assert_eq!(e.rates(), [0; 5]);
    }

    #[test]
    fn zero_restarts_the_average_from_the_last_sample() {
        // Sampled at 2,000 conns (and the rest of STEP), averages built up.
        let mut e = Estimator::default();
        e.estimate(&STEP);
        e.estimate(&times(2));
        assert_ne!(e.rates(), [0; 5]);
        // -Z with 500 conns more counted: rates read 0 at once.
        let now = [4_500, 45_000, 22_500, 6_750_000, 2_250_000];
        e.zero(&now);
        assert_eq!(e.rates(), [0; 5]);
        // C: counters go on 4,500 -> 6,000 by the next sample; last_conns
        // is 4,000 (the sample before -Z), so delta = 2,000 and avg =
        // (2,000 << 9) >> 2 = 256,000, 250 conns/s: the first sample after
        // a -Z is a quarter of the rate, whatever part of the period came
        // before the -Z. Here the counter restarts: 0 -> 1,500 by then.
        let after = [1_500, 15_000, 7_500, 2_250_000, 750_000];
        e.estimate(&after);
        assert_eq!(e.rates(), [250, 2_500, 1_250, 375_000, 125_000]);
        assert_eq!(e.last, after);
        // And on from there as from a fresh start (avg2 = 448,000, 437).
        e.estimate(&[3_500, 35_000, 17_500, 5_250_000, 1_750_000]);
        assert_eq!(e.rates()[0], 437);
    }

    #[test]
    fn zero_at_a_sample_is_a_fresh_start() {
        let mut e = Estimator::default();
        e.estimate(&STEP);
        e.zero(&STEP);
        assert_eq!(e, Estimator::default());
    }

    #[test]
    fn read_rounds_half_down() {
        // (avg + 0x1FF) >> 10: 512/1024 is 0, 513/1024 is 1, 1536/1024
        // is 1, 1537/1024 is 2; bytes: (avg + 0xF) >> 5: 16/32 is 0,
        // 17/32 is 1, 48/32 is 1, 49/32 is 2.
        assert_eq!(read(&[512, 513, 1535, 16, 17]), [0, 1, 1, 0, 1]);
        assert_eq!(read(&[1536, 1537, 0, 48, 49]), [1, 2, 0, 1, 2]);
    }

    #[test]
    fn counters_wrap_as_in_c() {
        // u64 subtraction: from 2^64 - 1,000 to 1,000 is 2,000.
        let mut e = Estimator {
            last: [u64::MAX - 999; 5],
            avg: [0; 5],
        };
        e.estimate(&[1_000; 5]);
        assert_eq!(e.avg[0], 256_000);
        // Huge deltas shift bits out (C's u64 <<) and do not panic.
        let mut e = Estimator::default();
        e.estimate(&[u64::MAX; 5]);
        e.estimate(&[0; 5]);
        let _ = e.rates();
    }

    #[test]
    fn kstats_with_rates() {
        let k = Kstats {
            conns: 1,
            ..Default::default()
        };
        let r = k.with_rates(&[6, 7, 8, 9, 10]);
        assert_eq!(
            (r.conns, r.cps, r.inpps, r.outpps, r.inbps, r.outbps),
            (1, 6, 7, 8, 9, 10)
        );
    }
}
