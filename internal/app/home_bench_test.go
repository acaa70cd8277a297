package app_test

import (
	"io"
	"net/http"
	"testing"
)

// BenchmarkHomePage serves the home page to an anonymous visitor through a
// real node (SQLite), for profiles:
//
//	go test ./internal/app -run XXX -bench HomePage -cpuprofile /tmp/home.prof
func BenchmarkHomePage(b *testing.B) {
	srv := startSQLite(b)
	c := &http.Client{}
	get := func() {
		r, err := c.Get(srv.URL + "/")
		if err != nil {
			b.Fatal(err)
		}
		io.Copy(io.Discard, r.Body)
		r.Body.Close()
		if r.StatusCode != http.StatusOK {
			b.Fatalf("status %d", r.StatusCode)
		}
	}
	get()
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			get()
		}
	})
}
