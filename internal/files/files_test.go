package files_test

import (
	"bytes"
	"image"
	"image/color"
	"image/png"
	"testing"

	"github.com/civitas-city/civitas/internal/apperr"
	"github.com/civitas-city/civitas/internal/db"
	"github.com/civitas-city/civitas/internal/db/dbtest"
	"github.com/civitas-city/civitas/internal/files"
)

func pngBytes(t *testing.T) []byte {
	img := image.NewRGBA(image.Rect(0, 0, 4, 4))
	img.Set(1, 1, color.RGBA{255, 0, 0, 255})
	var b bytes.Buffer
	if err := png.Encode(&b, img); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

func TestSaveGetList(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := t.Context()
		data := pngBytes(t)
		f, err := files.Save(ctx, d, "report:1", `C:\Users\ala\"dziura".png`, data, files.Images)
		if err != nil {
			t.Fatal(err)
		}
		if f.ContentType != "image/png" || f.Name != "dziura.png" {
			t.Errorf("saved %+v", f)
		}
		got, err := files.Get(ctx, d, f.ID)
		if err != nil || !bytes.Equal(got.Data, data) || got.SHA256 != f.SHA256 {
			t.Fatalf("Get = %v, %v", got, err)
		}
		list, _ := files.List(ctx, d, "report:1")
		if len(list) != 1 || list[0].Data != nil {
			t.Errorf("List = %+v", list)
		}
		if err := files.Delete(ctx, d, "report:2", f.ID); !apperr.Is(err, apperr.NotFound) {
			t.Errorf("deleting another owner's file: %v", err)
		}
		if _, err := files.Get(ctx, d, "missing"); !apperr.Is(err, apperr.NotFound) {
			t.Errorf("missing file: %v", err)
		}
	})
}

func TestPolicyRefuses(t *testing.T) {
	d := dbtest.Open(t, db.SQLite)
	tests := map[string]struct {
		data []byte
		key  string
	}{
		"empty":          {nil, "files.error.empty"},
		"script as .png": {[]byte("<html><script>alert(1)</script>"), "files.error.type_image"}, // names the image types, not PDF
		"too large":      {append(pngBytes(t), make([]byte, 9<<20)...), "files.error.too_large"},
	}
	for name, tt := range tests {
		_, err := files.Save(t.Context(), d, "x", "a.png", tt.data, files.Images)
		if apperr.KindOf(err) != apperr.Invalid || apperr.MessageOf(err) != tt.key {
			t.Errorf("%s: err = %v, want %s", name, err, tt.key)
		}
	}
	var n int
	d.QueryRowContext(t.Context(), `SELECT count(*) FROM files`).Scan(&n)
	if n != 0 {
		t.Errorf("%d refused files were stored", n)
	}
}
