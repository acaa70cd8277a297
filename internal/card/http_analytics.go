package card

import (
	"fmt"
	"html/template"
	"net/http"
	"strconv"
	"time"

	"github.com/civitas-city/civitas/internal/web"
)

// AnalyticsPage is the officers' view of the card's use.
type AnalyticsPage struct {
	A        *Analytics
	From, To string // as in the form
	Tables   []TableView
	CSVURL   string
}

// TableView is one breakdown with its chart.
type TableView struct {
	Table
	TitleKey string
	Chart    template.HTML
}

// maxPeriod bounds the period one page covers.
const maxPeriod = 366 * 24 * time.Hour

// period reads from/to (YYYY-MM-DD) or gives the last 30 days.
func (h *Handler) period(r *http.Request) (time.Time, time.Time) {
	today := h.Service.today()
	to := time.Date(today.Year(), today.Month(), today.Day(), 0, 0, 0, 0, time.UTC)
	from := to.AddDate(0, 0, -29)
	if t, err := time.Parse(time.DateOnly, r.URL.Query().Get("to")); err == nil {
		to = t
	}
	if f, err := time.Parse(time.DateOnly, r.URL.Query().Get("from")); err == nil {
		from = f
	}
	if to.Before(from) {
		from, to = to, from
	}
	if to.Sub(from) > maxPeriod {
		from = to.Add(-maxPeriod)
	}
	return from, to
}

// label names a cell's key for people.
func (h *Handler) label(r *http.Request, table string, c Cell) string {
	lang := web.Lang(r.Context())
	switch table {
	case "categories":
		return h.Site.Catalog.T(lang, "card.category."+c.Key)
	case "districts":
		if c.Key == "0" {
			return h.Site.Catalog.T(lang, "card.analytics.district_unknown")
		}
		n, _ := strconv.Atoi(c.Key)
		return h.districtName(n)
	case "ages":
		if c.Key == "unknown" {
			return h.Site.Catalog.T(lang, "card.analytics.age_unknown")
		}
		return c.Key
	case "hours":
		return fmt.Sprintf("%s:00", c.Key)
	}
	return c.Label
}

func (h *Handler) handleAnalytics(w http.ResponseWriter, r *http.Request) error {
	from, to := h.period(r)
	a, err := h.Service.Analytics(r.Context(), from, to)
	if err != nil {
		return err
	}
	lang := web.Lang(r.Context())
	p := &AnalyticsPage{A: a, From: from.Format(time.DateOnly), To: to.Format(time.DateOnly),
		CSVURL: "/officer/card/usage.csv?from=" + from.Format(time.DateOnly) + "&to=" + to.Format(time.DateOnly)}
	for _, t := range a.Tables {
		for i := range t.Cells {
			t.Cells[i].Label = h.label(r, t.Name, t.Cells[i])
		}
		title := h.Site.Catalog.T(lang, "card.analytics."+t.Name)
		var bars []web.Bar
		for _, c := range t.Cells {
			if !c.Suppressed {
				bars = append(bars, web.Bar{Label: c.Label, Value: float64(c.Uses), ValueLabel: strconv.FormatInt(c.Uses, 10)})
			}
		}
		p.Tables = append(p.Tables, TableView{Table: t, TitleKey: "card.analytics." + t.Name, Chart: web.BarChart("chart-"+t.Name, title, bars)})
	}
	return h.Site.Render(w, r, http.StatusOK, "card/analytics", "card.analytics.title", p)
}

// handleUsageCSV exports the same figures, suppressed the same way: a
// suppressed cell is empty with its flag set.
func (h *Handler) handleUsageCSV(w http.ResponseWriter, r *http.Request) error {
	from, to := h.period(r)
	a, err := h.Service.Analytics(r.Context(), from, to)
	if err != nil {
		return err
	}
	w.Header().Set("Content-Type", "text/csv; charset=utf-8")
	w.Header().Set("Content-Disposition", fmt.Sprintf(`attachment; filename="card-usage-%s-%s.csv"`, from.Format(time.DateOnly), to.Format(time.DateOnly)))
	c := web.NewCSV(w, true)
	n := func(v int64, hidden bool) string {
		if hidden {
			return ""
		}
		return strconv.FormatInt(v, 10)
	}
	flag := func(hidden bool) string {
		if hidden {
			return "suppressed"
		}
		return ""
	}
	k := strconv.Itoa(a.K)
	_ = c.Write([]string{"table", "key", "label", "uses", "uses_flag", "previous_period", "previous_flag", "k"})
	for _, x := range []struct {
		name string
		cell Cell
	}{{"total", a.Uses}, {"unique_holders", a.Holders}} {
		_ = c.Write([]string{x.name, "", "", n(x.cell.Uses, x.cell.Suppressed), flag(x.cell.Suppressed), n(x.cell.Prev, x.cell.PrevHidden), flag(x.cell.PrevHidden), k})
	}
	for _, t := range a.Tables {
		for _, cell := range t.Cells {
			_ = c.Write([]string{t.Name, cell.Key, h.label(r, t.Name, cell), n(cell.Uses, cell.Suppressed), flag(cell.Suppressed),
				n(cell.Prev, cell.PrevHidden), flag(cell.PrevHidden), k})
		}
	}
	return c.Flush()
}
