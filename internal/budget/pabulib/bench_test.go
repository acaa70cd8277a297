package pabulib

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"testing"
)

// benchInstances are the three largest shared elections.
var benchInstances = []string{"Poland_Krakow_2022.pb", "Poland_Gdynia_2023_Green_Budget.pb", "Poland_Krakow_2018.pb"}

// krakow2024Size is the name BenchmarkParse gives the synthetic Kraków 2024-sized file.
const krakow2024Size = "Krakow_2024_size_synthetic"

// syntheticKrakow2024 builds an election the size of Kraków 2024 city-wide (65,101 ballots,
// ~3.9 MB; the file itself is not in the shared data) from Kraków 2022: its META and
// PROJECTS, and its ballots repeated in order with fresh voter ids and three more columns
// (age, sex, date). scripts/bench-pb --synthetic writes the same file for the CLI.
func syntheticKrakow2024(base []byte) []byte {
	const want = 65101
	var out bytes.Buffer
	lines := bytes.Split(bytes.ReplaceAll(base, []byte("\r\n"), []byte("\n")), []byte("\n"))
	var votes [][]byte
	section := ""
	for i := 0; i < len(lines); i++ {
		l := lines[i]
		switch {
		case bytes.Equal(l, []byte("META")), bytes.Equal(l, []byte("PROJECTS")):
			section = string(l)
		case bytes.Equal(l, []byte("VOTES")):
			section = "VOTES"
			fmt.Fprintf(&out, "VOTES\n%s;age;sex;date\n", lines[i+1])
			i++
			continue
		case section == "META" && bytes.HasPrefix(l, []byte("num_votes;")):
			fmt.Fprintf(&out, "num_votes;%d\n", want)
			continue
		case section == "META" && bytes.HasPrefix(l, []byte("instance;")):
			out.WriteString("instance;2024 (synthetic, from 2022)\n")
			continue
		case section == "VOTES":
			if len(l) > 0 {
				votes = append(votes, l)
			}
			continue
		}
		if len(l) > 0 {
			out.Write(l)
			out.WriteByte('\n')
		}
	}
	for i := range want {
		v := votes[i%len(votes)]
		_, rest, _ := bytes.Cut(v, []byte(";"))
		sex := "M"
		if i%2 == 1 {
			sex = "K"
		}
		fmt.Fprintf(&out, "S%d;%s;%d;%s;2024-09-%02d\n", i, rest, 18+(i*7)%70, sex, 20+i%10)
	}
	return out.Bytes()
}

// BenchmarkParse reads a file and builds the rules' input, for the three largest shared
// elections and a synthetic Kraków 2024-sized one.
func BenchmarkParse(b *testing.B) {
	for _, name := range append(benchInstances, krakow2024Size) {
		b.Run(name, func(b *testing.B) {
			src := name
			if name == krakow2024Size {
				src = "Poland_Krakow_2022.pb"
			}
			data, err := os.ReadFile(filepath.Join(sharedDir, src))
			if err != nil {
				b.Skipf("shared data: %v", err)
			}
			if name == krakow2024Size {
				data = syntheticKrakow2024(data)
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

// TestSyntheticKrakow2024 checks the benchmark's synthetic file: strictly readable and
// the size of Kraków 2024.
func TestSyntheticKrakow2024(t *testing.T) {
	base, err := os.ReadFile(filepath.Join(sharedDir, "Poland_Krakow_2022.pb"))
	if err != nil {
		t.Skipf("shared data: %v", err)
	}
	data := syntheticKrakow2024(base)
	e, err := Parse(data)
	if err != nil {
		t.Fatal(err)
	}
	if len(e.Votes) != 65101 || len(data) < 3_800_000 {
		t.Errorf("%d votes, %d bytes", len(e.Votes), len(data))
	}
}
