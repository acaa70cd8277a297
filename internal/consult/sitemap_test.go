package consult

import (
	"context"
	"slices"
	"testing"

	"github.com/civitas-city/civitas/internal/db"
	"github.com/civitas-city/civitas/internal/db/dbtest"
)

// The sitemap lists the consultations residents may see, never a draft.
func TestSitemapItems(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		s := &Service{DB: d}
		a := Actor{UserID: "u-o"}
		open, err := s.Create(ctx, a, ConsultationInput{Title: "Otwarta", Status: StatusOpen})
		if err != nil {
			t.Fatal(err)
		}
		closed, err := s.Create(ctx, a, ConsultationInput{Title: "Zamknięta", Status: StatusClosed})
		if err != nil {
			t.Fatal(err)
		}
		draft, err := s.Create(ctx, a, ConsultationInput{Title: "Szkic", Status: StatusDraft})
		if err != nil {
			t.Fatal(err)
		}
		items, err := Sitemap{S: s}.SitemapItems(ctx)
		if err != nil {
			t.Fatal(err)
		}
		slices.Sort(items)
		want := []string{"/consultations/" + open.ID, "/consultations/" + closed.ID}
		slices.Sort(want)
		if !slices.Equal(items, want) {
			t.Errorf("sitemap items %v, want %v (the draft %s left out)", items, want, draft.ID)
		}
	})
}
