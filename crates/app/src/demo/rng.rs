//! A tiny deterministic generator (SplitMix64) so one seed always gives the same demo clinic.
//! It is for invented data only, never for secrets.

/// SplitMix64: a 64-bit state advanced by a fixed odd constant, then mixed.
#[derive(Clone, Debug)]
pub(crate) struct Rng(u64);

impl Rng {
    #[cfg(test)]
    pub(crate) fn new(seed: u64) -> Rng {
        Rng(seed)
    }

    /// A second generator for another part of the demo, so that adding draws to one part
    /// does not change what the other part invents.
    pub(crate) fn split(seed: u64, stream: u64) -> Rng {
        let mut mixer = Rng(seed ^ stream.wrapping_mul(0xA076_1D64_78BD_642F));
        Rng(mixer.next_u64())
    }

    pub(crate) fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// A number in `0..n` (0 when `n` is 0). The slight bias of a plain modulo does not
    /// matter for invented data.
    pub(crate) fn below(&mut self, n: usize) -> usize {
        if n == 0 {
            return 0;
        }
        (self.next_u64() % n as u64) as usize
    }

    /// A number in `low..=high`.
    pub(crate) fn between(&mut self, low: i64, high: i64) -> i64 {
        let span = (high - low).unsigned_abs() as usize + 1;
        low + self.below(span) as i64
    }

    /// True `percent` times in a hundred.
    pub(crate) fn chance(&mut self, percent: u32) -> bool {
        self.below(100) < percent as usize
    }

    pub(crate) fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len())]
    }

    /// An index into `weights`, each chosen in proportion to its weight.
    pub(crate) fn weighted(&mut self, weights: &[u32]) -> usize {
        let total: u32 = weights.iter().sum();
        let mut ticket = self.below(total as usize) as u32;
        for (i, weight) in weights.iter().enumerate() {
            if ticket < *weight {
                return i;
            }
            ticket -= weight;
        }
        weights.len().saturating_sub(1)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_same_seed_gives_the_same_numbers() {
        let mut a = Rng::new(7);
        let mut b = Rng::new(7);

        let first: Vec<u64> = (0..5).map(|_| a.next_u64()).collect();
        let second: Vec<u64> = (0..5).map(|_| b.next_u64()).collect();

        assert_eq!(first, second);
        assert_ne!(Rng::split(7, 1).next_u64(), Rng::split(7, 2).next_u64());
    }

    #[test]
    fn ranges_and_weights_stay_inside_their_bounds() {
        let mut rng = Rng::new(1);

        for _ in 0..1000 {
            assert!((1940..=2010).contains(&rng.between(1940, 2010)));
            assert!(rng.below(3) < 3);
            assert_ne!(rng.weighted(&[0, 5, 0, 1]), 0);
        }
    }
}
