package pbcli

import (
	"io"
	"os"
	"path/filepath"
	"testing"
)

// BenchmarkMain runs the whole `civitas pb count` in process (read, parse, count, print)
// on Kraków 2022, the largest shared election.
func BenchmarkMain(b *testing.B) {
	path := filepath.Join(sharedDir, "Poland_Krakow_2022.pb")
	if _, err := os.Stat(path); err != nil {
		b.Skipf("shared data: %v", err)
	}
	for _, rule := range []string{"greedy", "mes-cost", "mes-cost-add1"} {
		b.Run(rule, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				if code := Main([]string{"count", "--rule", rule, path}, io.Discard, os.Stderr); code != 0 {
					b.Fatalf("exit %d", code)
				}
			}
		})
	}
}
