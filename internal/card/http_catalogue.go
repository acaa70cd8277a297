package card

import (
	"net/http"
	"slices"
	"strconv"
	"strings"
)

// District is a district as pages name it.
type District struct {
	Number int
	Name   string
}

// CataloguePage is the public list of offers.
type CataloguePage struct {
	Filter     Filter
	Categories []string
	Districts  []District
	Kinds      []Kind
	Offers     []OfferView
	Capped     bool // more offers match than one page lists
}

// OfferView is an offer with its districts named.
type OfferView struct {
	Offer
	DistrictNames []string
}

func (h *Handler) districtName(n int) string {
	for _, d := range h.Districts {
		if d.Number == n {
			return d.Name
		}
	}
	return strconv.Itoa(n)
}

func (h *Handler) offerViews(offers []Offer) []OfferView {
	out := make([]OfferView, 0, len(offers))
	for _, o := range offers {
		v := OfferView{Offer: o}
		for _, d := range o.Districts {
			v.DistrictNames = append(v.DistrictNames, h.districtName(d))
		}
		out = append(out, v)
	}
	return out
}

// filterOf reads the catalogue's filter from the query; values it does not
// know are ignored (a stale link still shows a list).
func filterOf(r *http.Request) Filter {
	q := r.URL.Query()
	f := Filter{Query: strings.TrimSpace(q.Get("q"))}
	if len([]rune(f.Query)) > 100 {
		f.Query = string([]rune(f.Query)[:100])
	}
	if c := q.Get("category"); slices.Contains(Categories, c) {
		f.Category = c
	}
	if d, err := strconv.Atoi(q.Get("district")); err == nil && d > 0 {
		f.District = d
	}
	if k := Kind(q.Get("kind")); validKind(k) {
		f.Kind = k
	}
	return f
}

func (h *Handler) handleCatalogue(w http.ResponseWriter, r *http.Request) error {
	f := filterOf(r)
	offers, err := h.Service.Catalogue(r.Context(), f)
	if err != nil {
		return err
	}
	p := &CataloguePage{Filter: f, Categories: Categories, Districts: h.Districts, Kinds: Kinds,
		Offers: h.offerViews(offers), Capped: len(offers) == maxListed}
	return h.Site.Render(w, r, http.StatusOK, "card/catalogue", "card.catalogue.title", p)
}
