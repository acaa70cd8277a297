package card

import (
	"encoding/json"
	"testing"

	"github.com/civitas-city/civitas/internal/db"
	"github.com/civitas-city/civitas/internal/db/dbtest"
)

// The profile lists the resident's cards; the download gives kind, family
// size and validity, and nothing that could identify the card to a
// partner (id, number, secret).
func TestProfileSection(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		s := newService(t, d)
		mustImport(t, s)
		sec := Section{S: s}
		items, err := sec.Items(t.Context(), "anna")
		if err != nil || len(items) != 2 || items[0].URL != "/card/my" {
			t.Fatalf("Anna's items: %+v %v", items, err)
		}
		if items, err := sec.Items(t.Context(), "stranger"); err != nil || len(items) != 0 {
			t.Errorf("a stranger's items: %+v %v, want none", items, err)
		}
		data, err := sec.PersonalData(t.Context(), "anna")
		if err != nil {
			t.Fatal(err)
		}
		b, _ := json.Marshal(data)
		want := `[{"kind":"basic","valid_from":"2027-01-01","valid_to":"2027-12-31"},{"kind":"family","family_size":4,"valid_from":"2027-01-01","valid_to":"2028-06-30"}]`
		if string(b) != want {
			t.Errorf("Anna's data:\n%s\nwant\n%s", b, want)
		}
	})
}
