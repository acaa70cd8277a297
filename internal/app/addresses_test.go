package app_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/civitas-city/civitas/internal/addresses"
)

// "Which district am I in?" takes an address, read the way residents
// write it, and answers from the gazetteer.
func TestDistrictByAddress(t *testing.T) {
	srv := startSQLite(t)
	if err := addresses.SeedDemo(t.Context(), srv.DB, time.Now()); err != nil {
		t.Fatal(err)
	}
	c := client(t)
	for _, tt := range []struct {
		address string
		status  int
		want    string
	}{
		{"Karmelicka 30", http.StatusOK, "ul. Karmelicka 30: This point is in district I Stare Miasto."},
		{"OS. CENTRUM A 1, Kraków", http.StatusOK, "os. Centrum A 1: This point is in district XVIII Nowa Huta."},
		{"ul. Nieistniejąca 1", http.StatusOK, "We could not find “ul. Nieistniejąca 1” in the city&#39;s address register."},
		{"", http.StatusBadRequest, "Enter a street and house number"},
	} {
		r := get(t, c, srv.URL+"/districts?address="+url.QueryEscape(tt.address), "Accept-Language", "en")
		if r.StatusCode != tt.status || !strings.Contains(r.Body, tt.want) {
			t.Errorf("%q: status %d, want %d with %q", tt.address, r.StatusCode, tt.status, tt.want)
		}
	}
}
