package vote

import (
	"context"
	"database/sql"
	"fmt"
	"math/rand/v2"
	"time"

	"github.com/civitas-city/civitas/internal/apperr"
	"github.com/civitas-city/civitas/internal/ballot"
)

// Demo slugs.
const (
	DemoOpenSlug   = "zielone-podworka-stare-miasto"
	DemoClosedSlug = "park-kalatowki-nowa-huta"
	DemoFireworks  = "fajerwerki"
	DemoAlcohol    = "nocna-sprzedaz-alkoholu"
	DemoPastPoll   = "nocne-tramwaje"
)

// DemoOptions says who the demo's people are.
type DemoOptions struct {
	OfficerID string
	// ResidentDistrict is the demo resident's district: the open
	// referendum is theirs.
	ResidentDistrict int
}

// SeedDemo loads the vote's demo: a district referendum open for voting
// in the demo resident's district, a closed one with results, two open
// polls (fireworks, night-time alcohol sales) and a closed one. Running it
// again changes nothing.
func SeedDemo(ctx context.Context, s *Service, o DemoOptions) error {
	if _, err := s.Referendum(ctx, DemoOpenSlug); err == nil {
		return nil
	} else if !apperr.Is(err, apperr.NotFound) {
		return err
	}
	officer := Actor{ID: o.OfficerID, Name: "demo"}
	now := s.now()
	district := max(o.ResidentDistrict, 1)
	if _, err := s.CreateReferendum(ctx, officer, ReferendumInput{
		Slug: DemoOpenSlug, Title: "Zielone podwórka w Dzielnicy I",
		Description: "Czy dzielnica ma przeznaczyć część budżetu na **zazielenienie podwórek**, i które z nich mają być pierwsze?\n\n" +
			"Referendum konsultacyjne: wynik jest wiążący, gdy weźmie w nim udział co najmniej 10% uprawnionych.",
		District: district, MinAge: 16, Binding: false, Quorum: 10, Electorate: 28000, PaperPolicy: string(ballot.FirstWins),
		AutoPhases: true, VotingStarts: now.Add(-48 * time.Hour), VotingEnds: now.Add(10 * 24 * time.Hour),
		ResultsAt: now.Add(12 * 24 * time.Hour),
		Questions: []QuestionInput{
			{Kind: YesNo, Text: "Czy jesteś za przeznaczeniem 2 mln zł na zazielenienie podwórek?"},
			{Kind: Multiple, Text: "Co ma się pojawić na podwórkach? (najwyżej 2)", MaxChoices: 2,
				Options: []string{"drzewa i krzewy", "ogrody deszczowe", "ławki w cieniu", "miejsca do zabawy"}},
			{Kind: Ranking, Text: "Ułóż podwórka w kolejności (od najważniejszego)", MaxChoices: 3,
				Options: []string{"ul. Szewska 12", "ul. Sławkowska 20", "ul. Krakowska 5", "ul. Józefa 3"}},
		},
	}); err != nil {
		return fmt.Errorf("vote demo: open referendum: %w", err)
	}
	closed, err := s.CreateReferendum(ctx, officer, ReferendumInput{
		Slug: DemoClosedSlug, Title: "Park Kałatówki w Nowej Hucie",
		Description: "Czy teren przy ul. Kałatówki ma się stać parkiem miejskim?",
		District:    18, MinAge: 18, Binding: true, Quorum: 30, Electorate: 400, PaperPolicy: string(ballot.VoidBoth),
		Questions: []QuestionInput{
			{Kind: YesNo, Text: "Czy teren przy ul. Kałatówki ma się stać parkiem?"},
			{Kind: Single, Text: "Jak nazwać park?", Options: []string{"Park Kałatówki", "Park Łąki Nowohuckie", "Park Mogilski"}},
		},
	})
	if err != nil {
		return fmt.Errorf("vote demo: closed referendum: %w", err)
	}
	if err := s.demoBallots(ctx, closed, now.Add(-20*24*time.Hour)); err != nil {
		return err
	}
	if err := s.SetPhase(ctx, officer, closed.Slug, Results); err != nil {
		return err
	}
	for _, in := range []PollInput{
		{Slug: DemoFireworks, Question: "Jakie zasady dla fajerwerków w Krakowie?", Kind: Single,
			Options:      []string{"całkowity zakaz", "tylko w noc sylwestrową", "bez nowych ograniczeń"},
			ResultsAfter: AfterAnswer, OpensAt: now.Add(-72 * time.Hour), ClosesAt: now.Add(30 * 24 * time.Hour)},
		{Slug: DemoAlcohol, Question: "Czy ograniczyć nocną sprzedaż alkoholu (22:00–6:00)?", Kind: Single,
			Options: []string{"tak, w całym mieście", "tak, w wybranych dzielnicach", "nie"}, ResidentsOnly: true,
			ResultsAfter: AfterClose, OpensAt: now.Add(-24 * time.Hour), ClosesAt: now.Add(14 * 24 * time.Hour)},
		{Slug: DemoPastPoll, Question: "Jak oceniasz nocne tramwaje?", Kind: Scale, ResultsAfter: AfterClose,
			OpensAt: now.Add(-60 * 24 * time.Hour), ClosesAt: now.Add(-30 * 24 * time.Hour)},
	} {
		p, err := s.CreatePoll(ctx, officer, in)
		if err != nil {
			return fmt.Errorf("vote demo: poll %s: %w", in.Slug, err)
		}
		if p.Slug == DemoPastPoll {
			if err := s.demoAnswers(ctx, p); err != nil {
				return err
			}
		}
	}
	return nil
}

// demoBallots casts 160 synthetic ballots in a referendum (open to them
// whatever its phase).
func (s *Service) demoBallots(ctx context.Context, r *Referendum, at time.Time) error {
	rng := rand.New(rand.NewPCG(14, 2027))
	return s.DB.InTx(ctx, func(tx *sql.Tx) error {
		open := map[string]bool{r.ID: true}
		for v := range 160 {
			age := 18 + rng.IntN(65)
			for qi, q := range r.Questions {
				if qi > 0 && rng.IntN(4) == 0 {
					continue
				}
				pick := q.Options[min(rng.IntN(len(q.Options)+1), len(q.Options)-1)]
				if q.Kind == YesNo && rng.IntN(3) > 0 {
					pick = q.Options[0]
				}
				b := &ballot.Ballot{Box: r.ID, Pool: q.ID, Slot: q.ID, Voter: fmt.Sprintf("demo:%s:%d", r.Slug, v),
					Channel: ballot.ChannelOnline, District: r.District, AgeBand: ballot.BandOf(age), Choices: pick.ID,
					At: at.Add(time.Duration(rng.IntN(72)) * time.Hour), Policy: ballot.Policy(r.PaperPolicy)}
				if _, err := s.ballots().CastIn(ctx, tx, b, open); err != nil {
					return err
				}
			}
		}
		return nil
	})
}

// demoAnswers answers a (closed) poll 90 times.
func (s *Service) demoAnswers(ctx context.Context, p *Poll) error {
	rng := rand.New(rand.NewPCG(14, 5))
	return s.DB.InTx(ctx, func(tx *sql.Tx) error {
		open := map[string]bool{p.ID: true}
		for v := range 90 {
			pick := p.Options[min(2+rng.IntN(4), 4)]
			b := &ballot.Ballot{Box: p.ID, Pool: p.ID, Slot: p.ID, Voter: fmt.Sprintf("demo:%s:%d", p.Slug, v),
				Channel: ballot.ChannelOnline, Choices: pick.ID, At: p.OpensAt.Add(time.Duration(v) * time.Hour)}
			if _, err := s.ballots().CastIn(ctx, tx, b, open); err != nil {
				return err
			}
		}
		return nil
	})
}
