package rules_test

import (
	"os"
	"path/filepath"
	"slices"
	"testing"

	"github.com/civitas-city/civitas/internal/budget/rules"
)

// benchInstances are the three largest shared elections.
var benchInstances = []string{"Poland_Krakow_2022.pb", "Poland_Gdynia_2023_Green_Budget.pb", "Poland_Krakow_2018.pb"}

// add1Instances are the elections where Add1 takes the most steps of a full MES run
// (docs/benchmarks-pb.md).
var add1Instances = []string{"Poland_Warszawa_2023_Mokotow.pb", "France_Toulouse_2024.pb"}

// BenchmarkCount counts a parsed election; parsing is not timed (as in the reference's
// seconds).
func BenchmarkCount(b *testing.B) {
	benchRules(b, benchInstances, func(in *rules.Instance, rule rules.Rule) bool {
		return !(rule == rules.Phragmen && in.Points || rule == rules.GreedyThreshold)
	})
}

// BenchmarkAdd1 counts Equal Shares completed by Add1 on the slowest elections.
func BenchmarkAdd1(b *testing.B) {
	benchRules(b, add1Instances, func(_ *rules.Instance, rule rules.Rule) bool {
		return slices.Contains([]rules.Rule{rules.MESCostAdd1, rules.MESCardAdd1}, rule)
	})
}

// benchRules counts each shared election in names with every rule that applies.
func benchRules(b *testing.B, names []string, applies func(*rules.Instance, rules.Rule) bool) {
	for _, name := range names {
		path := filepath.Join(sharedDir, name)
		if _, err := os.Stat(path); err != nil {
			b.Run(name, func(b *testing.B) { b.Skipf("shared data: %v", err) })
			continue
		}
		_, in := readInstance(b, path)
		for _, rule := range rules.AllRules {
			if !applies(in, rule) {
				continue
			}
			b.Run(name+"/"+string(rule), func(b *testing.B) {
				b.ReportAllocs()
				for b.Loop() {
					if _, err := rules.Count(b.Context(), in, rule, rules.Options{}); err != nil {
						b.Fatal(err)
					}
				}
			})
		}
	}
}
