package news_test

import (
	"slices"
	"testing"
	"time"

	"github.com/civitas-city/civitas/internal/apperr"
	"github.com/civitas-city/civitas/internal/audit"
	"github.com/civitas-city/civitas/internal/db"
	"github.com/civitas-city/civitas/internal/db/dbtest"
	"github.com/civitas-city/civitas/internal/news"
)

var now = time.Date(2027, 5, 10, 9, 0, 0, 0, time.UTC)

var officer = news.Actor{ID: "officer-1", Name: "Olga"}

func newService(d *db.DB, clock *time.Time) *news.Service {
	return &news.Service{DB: d, IsDistrict: func(n int) bool { return n >= 1 && n <= 18 }, Now: func() time.Time { return *clock }}
}

// publish creates an item from in and takes it through review to
// publication.
func publish(t *testing.T, s *news.Service, in news.Input) *news.Item {
	t.Helper()
	it, err := s.Create(t.Context(), officer, in)
	if err != nil {
		t.Fatalf("create %q: %v", in.Title, err)
	}
	if _, err := s.Move(t.Context(), officer, it.ID, news.Review); err != nil {
		t.Fatal(err)
	}
	if it, err = s.Move(t.Context(), officer, it.ID, news.Published); err != nil {
		t.Fatal(err)
	}
	return it
}

func slugs(items []*news.Item) []string {
	var out []string
	for _, it := range items {
		out = append(out, it.Slug)
	}
	return out
}

func TestWorkflowAndSchedule(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		clock := now
		s := newService(d, &clock)
		ctx := t.Context()
		it, err := s.Create(ctx, officer, news.Input{Kind: news.Article, Title: "Nowy park na Zabłociu", Districts: []int{13},
			Topics: []string{"environment"}, PublishAt: now.Add(time.Hour), UnpublishAt: now.Add(48 * time.Hour)})
		if err != nil {
			t.Fatal(err)
		}
		if it.Slug != "nowy-park-na-zablociu" || it.Status != news.Draft {
			t.Fatalf("created %q %s", it.Slug, it.Status)
		}
		if _, err := s.Item(ctx, it.Slug); !apperr.Is(err, apperr.NotFound) {
			t.Fatalf("a draft is visible: %v", err)
		}
		if _, err := s.Move(ctx, officer, it.ID, news.Published); !apperr.Is(err, apperr.Conflict) {
			t.Fatalf("draft → published without review: %v", err)
		}
		publish(t, s, news.Input{Kind: news.Article, Title: "Other"})
		if _, err := s.Move(ctx, officer, it.ID, news.Review); err != nil {
			t.Fatal(err)
		}
		if _, err := s.Move(ctx, officer, it.ID, news.Published); err != nil {
			t.Fatal(err)
		}
		// Planned for an hour later: hidden until then, then shown, then
		// gone after its end.
		for _, c := range []struct {
			at      time.Time
			visible bool
		}{{now, false}, {now.Add(time.Hour), true}, {now.Add(47 * time.Hour), true}, {now.Add(48 * time.Hour), false}} {
			clock = c.at
			_, err := s.Item(ctx, it.Slug)
			list, lerr := s.List(ctx, news.Filter{District: 13})
			if lerr != nil {
				t.Fatal(lerr)
			}
			if (err == nil) != c.visible || slices.Contains(slugs(list), it.Slug) != c.visible {
				t.Errorf("at %v: item err %v, list %v; want visible %v", c.at, err, slugs(list), c.visible)
			}
		}
		// Every step is in the audit log.
		entries, err := audit.List(ctx, d, audit.Filter{TargetType: "news_item", TargetID: it.ID})
		if err != nil {
			t.Fatal(err)
		}
		var actions []string
		for _, e := range entries {
			actions = append(actions, e.Action+":"+e.Details["to"])
		}
		slices.Sort(actions)
		want := []string{"news.item.create:", "news.item.status:published", "news.item.status:review"}
		if !slices.Equal(actions, want) {
			t.Errorf("audit = %v, want %v", actions, want)
		}
	})
}

func TestValidation(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		clock := now
		s := newService(d, &clock)
		_, err := s.Create(t.Context(), officer, news.Input{Kind: news.RoadWork, Title: "", Districts: []int{40},
			Geometry: `{"type":"Polygon","coordinates":[]}`, Progress: 120, EndsAt: now})
		got := apperr.FieldsOf(err)
		for field, key := range map[string]string{"title": "news.error.required", "districts": "news.error.district",
			"geometry": "news.error.geometry_type", "geometry_text": "news.error.required", "progress": "news.error.progress",
			"starts_at": "news.error.required"} {
			if got[field] != key {
				t.Errorf("field %s: %q, want %q (all: %v)", field, got[field], key, got)
			}
		}
		items, err := s.EditorItems(t.Context(), "")
		if err != nil || len(items) != 0 {
			t.Errorf("a refused item was stored: %v %v", items, err)
		}
	})
}

func TestFiltersAndKinds(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		clock := now
		s := newService(d, &clock)
		ctx := t.Context()
		line := `{"type":"LineString","coordinates":[[19.94,50.06],[19.95,50.061]]}`
		rw := publish(t, s, news.Input{Kind: news.RoadWork, Title: "Remont ulicy Kalwaryjskiej", Districts: []int{13},
			Topics: []string{"roads"}, StartsAt: now, EndsAt: now.Add(30 * 24 * time.Hour), Streets: []string{"Kalwaryjska"},
			Detour: "Przez ul. Limanowskiego", Geometry: line, GeometryText: "Kalwaryjska od Rynku Podgórskiego do Wadowickiej"})
		publish(t, s, news.Input{Kind: news.Event, Title: "Koncert w parku", Districts: []int{2}, Topics: []string{"culture"},
			StartsAt: now.Add(72 * time.Hour), Place: "Park Lotników", Accessibility: "Wejście bez schodów"})
		publish(t, s, news.Input{Kind: news.Article, Title: "Budżet miasta", Topics: []string{"city"}})
		inv := publish(t, s, news.Input{Kind: news.Investment, Title: "Linia tramwajowa na Górkę Narodową", Districts: []int{3},
			Topics: []string{"transport"}, Budget: 45_000_000_000, Contractor: "Budimex", Progress: 40,
			Milestones: []news.Milestone{{Title: "Projekt", Done: true}, {Title: "Budowa", Due: now.Add(200 * 24 * time.Hour)}}})
		for _, c := range []struct {
			f    news.Filter
			want []string
		}{
			{news.Filter{District: 13}, []string{"budzet-miasta", "remont-ulicy-kalwaryjskiej"}},
			{news.Filter{Topic: "culture"}, []string{"koncert-w-parku"}},
			{news.Filter{Kind: news.Investment}, []string{"linia-tramwajowa-na-gorke-narodowa"}},
			{news.Filter{From: now.Add(48 * time.Hour), To: now.Add(96 * time.Hour)}, []string{"koncert-w-parku", "remont-ulicy-kalwaryjskiej"}},
		} {
			got, err := s.List(ctx, c.f)
			if err != nil {
				t.Fatal(err)
			}
			g := slugs(got)
			slices.Sort(g)
			if !slices.Equal(g, c.want) {
				t.Errorf("%+v: %v, want %v", c.f, g, c.want)
			}
		}
		got, err := s.Item(ctx, inv.Slug)
		if err != nil {
			t.Fatal(err)
		}
		if len(got.Milestones) != 2 || !got.Milestones[0].Done || !got.Milestones[1].Due.Equal(now.Add(200*24*time.Hour)) ||
			got.Budget != 45_000_000_000 || got.Progress != 40 {
			t.Errorf("investment read back as %+v", got)
		}
		r, _ := s.Item(ctx, rw.Slug)
		if g, err := news.ParseGeometry(r.Geometry); err != nil || len(g.Points) != 2 || r.Streets[0] != "Kalwaryjska" {
			t.Errorf("road work geometry %q streets %v: %v", r.Geometry, r.Streets, err)
		}
		if _, err := s.List(ctx, news.Filter{Topic: "nope"}); !apperr.Is(err, apperr.Invalid) {
			t.Errorf("unknown topic: %v", err)
		}
	})
}

// TestSearchSameOnBothEngines: the same items and queries give the same
// results on SQLite (FTS5) and PostgreSQL (tsvector), diacritics folded.
func TestSearchSameOnBothEngines(t *testing.T) {
	queries := []struct {
		q    string
		want []string
	}{
		{"zolta", []string{"zolta-laka-w-nowej-hucie"}},
		{"ŻÓŁTA ŁĄKA", []string{"zolta-laka-w-nowej-hucie"}},
		{"łąk", []string{"zolta-laka-w-nowej-hucie"}}, // a prefix
		{"remont", []string{"remont-mostu-debnickiego", "remont-ulicy-dluga"}},
		{"remont most", []string{"remont-mostu-debnickiego"}},
		{"Dębnicki", []string{"remont-mostu-debnickiego"}},
		{"objazd limanowskiego", []string{"remont-ulicy-dluga"}}, // words of the detour
		{"концерт", []string{"koncert-dla-ukrainy"}},
		{"it's \"quoted\" & (odd) ' :*", nil},
		{"nic-takiego", nil},
	}
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		clock := now
		s := newService(d, &clock)
		laka := publish(t, s, news.Input{Kind: news.Article, Title: "Żółta łąka w Nowej Hucie", Body: "Kwitną **mlecze**."})
		publish(t, s, news.Input{Kind: news.RoadWork, Title: "Remont mostu Dębnickiego", StartsAt: now})
		publish(t, s, news.Input{Kind: news.RoadWork, Title: "Remont ulicy Długa", StartsAt: now, Detour: "Objazd ulicą Limanowskiego"})
		publish(t, s, news.Input{Kind: news.Event, Title: "Koncert dla Ukrainy", Summary: "Благодійний концерт", StartsAt: now, Place: "Rynek"})
		if _, err := s.Create(t.Context(), officer, news.Input{Kind: news.Article, Title: "Remont szkoły (szkic)"}); err != nil {
			t.Fatal(err) // a draft: never found
		}
		for _, c := range queries {
			got, err := s.List(t.Context(), news.Filter{Query: c.q})
			if err != nil {
				t.Fatalf("%q: %v", c.q, err)
			}
			g := slugs(got)
			slices.Sort(g)
			if !slices.Equal(g, c.want) {
				t.Errorf("search %q = %v, want %v", c.q, g, c.want)
			}
		}
		// An edit changes what is found.
		if _, err := s.Update(t.Context(), officer, laka.ID, news.Input{Kind: news.Article, Title: "Zielona łąka"}); err != nil {
			t.Fatal(err)
		}
		for q, n := range map[string]int{"zolta": 0, "zielona": 1, "mlecze": 0} {
			if got, err := s.List(t.Context(), news.Filter{Query: q}); err != nil || len(got) != n {
				t.Errorf("after the edit, %q found %v (%v), want %d", q, slugs(got), err, n)
			}
		}
	})
}
