"""Speed benchmarks: each prints timings and ratios against baselines measured in the same run."""
