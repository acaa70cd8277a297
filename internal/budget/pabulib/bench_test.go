package pabulib

import (
	"os"
	"path/filepath"
	"testing"
)

// benchInstances are the three largest shared elections.
var benchInstances = []string{"Poland_Krakow_2022.pb", "Poland_Gdynia_2023_Green_Budget.pb", "Poland_Krakow_2018.pb"}

func BenchmarkParse(b *testing.B) {
	for _, name := range benchInstances {
		b.Run(name, func(b *testing.B) {
			data, err := os.ReadFile(filepath.Join(sharedDir, name))
			if err != nil {
				b.Skipf("shared data: %v", err)
			}
			b.SetBytes(int64(len(data)))
			b.ReportAllocs()
			for b.Loop() {
				e, err := Parse(data)
				if err != nil {
					b.Fatal(err)
				}
				if _, err := e.Instance(); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
