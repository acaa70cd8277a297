package opinion_test

import (
	"testing"
	"time"

	"github.com/civitas-city/civitas/internal/consult/opinion"
	"github.com/civitas-city/civitas/internal/consult/polisexport"
)

// rng is a small deterministic generator (xorshift64*) for synthetic data.
type rng uint64

func (r *rng) next() uint64 {
	*r ^= *r >> 12
	*r ^= *r << 25
	*r ^= *r >> 27
	return uint64(*r) * 2685821657736338717
}

func (r *rng) float() float64 { return float64(r.next()>>11) / (1 << 53) }
func (r *rng) intn(n int) int { return int(r.next() % uint64(n)) }

// synthetic builds a conversation with planted opinion groups: each group
// has its own agree probability per statement, each participant belongs to a
// group and votes on about votes/participants statements, earlier statements
// more often (as in real conversations). Deterministic for a given seed.
type synthetic struct {
	participants, statements, groups int
	pAgree                           [][]float64 // group × statement
	r                                rng
	time                             int64
}

func newSynthetic(participants, statements, groups int, seed uint64) *synthetic {
	s := &synthetic{participants: participants, statements: statements, groups: groups, r: rng(seed | 1)}
	s.pAgree = make([][]float64, groups)
	for g := range s.pAgree {
		s.pAgree[g] = make([]float64, statements)
		for t := range s.pAgree[g] {
			s.pAgree[g][t] = s.r.float()
		}
	}
	return s
}

func (s *synthetic) vote(pid, tid int) opinion.Vote {
	g := pid % s.groups
	u := s.r.float()
	v := opinion.Pass
	switch p := s.pAgree[g][tid]; {
	case u < p*0.85:
		v = opinion.Agree
	case u > p*0.85+0.15:
		v = opinion.Disagree
	}
	s.time++
	return opinion.Vote{PID: int64(pid), TID: int64(tid), Value: v, Time: s.time}
}

// statement picks a statement, skewed towards low ids.
func (s *synthetic) statement() int {
	u := s.r.float()
	return int(u * u * float64(s.statements))
}

func (s *synthetic) votes(n int) []opinion.Vote {
	out := make([]opinion.Vote, 0, n)
	per := n / s.participants
	seen := make([]int, s.statements)
	for p := range s.participants {
		k := per
		if p < n%s.participants {
			k++
		}
		for range k {
			t := s.statement()
			for seen[t] == p+1 {
				t = s.r.intn(s.statements)
			}
			seen[t] = p + 1
			out = append(out, s.vote(p, t))
		}
	}
	return out
}

// more returns n further votes from random participants (some new votes,
// some changed ones).
func (s *synthetic) more(n int) []opinion.Vote {
	out := make([]opinion.Vote, n)
	for i := range out {
		out[i] = s.vote(s.r.intn(s.participants), s.statement())
	}
	return out
}

func benchCompute(b *testing.B, participants, statements, votes int) {
	s := newSynthetic(participants, statements, 3, 42)
	vs := s.votes(votes)
	b.ReportAllocs()
	b.ResetTimer()
	cpu := cpuTime()
	for b.Loop() {
		res, err := opinion.Compute(opinion.Input{Votes: vs, ModOut: []int64{5, 17}})
		if err != nil {
			b.Fatal(err)
		}
		if len(res.Groups) < 2 {
			b.Fatalf("found %d groups", len(res.Groups))
		}
	}
	reportCPU(b, cpu)
}

// reportCPU adds CPU time per operation (both cores together) and the
// process's peak resident memory.
func reportCPU(b *testing.B, start time.Duration) {
	if c := cpuTime(); c > 0 {
		b.ReportMetric(float64(c-start)/float64(time.Millisecond)/float64(b.N), "cpu-ms/op")
	}
	if rss := peakRSS(); rss > 0 {
		b.ReportMetric(rss, "peak-RSS-MB")
	}
}

// BenchmarkCompute33k is Pol.is's largest production conversation's size
// (doc §11): 33,000 participants × 800 statements, 2,000,000 votes.
func BenchmarkCompute33k(b *testing.B) { benchCompute(b, 33000, 800, 2_000_000) }

// BenchmarkCompute10k is a Kraków-scale consultation: 10,000 × 1,000, 1,000,000 votes.
func BenchmarkCompute10k(b *testing.B) { benchCompute(b, 10000, 1000, 1_000_000) }

// BenchmarkUpdate33k is one warm update (a Pol.is math tick) after 1,000 new
// votes on the 33k conversation.
func BenchmarkUpdate33k(b *testing.B) {
	s := newSynthetic(33000, 800, 3, 42)
	res, err := opinion.Compute(opinion.Input{Votes: s.votes(2_000_000), ModOut: []int64{5, 17}})
	if err != nil {
		b.Fatal(err)
	}
	batches := make([][]opinion.Vote, 200)
	for i := range batches {
		batches[i] = s.more(1000)
	}
	b.ReportAllocs()
	b.ResetTimer()
	cpu := cpuTime()
	i := 0
	for b.Loop() {
		if res, err = opinion.Update(res, batches[i%len(batches)], []int64{5, 17}); err != nil {
			b.Fatal(err)
		}
		i++
	}
	reportCPU(b, cpu)
}

// BenchmarkComputeOpenData runs the cold computation on the largest shared
// Pol.is exports (doc §11: vTaiwan-sized files).
func BenchmarkComputeOpenData(b *testing.B) {
	for _, name := range []string{"vtaiwan.uberx", "austria-climate.2vkxcncppn.2022-07-07"} {
		b.Run(name, func(b *testing.B) {
			conv, err := polisexport.Read(sharedDir(b, "polis/"+name))
			if err != nil {
				b.Fatal(err)
			}
			in := opinion.Input{Votes: conv.Votes, ModOut: conv.ModOut, Order: conv.Order}
			b.ResetTimer()
			cpu := cpuTime()
			for b.Loop() {
				if _, err := opinion.Compute(in); err != nil {
					b.Fatal(err)
				}
			}
			reportCPU(b, cpu)
		})
	}
}
