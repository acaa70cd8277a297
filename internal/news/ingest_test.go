package news_test

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/civitas-city/civitas/internal/db"
	"github.com/civitas-city/civitas/internal/db/dbtest"
	"github.com/civitas-city/civitas/internal/news"
)

// TestIngestIdempotentWithReview: an untrusted feed's items wait in
// review; reading it again adds nothing; a changed item is updated in
// place; a malformed feed changes nothing and is noted on the source; a
// trusted source publishes at once.
func TestIngestIdempotentWithReview(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		var (
			mu   sync.Mutex
			feed = `<rss version="2.0"><channel><title>MPK</title>
<item><guid>mpk-1</guid><title>Zmiana trasy linii 8</title><link>https://mpk.example/1</link><category>transport</category></item>
<item><guid>mpk-2</guid><title>Nocne autobusy</title><description>Od piątku</description></item></channel></rss>`
		)
		srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			mu.Lock()
			defer mu.Unlock()
			w.Write([]byte(feed))
		}))
		defer srv.Close()
		clock := now
		s := newService(d, &clock)
		ctx := t.Context()
		src, err := s.AddSource(ctx, officer, news.Source{Name: "MPK", Format: "feed", URL: srv.URL, Kind: news.Article, District: 3, Every: time.Hour})
		if err != nil {
			t.Fatal(err)
		}
		run := func() *news.Source {
			t.Helper()
			if err := s.RunSource(ctx, src.ID); err != nil {
				t.Fatal(err)
			}
			list, _ := s.Sources(ctx)
			return list[0]
		}
		if got := run(); got.LastErr != "" {
			t.Fatalf("run: %s", got.LastErr)
		}
		review, _ := s.EditorItems(ctx, news.Review)
		if len(review) != 2 {
			t.Fatalf("items in review: %d, want 2", len(review))
		}
		if visible, _ := s.List(ctx, news.Filter{}); len(visible) != 0 {
			t.Errorf("an untrusted source's items are visible before review: %d", len(visible))
		}
		run()
		if all, _ := s.EditorItems(ctx, ""); len(all) != 2 {
			t.Errorf("after a second read: %d items, want 2", len(all))
		}
		mu.Lock()
		feed = strings.Replace(feed, "Od piątku", "Od soboty", 1)
		mu.Unlock()
		run()
		all, _ := s.EditorItems(ctx, "")
		var found bool
		for _, it := range all {
			found = found || it.Summary == "Od soboty" && it.Districts[0] == 3 && it.Status == news.Review
		}
		if len(all) != 2 || !found {
			t.Errorf("the changed item was not updated in place: %+v", all)
		}
		mu.Lock()
		feed = "<rss><channel><item><title>broken"
		mu.Unlock()
		if got := run(); !strings.Contains(got.LastErr, "line 1") {
			t.Errorf("a malformed feed's error: %q", got.LastErr)
		}
		if again, _ := s.EditorItems(ctx, ""); len(again) != 2 {
			t.Errorf("a malformed feed changed the items: %d", len(again))
		}

		trusted, err := s.AddSource(ctx, officer, news.Source{Name: "Kultura", Format: "ical", URL: srv.URL + "/k", Trusted: true,
			Kind: news.Event, Every: time.Hour})
		if err != nil {
			t.Fatal(err)
		}
		mu.Lock()
		feed = "BEGIN:VCALENDAR\r\nBEGIN:VEVENT\r\nUID:k1\r\nSUMMARY:Koncert\r\nLOCATION:Rynek\r\nDTSTART:20270601T180000Z\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n"
		mu.Unlock()
		if err := s.RunSource(ctx, trusted.ID); err != nil {
			t.Fatal(err)
		}
		if visible, _ := s.List(ctx, news.Filter{Kind: news.Event}); len(visible) != 1 || visible[0].Place != "Rynek" {
			t.Errorf("a trusted source's event: %+v", visible)
		}
		if _, err := s.AddSource(ctx, officer, news.Source{Name: "x", Format: "doc", URL: "ftp://x", Kind: "nope", Every: time.Minute}); err == nil {
			t.Error("a bad source was saved")
		}
	})
}
