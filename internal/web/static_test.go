package web

import (
	"net/http"
	"net/http/httptest"
	"testing"
	"testing/fstest"
)

func TestServeVersioned(t *testing.T) {
	body := []byte("body { color: black }")
	hash := contentHash(body)
	for _, tc := range []struct {
		name, hash, want string
	}{
		{"current", hash, "public, max-age=31536000, immutable"},
		{"old", "0123456789ab", "no-cache"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			mux := http.NewServeMux()
			mux.HandleFunc("GET /s/{hash}/a.css", func(w http.ResponseWriter, r *http.Request) {
				if err := serveVersioned(w, r, hash, "text/css; charset=utf-8", body); err != nil {
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

func TestAssetsServeModuleFiles(t *testing.T) {
	a, err := NewAssets(fstest.MapFS{"civitas.css": {Data: []byte("main {}")}})
	if err != nil {
		t.Fatal(err)
	}
	css := []byte(".consult {}")
	if err := a.Add("consult", fstest.MapFS{"consult.css": {Data: css}}); err != nil {
		t.Fatal(err)
	}
	url := a.URL("consult/consult.css")
	if want := "/static/" + contentHash(css) + "/consult/consult.css"; url != want {
		t.Errorf("URL = %q, want %q", url, want)
	}
	mux := http.NewServeMux()
	mux.Handle("GET /static/{hash}/{name...}", a)
	w := httptest.NewRecorder()
	mux.ServeHTTP(w, httptest.NewRequest("GET", url, nil))
	if w.Code != http.StatusOK || w.Body.String() != string(css) {
		t.Errorf("got %d %q, want the module's file", w.Code, w.Body)
	}
	if got := w.Header().Get("Cache-Control"); got != "public, max-age=31536000, immutable" {
		t.Errorf("Cache-Control = %q", got)
	}
	if got := w.Header().Get("Content-Type"); got != "text/css; charset=utf-8" {
		t.Errorf("Content-Type = %q", got)
	}
	if !a.Has("civitas.css") || a.Has("consult.css") {
		t.Error("a module's file is not under its namespace, or the site's file is lost")
	}
	if err := a.Add("consult", fstest.MapFS{"consult.css": {Data: css}}); err == nil {
		t.Error("a module's file was added twice")
	}
}
