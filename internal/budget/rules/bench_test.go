package rules_test

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/civitas-city/civitas/internal/budget/rules"
)

// benchInstances are the three largest shared elections.
var benchInstances = []string{"Poland_Krakow_2022.pb", "Poland_Gdynia_2023_Green_Budget.pb", "Poland_Krakow_2018.pb"}

// BenchmarkCount counts a parsed election; parsing is not timed (as in the reference's
// seconds).
func BenchmarkCount(b *testing.B) {
	for _, name := range benchInstances {
		path := filepath.Join(sharedDir, name)
		if _, err := os.Stat(path); err != nil {
			b.Run(name, func(b *testing.B) { b.Skipf("shared data: %v", err) })
			continue
		}
		_, in := readInstance(b, path)
		for _, rule := range rules.AllRules {
			if rule == rules.Phragmen && in.Points || rule == rules.GreedyThreshold {
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

// add1Instances are the elections where Add1 takes the most steps of a full MES run
// (docs/benchmarks-pb.md).
var add1Instances = []string{"Poland_Warszawa_2023_Mokotow.pb", "France_Toulouse_2024.pb"}

// BenchmarkAdd1 counts Equal Shares completed by Add1 on the slowest elections.
func BenchmarkAdd1(b *testing.B) {
	for _, name := range add1Instances {
		path := filepath.Join(sharedDir, name)
		if _, err := os.Stat(path); err != nil {
			b.Run(name, func(b *testing.B) { b.Skipf("shared data: %v", err) })
			continue
		}
		_, in := readInstance(b, path)
		for _, rule := range []rules.Rule{rules.MESCostAdd1, rules.MESCardAdd1} {
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
