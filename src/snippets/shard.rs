//! Splitting pages over the jobs of a CI matrix.
//!
//! `--shard K/N` runs one of N disjoint parts. Pages are dealt longest
//! first, each to the part with the least work so far (the LPT rule), using
//! the durations recorded by `--update-durations` or an estimate from the
//! size of their code. Every runnable page lands in exactly one part, and no
//! part exceeds the ideal share by more than the longest single page.

/// A `K/N` shard selector, with 1 ≤ K ≤ N.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Shard {
    /// 0-based index of this shard.
    pub(crate) index: usize,
    pub(crate) count: usize,
}

impl std::str::FromStr for Shard {
    type Err = String;

    fn from_str(text: &str) -> Result<Self, Self::Err> {
        let parse = |s: &str| s.trim().parse::<usize>().ok();
        match text.split_once('/').and_then(|(k, n)| Some((parse(k)?, parse(n)?))) {
            Some((k, n)) if (1..=n).contains(&k) => Ok(Self { index: k - 1, count: n }),
            _ => Err(format!("`{text}` is not a shard: write K/N with 1 ≤ K ≤ N, such as 2/4")),
        }
    }
}

/// The shard of every item, dealing the heaviest first to the lightest shard.
pub(crate) fn assign(weights: &[f64], count: usize) -> Vec<usize> {
    let count = count.max(1);
    let mut order: Vec<usize> = (0..weights.len()).collect();
    order.sort_by(|&a, &b| weights[b].total_cmp(&weights[a]).then(a.cmp(&b)));
    let mut loads = vec![0.0_f64; count];
    let mut shard_of = vec![0; weights.len()];
    for item in order {
        let lightest = (0..count).min_by(|&a, &b| loads[a].total_cmp(&loads[b]).then(a.cmp(&b))).unwrap_or(0);
        loads[lightest] += weights[item];
        shard_of[item] = lightest;
    }
    shard_of
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn shard_selectors_parse_and_reject_nonsense() {
        assert_eq!("2/4".parse::<Shard>(), Ok(Shard { index: 1, count: 4 }));
        assert!("0/4".parse::<Shard>().is_err());
        assert!("5/4".parse::<Shard>().is_err());
        assert!("x".parse::<Shard>().is_err());
    }

    proptest! {
        #[test]
        fn shards_are_disjoint_cover_everything_and_are_balanced(
            weights in proptest::collection::vec(0.0f64..100.0, 0..200),
            count in 1usize..12,
        ) {
            let shard_of = assign(&weights, count);
            // Every page is in exactly one shard, and a valid one.
            prop_assert_eq!(shard_of.len(), weights.len());
            prop_assert!(shard_of.iter().all(|&s| s < count));
            let runs: Vec<Vec<usize>> = (0..count)
                .map(|k| (0..weights.len()).filter(|&i| shard_of[i] == k).collect())
                .collect();
            let mut seen: Vec<usize> = runs.concat();
            seen.sort_unstable();
            prop_assert_eq!(seen, (0..weights.len()).collect::<Vec<_>>());
            // Balance: no shard exceeds the ideal share by more than the
            // largest single page.
            let total: f64 = weights.iter().sum();
            let largest = weights.iter().copied().fold(0.0, f64::max);
            for run in &runs {
                let load: f64 = run.iter().map(|&i| weights[i]).sum();
                prop_assert!(load <= total / count as f64 + largest + 1e-9, "load {} ideal {} largest {}", load, total / count as f64, largest);
            }
        }
    }
}
