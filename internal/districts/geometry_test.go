package districts

import (
	"math"
	"testing"
)

// square returns a closed counterclockwise ring with corners (x0, y0) and (x1, y1).
func square(x0, y0, x1, y1 float64) Ring {
	return Ring{{x0, y0}, {x1, y0}, {x1, y1}, {x0, y1}, {x0, y0}}
}

// reversed returns r run the other way round.
func reversed(r Ring) Ring {
	out := make(Ring, len(r))
	for i, p := range r {
		out[len(r)-1-i] = p
	}
	return out
}

func TestMultiPolygonContains(t *testing.T) {
	t.Parallel()
	// A 10x10 square with a 2x2 hole in the middle, and a separate 1x1 island.
	m := MultiPolygon{
		{square(0, 0, 10, 10), reversed(square(4, 4, 6, 6))},
		{square(20, 0, 21, 1)},
	}
	tests := []struct {
		name     string
		lat, lon float64
		want     bool
	}{
		{"inside the square", 1, 1, true},
		{"inside the hole", 5, 5, false},
		{"between hole and edge", 5, 7, true},
		{"inside the island", 0.5, 20.5, true},
		{"between the parts", 0.5, 15, false},
		{"left of everything", 5, -1, false},
		{"above everything", 11, 5, false},
		{"level with a vertex, outside", 10, 12, false},
		{"NaN", math.NaN(), math.NaN(), false},
		{"infinite", math.Inf(1), math.Inf(-1), false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := m.Contains(tt.lat, tt.lon); got != tt.want {
				t.Errorf("Contains(%v, %v) = %v, want %v", tt.lat, tt.lon, got, tt.want)
			}
		})
	}
}

func TestBounds(t *testing.T) {
	t.Parallel()
	m := MultiPolygon{{square(0, 1, 2, 3)}, {square(-5, 2, -4, 8)}}
	if got, want := m.Bounds(), (BBox{MinLon: -5, MinLat: 1, MaxLon: 2, MaxLat: 8}); got != want {
		t.Errorf("Bounds() = %+v, want %+v", got, want)
	}
	if got := (MultiPolygon{}).Bounds(); got != (BBox{}) {
		t.Errorf("empty Bounds() = %+v, want zero", got)
	}
	b := BBox{MinLon: 19, MinLat: 49, MaxLon: 21, MaxLat: 51}
	if got, want := b.Center(), [2]float64{20, 50}; got != want {
		t.Errorf("Center() = %v, want %v", got, want)
	}
	if !b.Contains(50, 20) || b.Contains(20, 50) {
		t.Errorf("Contains takes (lat, lon): got Contains(50, 20) = %v, Contains(20, 50) = %v",
			b.Contains(50, 20), b.Contains(20, 50))
	}
}

func TestOrient(t *testing.T) {
	t.Parallel()
	ccw, cw := square(0, 0, 10, 10), reversed(square(0, 0, 10, 10))
	hole := square(4, 4, 6, 6)
	tests := []struct {
		name string
		in   Polygon
	}{
		{"already right-handed", Polygon{ccw, reversed(hole)}},
		{"outer clockwise, hole counterclockwise", Polygon{cw, hole}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := tt.in.orient()
			if a := got[0].signedArea(); a <= 0 {
				t.Errorf("outer ring area = %v, want > 0 (counterclockwise)", a)
			}
			if a := got[1].signedArea(); a >= 0 {
				t.Errorf("hole area = %v, want < 0 (clockwise)", a)
			}
		})
	}
	// The input is not modified.
	in := Polygon{cw}
	in.orient()
	if in[0][1] != cw[1] {
		t.Error("orient modified its input")
	}
}

func TestSignedArea(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		r    Ring
		want float64
	}{
		{"unit square counterclockwise", square(0, 0, 1, 1), 1},
		{"2x3 clockwise", reversed(square(0, 0, 2, 3)), -6},
		{"far from the origin", square(19.5, 50, 19.6, 50.1), 0.01},
		{"collinear", Ring{{0, 0}, {1, 1}, {2, 2}, {0, 0}}, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := tt.r.signedArea(); math.Abs(got-tt.want) > 1e-12 {
				t.Errorf("signedArea() = %v, want %v", got, tt.want)
			}
		})
	}
}

func TestInteriorPoint(t *testing.T) {
	t.Parallel()
	// A "U": its area centroid lies in the gap between the arms.
	u := Polygon{Ring{{0, 0}, {10, 0}, {10, 10}, {8, 10}, {8, 2}, {2, 2}, {2, 10}, {0, 10}, {0, 0}}}
	tests := []struct {
		name string
		m    MultiPolygon
		want [2]float64 // when the centroid is expected; zero to check only that it is inside
	}{
		{"square: its centroid", MultiPolygon{{square(0, 0, 4, 2)}}, [2]float64{2, 1}},
		{"U shape: moved into an arm", MultiPolygon{u.orient()}, [2]float64{}},
		{"square with a hole in the middle", MultiPolygon{Polygon{square(0, 0, 10, 10), square(3, 3, 7, 7)}.orient()}, [2]float64{}},
		{"two parts", MultiPolygon{{square(0, 0, 1, 1)}, {square(5, 0, 6, 1)}}, [2]float64{}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := tt.m.interiorPoint()
			if !tt.m.Contains(got[1], got[0]) {
				t.Errorf("interiorPoint() = %v, not inside", got)
			}
			if tt.want != ([2]float64{}) && got != tt.want {
				t.Errorf("interiorPoint() = %v, want %v", got, tt.want)
			}
		})
	}
}
