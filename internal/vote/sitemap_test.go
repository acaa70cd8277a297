package vote_test

import (
	"slices"
	"testing"
	"time"

	"github.com/civitas-city/civitas/internal/db"
	"github.com/civitas-city/civitas/internal/db/dbtest"
	"github.com/civitas-city/civitas/internal/vote"
)

// The sitemap lists every referendum and the polls residents can see (open
// or over), not a poll scheduled for later.
func TestSitemapItems(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		s, _ := newService(t, d)
		ref := districtReferendum(t, s)
		poll := func(slug string, opens time.Time) {
			t.Helper()
			if _, err := s.CreatePoll(t.Context(), vote.Actor{ID: "officer"}, vote.PollInput{Slug: slug, Question: "Jak oceniasz?",
				Kind: vote.Single, Options: []string{"dobrze", "źle"}, ResultsAfter: vote.AfterClose,
				OpensAt: opens, ClosesAt: opens.Add(7 * 24 * time.Hour)}); err != nil {
				t.Fatal(err)
			}
		}
		poll("teraz", now.Add(-time.Hour))
		poll("pozniej", now.Add(24*time.Hour))
		items, err := vote.Sitemap{S: s}.SitemapItems(t.Context())
		if err != nil {
			t.Fatal(err)
		}
		slices.Sort(items)
		want := []string{"/votes/polls/teraz", "/votes/referenda/" + ref.Slug}
		if !slices.Equal(items, want) {
			t.Errorf("sitemap items %v, want %v", items, want)
		}
	})
}
