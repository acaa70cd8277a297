package consult

import (
	"cmp"
	"fmt"
	"html"
	"html/template"
	"math"
	"slices"
	"strings"

	"github.com/civitas-city/civitas/internal/consult/opinion"
)

// The opinion map drawn in SVG, server-side: participants as dots in the
// two-dimensional projection, each group's convex hull, and the group
// letters. The SVG is an image with a title and a description; the page
// puts a table with the same facts beside it and describes each group in
// words, so nothing depends on seeing the picture (or on JavaScript).

// groupColors are the Okabe–Ito colours, told apart with colour-blindness.
var groupColors = []string{"#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9"}

const unclusteredColor = "#8a8a8a"

func groupColor(id int) string {
	return groupColors[((id%len(groupColors))+len(groupColors))%len(groupColors)]
}

// maxDots is how many participants are drawn one by one; above it the map
// draws the base clusters, sized by their members, so pages stay small.
const maxDots = 3000

// MapView is the opinion map as pages show it.
type MapView struct {
	SVG         template.HTML
	Groups      []GroupView
	Clustered   int
	Unclustered int
	Consensus   []StatementStat // majority agrees
	Dissensus   []StatementStat // majority disagrees
	GAC         []StatementStat // group-informed consensus, highest first
}

// GroupView is one opinion group.
type GroupView struct {
	ID        int
	Letter    string
	Color     string
	Size      int
	Agrees    []StatementStat // statements it mostly agrees with, most typical first
	Disagrees []StatementStat
}

// tableRows is how many statements of each side the table beside the map
// shows; the description in words lists them all.
const tableRows = 2

// TopAgrees are the first statements it agrees with, for the table.
func (g GroupView) TopAgrees() []StatementStat { return g.Agrees[:min(tableRows, len(g.Agrees))] }

// TopDisagrees are the first statements it disagrees with, for the table.
func (g GroupView) TopDisagrees() []StatementStat {
	return g.Disagrees[:min(tableRows, len(g.Disagrees))]
}

// StatementStat is a statement with a share of votes (or a score).
type StatementStat struct {
	TID     int64
	Body    string
	Percent int
	Score   string
	URL     string
}

// mapView builds the view of a stored map; bodies maps statement numbers
// to their text, and voteURL links a statement to its ballot.
func mapView(res *opinion.Result, bodies map[int64]string, modOut map[int64]bool, voteURL func(int64) string, title, desc string) MapView {
	var v MapView
	stat := func(tid int64, nSuccess, nTrials int) StatementStat {
		p := 0
		if nTrials > 0 {
			p = int(math.Round(100 * float64(nSuccess) / float64(nTrials)))
		}
		return StatementStat{TID: tid, Body: bodies[tid], Percent: p, URL: voteURL(tid)}
	}
	for _, g := range res.Groups {
		gv := GroupView{ID: g.ID, Letter: groupLetter(g.ID), Color: groupColor(g.ID), Size: len(g.Members)}
		for _, rp := range g.Repness {
			if rp.Repful == "agree" {
				gv.Agrees = append(gv.Agrees, stat(rp.TID, rp.NSuccess, rp.NTrials))
			} else {
				gv.Disagrees = append(gv.Disagrees, stat(rp.TID, rp.NSuccess, rp.NTrials))
			}
		}
		v.Clustered += gv.Size
		v.Groups = append(v.Groups, gv)
	}
	slices.SortFunc(v.Groups, func(a, b GroupView) int { return cmp.Compare(a.ID, b.ID) })
	v.Unclustered = max(0, res.Participants-v.Clustered)
	for _, c := range res.Consensus.Agree {
		v.Consensus = append(v.Consensus, stat(c.TID, c.NSuccess, c.NTrials))
	}
	for _, c := range res.Consensus.Disagree {
		v.Dissensus = append(v.Dissensus, stat(c.TID, c.NSuccess, c.NTrials))
	}
	if len(res.Groups) > 1 {
		var gac []StatementStat
		for tid, val := range res.GAC {
			if modOut[tid] {
				continue
			}
			gac = append(gac, StatementStat{TID: tid, Body: bodies[tid], Score: fmt.Sprintf("%.2f", val), URL: voteURL(tid)})
		}
		slices.SortFunc(gac, func(a, b StatementStat) int {
			return cmp.Or(cmp.Compare(res.GAC[b.TID], res.GAC[a.TID]), cmp.Compare(a.TID, b.TID))
		})
		v.GAC = gac[:min(5, len(gac))]
	}
	v.SVG = drawMap(res, title, desc)
	return v
}

// point is a position on the drawing.
type point struct{ X, Y float64 }

// drawMap draws the map: a 640×420 viewBox, the projection scaled to fit
// with a margin, the axes' directions being meaningless (PCA).
func drawMap(res *opinion.Result, title, desc string) template.HTML {
	const (
		width, height = 640.0, 420.0
		margin        = 28.0
	)
	groups := groupOf(res)
	// What to draw: every projected participant, or the base clusters.
	type dot struct {
		p     point
		group int // -1: not clustered
		r     float64
	}
	var dots []dot
	if len(res.Projection) <= maxDots {
		pids := make([]int64, 0, len(res.Projection))
		for pid := range res.Projection {
			pids = append(pids, pid)
		}
		slices.Sort(pids)
		for _, pid := range pids {
			xy := res.Projection[pid]
			g, ok := groups[pid]
			if !ok {
				g = -1
			}
			dots = append(dots, dot{p: point{xy[0], xy[1]}, group: g, r: 3.2})
		}
	} else {
		baseGroup := map[int]int{}
		for _, g := range res.Groups {
			for _, b := range g.Members {
				baseGroup[int(b)] = g.ID
			}
		}
		for _, b := range res.BaseClusters {
			g, ok := baseGroup[b.ID]
			if !ok {
				g = -1
			}
			dots = append(dots, dot{p: point{b.Center[0], b.Center[1]}, group: g, r: 2 + math.Sqrt(float64(len(b.Members)))})
		}
	}
	minX, maxX, minY, maxY := math.Inf(1), math.Inf(-1), math.Inf(1), math.Inf(-1)
	for _, d := range dots {
		minX, maxX = math.Min(minX, d.p.X), math.Max(maxX, d.p.X)
		minY, maxY = math.Min(minY, d.p.Y), math.Max(maxY, d.p.Y)
	}
	if len(dots) == 0 {
		minX, maxX, minY, maxY = -1, 1, -1, 1
	}
	spanX, spanY := math.Max(maxX-minX, 1e-9), math.Max(maxY-minY, 1e-9)
	scale := math.Min((width-2*margin)/spanX, (height-2*margin)/spanY)
	offX := (width - scale*spanX) / 2
	offY := (height - scale*spanY) / 2
	at := func(p point) point {
		return point{offX + (p.X-minX)*scale, height - (offY + (p.Y-minY)*scale)}
	}

	var b strings.Builder
	fmt.Fprintf(&b, `<svg class="opinion-map" viewBox="0 0 %.0f %.0f" width="%.0f" height="%.0f" role="img" aria-labelledby="map-title map-desc" xmlns="http://www.w3.org/2000/svg">`,
		width, height, width, height)
	fmt.Fprintf(&b, `<title id="map-title">%s</title><desc id="map-desc">%s</desc>`, html.EscapeString(title), html.EscapeString(desc))
	fmt.Fprintf(&b, `<rect x="0" y="0" width="%.0f" height="%.0f" fill="#ffffff" stroke="#c8c8c8"/>`, width, height)
	// Hulls first, under the dots.
	byGroup := map[int][]point{}
	for _, d := range dots {
		if d.group >= 0 {
			byGroup[d.group] = append(byGroup[d.group], at(d.p))
		}
	}
	ids := make([]int, 0, len(byGroup))
	for id := range byGroup {
		ids = append(ids, id)
	}
	slices.Sort(ids)
	for _, id := range ids {
		hull := convexHull(byGroup[id])
		color := groupColor(id)
		switch {
		case len(hull) >= 3:
			var pts []string
			for _, p := range hull {
				pts = append(pts, fmt.Sprintf("%.1f,%.1f", p.X, p.Y))
			}
			fmt.Fprintf(&b, `<polygon points="%s" fill="%s" fill-opacity="0.14" stroke="%s" stroke-width="1.5" stroke-linejoin="round"/>`,
				strings.Join(pts, " "), color, color)
		case len(hull) > 0:
			c := centroid(hull)
			fmt.Fprintf(&b, `<circle cx="%.1f" cy="%.1f" r="14" fill="%s" fill-opacity="0.14" stroke="%s" stroke-width="1.5"/>`, c.X, c.Y, color, color)
		}
	}
	b.WriteString(`<g stroke="#ffffff" stroke-width="0.6">`)
	for _, d := range dots {
		p := at(d.p)
		color := unclusteredColor
		if d.group >= 0 {
			color = groupColor(d.group)
		}
		fmt.Fprintf(&b, `<circle cx="%.1f" cy="%.1f" r="%.1f" fill="%s"/>`, p.X, p.Y, d.r, color)
	}
	b.WriteString(`</g>`)
	// Letters at each group's centroid, with a white halo to stay legible.
	for _, id := range ids {
		c := centroid(byGroup[id])
		fmt.Fprintf(&b, `<text x="%.1f" y="%.1f" font-size="22" font-weight="700" text-anchor="middle" dominant-baseline="middle" fill="#1b1b1b" stroke="#ffffff" stroke-width="4" paint-order="stroke">%s</text>`,
			c.X, c.Y, groupLetter(id))
	}
	b.WriteString(`</svg>`)
	// Every value above is a number, a fixed colour or escaped text.
	return template.HTML(b.String())
}

func centroid(ps []point) point {
	var c point
	for _, p := range ps {
		c.X += p.X
		c.Y += p.Y
	}
	if n := float64(len(ps)); n > 0 {
		c.X /= n
		c.Y /= n
	}
	return c
}

// convexHull is Andrew's monotone chain; duplicates and collinear points
// are dropped.
func convexHull(ps []point) []point {
	pts := slices.Clone(ps)
	slices.SortFunc(pts, func(a, b point) int { return cmp.Or(cmp.Compare(a.X, b.X), cmp.Compare(a.Y, b.Y)) })
	pts = slices.Compact(pts)
	if len(pts) < 3 {
		return pts
	}
	cross := func(o, a, b point) float64 { return (a.X-o.X)*(b.Y-o.Y) - (a.Y-o.Y)*(b.X-o.X) }
	var lower, upper []point
	for _, p := range pts {
		for len(lower) >= 2 && cross(lower[len(lower)-2], lower[len(lower)-1], p) <= 0 {
			lower = lower[:len(lower)-1]
		}
		lower = append(lower, p)
	}
	for i := len(pts) - 1; i >= 0; i-- {
		p := pts[i]
		for len(upper) >= 2 && cross(upper[len(upper)-2], upper[len(upper)-1], p) <= 0 {
			upper = upper[:len(upper)-1]
		}
		upper = append(upper, p)
	}
	return append(lower[:len(lower)-1], upper[:len(upper)-1]...)
}
