//! The sampling maths of a walk too long for the budget: which items and
//! which pages, drawn with a fixed seed so a run asks the same pages again.

/// At most `n` elements, evenly spread, first and last included.
pub(super) fn sample<T>(items: &[T], n: usize) -> Vec<&T> {
    if items.len() <= n || n < 2 {
        return items.iter().take(n.max(1).min(items.len())).collect();
    }
    (0..n)
        .map(|i| &items[i * (items.len() - 1) / (n - 1)])
        .collect()
}

/// Pages a full walk of `total` items takes at `step` items a page.
pub(super) fn pages_needed(total: i64, step: i64) -> i64 {
    if step <= 0 {
        return 0;
    }
    (total.max(0) + step - 1) / step
}

/// Three offsets spread over the list by a fixed-seed draw (the same run
/// asks the same pages): one in each third.
pub(super) fn drawn_offsets(total: i64, step: i64) -> Vec<i64> {
    let mut state = (total as u64) ^ ((step as u64) << 32) ^ 0x9e37_79b9_7f4a_7c15;
    (0..3)
        .map(|third| {
            state = state
                .wrapping_mul(6_364_136_223_846_793_005)
                .wrapping_add(1_442_695_040_888_963_407);
            let span = (total / 3).max(1);
            (third * span + (state >> 33) as i64 % span).min((total - 1).max(0))
        })
        .collect()
}

/// Every offset a sampled walk asks, ascending, without repeats: the next
/// two pages, each drawn offset and the page after it, the last page, and
/// `total` (past the end).
pub(super) fn sampled_offsets(total: i64, step: i64, drawn: &[i64]) -> Vec<i64> {
    let last = ((total - 1).max(0) / step) * step;
    let mut offsets = vec![step, 2 * step, last, total];
    for &o in drawn {
        offsets.extend([o, o + step]);
    }
    offsets.retain(|&o| o > 0 && o <= total);
    offsets.sort_unstable();
    offsets.dedup();
    offsets
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_draw_is_fixed_by_total_and_page_size_and_stays_inside_the_list() {
        // Reports are reproducible: the same list asks the same pages.
        assert_eq!(drawn_offsets(100_000, 7), [30_110, 53_318, 67_814]);
        assert_eq!(drawn_offsets(100_000, 13), [18_717, 51_750, 69_515]);
        // A two-item list: offsets 0 and 1 only, never `total`.
        assert_eq!(drawn_offsets(2, 1), [0, 1, 1]);
        // The last page of a list that fills its pages exactly starts one
        // page before `total`.
        assert_eq!(sampled_offsets(70, 7, &[]), [7, 14, 63, 70]);
        assert!(drawn_offsets(0, 5).iter().all(|&o| o == 0));
    }

    #[test]
    fn sampled_offsets_cover_start_middle_end_and_past_the_end() {
        assert_eq!(pages_needed(100_000, 7), 14_286);
        assert_eq!(pages_needed(0, 7), 0);
        assert_eq!(pages_needed(10, 0), 0);
        let drawn = drawn_offsets(100_000, 7);
        assert_eq!(drawn, drawn_offsets(100_000, 7), "deterministic");
        assert_eq!(drawn.len(), 3);
        for (third, o) in drawn.iter().enumerate() {
            let span = 100_000 / 3;
            assert!(
                (third as i64 * span..(third as i64 + 1) * span).contains(o),
                "{o}"
            );
        }
        let offsets = sampled_offsets(100_000, 7, &drawn);
        assert!(
            offsets.windows(2).all(|w| w[0] < w[1]),
            "ascending, no repeats"
        );
        for want in [7, 14, 99_995, 100_000] {
            assert!(offsets.contains(&want), "{want} in {offsets:?}");
        }
        for o in &drawn {
            assert!(offsets.contains(o) && offsets.contains(&(o + 7)));
        }
        assert!(offsets.iter().all(|&o| o > 0 && o <= 100_000));
    }

    #[test]
    fn sampling_keeps_first_and_last_evenly_spread() {
        let items: Vec<u32> = (0..10).collect();
        assert_eq!(sample(&items, 3), vec![&0, &4, &9]);
        assert_eq!(sample(&items, 2), vec![&0, &9]);
        assert_eq!(sample(&items, 1), vec![&0]);
        assert_eq!(sample(&items, 0), vec![&0]);
        assert_eq!(sample(&items, 10).len(), 10);
        assert_eq!(sample(&items, 50).len(), 10);
        assert!(sample::<u32>(&[], 3).is_empty());
        let five = sample(&items, 5);
        assert_eq!(five, vec![&0, &2, &4, &6, &9]);
    }
}
