package addresses

import (
	"bytes"
	"context"
	_ "embed"
	"time"

	"github.com/civitas-city/civitas/internal/db"
)

// demoKrakow is the demo's gazetteer: fifteen real Kraków addresses with
// hand-placed, approximate coordinates and postal codes. It is an
// illustration, labelled so in its own rows, not an extract of the
// register: a city imports the register with `civitas addresses import`.
//
//go:embed demo-krakow.csv
var demoKrakow []byte

// SeedDemo loads the illustrative Kraków sample into an empty gazetteer;
// a gazetteer already filled (an import, an earlier demo) is kept.
func SeedDemo(ctx context.Context, d *db.DB, now time.Time) error {
	n, err := count(ctx, d)
	if err != nil || n > 0 {
		return err
	}
	_, err = Import(ctx, d, bytes.NewReader(demoKrakow), "civitas demo", now)
	return err
}
