// Package stats is the arithmetic behind survey results: weighted
// frequencies, means and NPS with their 95% confidence intervals, raking
// of responses to population margins, the design effect, wave-to-wave
// comparison and cross-tabulations with small cells suppressed. Plain data
// in, results out: no database, no HTTP.
//
// # Variance
//
// Every estimate here is a weighted mean ȳ = Σwᵢyᵢ / Σwᵢ (a proportion is
// the mean of a 0/1 indicator, NPS the mean of +100 for a promoter, 0 for a
// passive and −100 for a detractor). Its variance is the linearization
// (Taylor) estimator for a with-replacement design without strata or
// clusters, the one R's survey::svymean gives for svydesign(ids=~1,
// weights=~w):
//
//	var(ȳ) = n/(n−1) · Σ wᵢ²(yᵢ − ȳ)² / (Σwᵢ)²
//
// Unweighted (all wᵢ = 1) this is s²/n. For NPS it is, in proportions of
// promoters P and detractors D, (P + D − (P − D)²)/(n − 1), times 100².
// Weights are treated as fixed: the reduction in variance that calibration
// to known margins brings is not claimed, so intervals on raked data are on
// the safe (wide) side. The 95% interval is ȳ ± 1.96·SE (normal), cut to the
// range the figure can take (0–1 for a share, −100–100 for NPS).
package stats
