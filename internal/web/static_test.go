package web

import (
	"net/http"
	"net/http/httptest"
	"testing"
)

func TestServeVersioned(t *testing.T) {
	body := []byte("body { color: black }")
	hash := ContentHash(body)
	for _, tc := range []struct {
		name, hash, want string
	}{
		{"current", hash, "public, max-age=31536000, immutable"},
		{"old", "0123456789ab", "no-cache"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			mux := http.NewServeMux()
			mux.HandleFunc("GET /s/{hash}/a.css", func(w http.ResponseWriter, r *http.Request) {
				if err := ServeVersioned(w, r, hash, "text/css; charset=utf-8", body); err != nil {
					t.Error(err)
				}
			})
			w := httptest.NewRecorder()
			mux.ServeHTTP(w, httptest.NewRequest("GET", "/s/"+tc.hash+"/a.css", nil))
			if got := w.Header().Get("Cache-Control"); got != tc.want {
				t.Errorf("Cache-Control = %q, want %q", got, tc.want)
			}
			if got := w.Header().Get("Content-Type"); got != "text/css; charset=utf-8" {
				t.Errorf("Content-Type = %q", got)
			}
			if w.Code != http.StatusOK || w.Body.String() != string(body) {
				t.Errorf("got %d %q", w.Code, w.Body)
			}
		})
	}
}
