package app

import (
	"context"
	"time"

	"github.com/civitas-city/civitas/internal/addresses"
	"github.com/civitas-city/civitas/internal/districts"
	"github.com/civitas-city/civitas/internal/reports"
)

// wireAddresses adds the address gazetteer's demo sample; the gazetteer
// itself (p.addresses) is handed to reports and districts by their wiring.
func wireAddresses(p *platform) (wired, error) {
	return wired{
		seed: func(ctx context.Context, _ demoUsers) error {
			return addresses.SeedDemo(ctx, p.db, time.Now())
		},
	}, nil
}

// reportsAddresses is the gazetteer as reports asks it: a point or none.
func reportsAddresses(g *addresses.Gazetteer) reports.AddressFinder {
	return func(ctx context.Context, text string) (float64, float64, bool, error) {
		pt, ok, err := g.Find(ctx, text)
		return pt.Lat, pt.Lon, ok, err
	}
}

// districtsAddresses is the gazetteer as districts asks it: a point and
// the address as the register writes it.
func districtsAddresses(g *addresses.Gazetteer) districts.AddressFinder {
	return func(ctx context.Context, text string) (string, float64, float64, bool, error) {
		pt, ok, err := g.Find(ctx, text)
		return pt.Label(), pt.Lat, pt.Lon, ok, err
	}
}
