package reports

import (
	"crypto/sha256"
	"net/url"
	"strings"

	"github.com/civitas-city/civitas/internal/districts"
	"github.com/civitas-city/civitas/internal/files"
)

// What the wiring derives from the node's configuration and the city
// profile to build a Service and the Open311 API.

// AreaAround is the area reports may lie in for a city whose box is b:
// about 5 km more on every side, for a street on the boundary.
func AreaAround(b districts.BBox) districts.BBox {
	const margin = 0.05 // degrees
	return districts.BBox{MinLon: b.MinLon - margin, MinLat: b.MinLat - margin, MaxLon: b.MaxLon + margin, MaxLat: b.MaxLat + margin}
}

// PhotoLimit is the largest photo that fits in a multipart body of
// maxUpload bytes (CIVITAS_MAX_UPLOAD_BYTES) with the rest of the form.
func PhotoLimit(maxUpload int64) int64 { return min(files.Images.MaxBytes, maxUpload-16<<10) }

// SecretFrom derives the key of the reporters' private links from the
// node's secret key (CIVITAS_SECRET_KEY), so it is the same on every node
// and differs from the keys other modules derive.
func SecretFrom(key string) []byte {
	s := sha256.Sum256([]byte("civitas reports key\x00" + key))
	return s[:]
}

// Jurisdictions are the Open311 jurisdiction_id values a node answers to:
// the city's slug and the host of its public URL (with and without www.).
func Jurisdictions(citySlug, baseURL string) []string {
	out := []string{citySlug}
	if u, err := url.Parse(baseURL); err == nil && u.Hostname() != "" {
		out = append(out, u.Hostname(), strings.TrimPrefix(u.Hostname(), "www."))
	}
	return out
}
