package web

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io/fs"
	"mime"
	"net/http"
	"path"
	"strings"
)

// Assets serves static files under /static/HASH/NAME, where HASH is the
// content's digest, so browsers may cache them for ever.
type Assets struct {
	files map[string]asset // name -> content
}

type asset struct {
	hash  string
	body  []byte
	ctype string
}

// NewAssets reads every file of each fsys (later ones override earlier).
// Missing optional files (third-party, from npm) simply are not served.
func NewAssets(fss ...fs.FS) (*Assets, error) {
	a := &Assets{files: map[string]asset{}}
	for _, fsys := range fss {
		if err := a.add("", fsys, true); err != nil {
			return nil, err
		}
	}
	return a, nil
}

// Add reads a module's static files (its static/ folder) under the name
// "namespace/NAME", so that they are served beside the site's own and pages
// link them with {{asset "namespace/NAME"}}. Call it at start-up, before
// the site serves; a name added twice is an error.
func (a *Assets) Add(namespace string, fsys fs.FS) error {
	return a.add(namespace+"/", fsys, false)
}

func (a *Assets) add(prefix string, fsys fs.FS, override bool) error {
	return fs.WalkDir(fsys, ".", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		name := prefix + p
		if _, dup := a.files[name]; dup && !override {
			return fmt.Errorf("web: static file %s added twice", name)
		}
		b, err := fs.ReadFile(fsys, p)
		if err != nil {
			return err
		}
		ct := mime.TypeByExtension(path.Ext(p))
		if ct == "" {
			ct = "application/octet-stream"
		}
		a.files[name] = asset{hash: contentHash(b), body: b, ctype: ct}
		return nil
	})
}

// Has reports whether the asset exists (optional scripts are left out of
// pages when their files are absent).
func (a *Assets) Has(name string) bool { _, ok := a.files[name]; return ok }

// URL is the cache-busting address of name.
func (a *Assets) URL(name string) string {
	f, ok := a.files[name]
	if !ok {
		return "/static/missing/" + name
	}
	return "/static/" + f.hash + "/" + name
}

// ServeHTTP serves GET /static/{hash}/{name...}.
func (a *Assets) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	name := r.PathValue("name")
	f, ok := a.files[name]
	if !ok || strings.Contains(name, "..") {
		http.NotFound(w, r)
		return
	}
	serveVersioned(w, r, f.hash, f.ctype, f.body)
}

// contentHash is the short digest of a static file that versions its URL.
func contentHash(b []byte) string {
	sum := sha256.Sum256(b)
	return hex.EncodeToString(sum[:6])
}

// serveVersioned writes body, requested under a URL whose {hash} segment
// versions it. Only the current hash may be cached for ever: an old one
// still gets the current file, but it must not stick under the wrong name.
func serveVersioned(w http.ResponseWriter, r *http.Request, hash, ctype string, body []byte) error {
	if r.PathValue("hash") != hash {
		w.Header().Set("Cache-Control", "no-cache")
	} else {
		w.Header().Set("Cache-Control", "public, max-age=31536000, immutable")
	}
	w.Header().Set("Content-Type", ctype)
	_, err := w.Write(body)
	return err
}
