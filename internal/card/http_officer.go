package card

import (
	"net/http"
	"strconv"
	"time"

	"github.com/civitas-city/civitas/internal/web"
)

// PartnersPage lists the partners, with a form for a new one.
type PartnersPage struct {
	Partners   []Partner
	Categories []string
	Name       string
	Category   string
	Errors     web.FormErrors
}

// PartnerPage is one partner's locations, offers and keys.
type PartnerPage struct {
	Partner    Partner
	Locations  []Location
	Offers     []OfferView
	Keys       []Key
	Districts  []District
	Kinds      []Kind
	NewKey     string // shown once, right after it is issued
	Form       string // which form the errors are of: location, offer, key
	Errors     web.FormErrors
	Location   Location
	Offer      OfferForm
	DistrictOf func(int) string
}

// OfferForm is the offer form's values as typed.
type OfferForm struct {
	Title, Discount, Conditions, ValidFrom, ValidTo string
	Kinds                                           map[Kind]bool
	Districts                                       map[int]bool
}

func actor(r *http.Request) *web.User { return web.CurrentUser(r.Context()) }

func (h *Handler) handlePartners(w http.ResponseWriter, r *http.Request) error {
	return h.renderPartners(w, r, &PartnersPage{}, nil)
}

func (h *Handler) renderPartners(w http.ResponseWriter, r *http.Request, p *PartnersPage, errs web.FormErrors) error {
	ps, err := h.Service.Partners(r.Context())
	if err != nil {
		return err
	}
	p.Partners, p.Categories, p.Errors = ps, Categories, errs
	return h.Site.Render(w, r, errs.Status(), "card/partners", "card.officer.partners", p)
}

func (h *Handler) handleCreatePartner(w http.ResponseWriter, r *http.Request) error {
	name, category := r.PostFormValue("name"), r.PostFormValue("category")
	p, err := h.Service.CreatePartner(r.Context(), actor(r), name, category)
	if err != nil {
		errs, err := h.Site.FormError(web.Lang(r.Context()), err)
		if err != nil {
			return err
		}
		return h.renderPartners(w, r, &PartnersPage{Name: name, Category: category}, errs)
	}
	http.Redirect(w, r, "/officer/card/partners/"+p.ID, http.StatusSeeOther)
	return nil
}

func (h *Handler) partnerPage(r *http.Request) (*PartnerPage, error) {
	ctx := r.Context()
	p, err := h.Service.Partner(ctx, r.PathValue("id"))
	if err != nil {
		return nil, err
	}
	offers, locs, err := h.Service.PartnerOffers(ctx, p.ID)
	if err != nil {
		return nil, err
	}
	keys, err := h.Service.Keys(ctx, p.ID)
	if err != nil {
		return nil, err
	}
	return &PartnerPage{Partner: p, Locations: locs, Offers: h.offerViews(offers), Keys: keys, Districts: h.Districts,
		Kinds: Kinds, DistrictOf: h.districtName, Offer: OfferForm{Kinds: map[Kind]bool{}, Districts: map[int]bool{}}}, nil
}

func (h *Handler) renderPartner(w http.ResponseWriter, r *http.Request, p *PartnerPage) error {
	return h.Site.Render(w, r, p.Errors.Status(), "card/partner", "card.officer.partner", p)
}

func (h *Handler) handlePartner(w http.ResponseWriter, r *http.Request) error {
	p, err := h.partnerPage(r)
	if err != nil {
		return err
	}
	return h.renderPartner(w, r, p)
}

// formFailed renders the partner page with the form's errors, or returns
// err when it is not about the form.
func (h *Handler) formFailed(w http.ResponseWriter, r *http.Request, p *PartnerPage, form string, err error) error {
	errs, err := h.Site.FormError(web.Lang(r.Context()), err)
	if err != nil {
		return err
	}
	p.Form, p.Errors = form, errs
	return h.renderPartner(w, r, p)
}

func (h *Handler) handleAddLocation(w http.ResponseWriter, r *http.Request) error {
	p, err := h.partnerPage(r)
	if err != nil {
		return err
	}
	district, _ := strconv.Atoi(r.PostFormValue("district"))
	l := Location{PartnerID: p.Partner.ID, Name: r.PostFormValue("name"), Address: r.PostFormValue("address"), District: district}
	if _, err := h.Service.AddLocation(r.Context(), actor(r), l); err != nil {
		p.Location = l
		return h.formFailed(w, r, p, "location", err)
	}
	http.Redirect(w, r, "/officer/card/partners/"+p.Partner.ID, http.StatusSeeOther)
	return nil
}

func (h *Handler) handleAddOffer(w http.ResponseWriter, r *http.Request) error {
	p, err := h.partnerPage(r)
	if err != nil {
		return err
	}
	if err := r.ParseForm(); err != nil {
		return err
	}
	f := OfferForm{Title: r.PostForm.Get("title"), Discount: r.PostForm.Get("discount"), Conditions: r.PostForm.Get("conditions"),
		ValidFrom: r.PostForm.Get("valid_from"), ValidTo: r.PostForm.Get("valid_to"), Kinds: map[Kind]bool{}, Districts: map[int]bool{}}
	o := Offer{PartnerID: p.Partner.ID, Title: f.Title, Discount: f.Discount, Conditions: f.Conditions}
	for _, k := range r.PostForm["kinds"] {
		o.Kinds = append(o.Kinds, Kind(k))
		f.Kinds[Kind(k)] = true
	}
	for _, v := range r.PostForm["districts"] {
		d, err := strconv.Atoi(v)
		if err != nil {
			d = -1
		}
		o.Districts = append(o.Districts, d)
		f.Districts[d] = true
	}
	o.ValidFrom, _ = time.Parse(time.DateOnly, f.ValidFrom)
	o.ValidTo, _ = time.Parse(time.DateOnly, f.ValidTo)
	if _, err := h.Service.AddOffer(r.Context(), actor(r), o); err != nil {
		p.Offer = f
		return h.formFailed(w, r, p, "offer", err)
	}
	http.Redirect(w, r, "/officer/card/partners/"+p.Partner.ID, http.StatusSeeOther)
	return nil
}

func (h *Handler) handleCreateKey(w http.ResponseWriter, r *http.Request) error {
	p, err := h.partnerPage(r)
	if err != nil {
		return err
	}
	raw, _, err := h.Service.CreateKey(r.Context(), actor(r), p.Partner.ID, r.PostFormValue("label"))
	if err != nil {
		return h.formFailed(w, r, p, "key", err)
	}
	// Shown once, on this response; never stored in clear.
	if p.Keys, err = h.Service.Keys(r.Context(), p.Partner.ID); err != nil {
		return err
	}
	p.NewKey = raw
	w.Header().Set("Cache-Control", "no-store")
	return h.renderPartner(w, r, p)
}

func (h *Handler) handleRevokeKey(w http.ResponseWriter, r *http.Request) error {
	p, err := h.partnerPage(r)
	if err != nil {
		return err
	}
	if err := h.Service.RevokeKeyOf(r.Context(), actor(r), p.Partner.ID, r.PathValue("key")); err != nil {
		return err
	}
	http.Redirect(w, r, "/officer/card/partners/"+p.Partner.ID, http.StatusSeeOther)
	return nil
}
