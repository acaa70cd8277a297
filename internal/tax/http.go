package tax

import (
	"embed"
	"html/template"
	"net/http"
	"strconv"
	"time"

	"github.com/civitas-city/civitas/internal/apperr"
	"github.com/civitas-city/civitas/internal/money"
	"github.com/civitas-city/civitas/internal/tax/bankqr"
	"github.com/civitas-city/civitas/internal/web"
)

//go:embed templates/*.html templates/partials/*.html
var templates embed.FS

//go:embed locales/*.json
var locales embed.FS

// Locales are the module's messages, for the catalog.
func Locales() embed.FS { return locales }

// Handler serves the tax pages.
type Handler struct {
	Site    *web.Site
	Service *Service
	// VerifyURL is where a resident verifies their residency.
	VerifyURL string
}

// Pages lists the page templates.
var Pages = []string{"templates/taxes.html", "templates/pay.html", "templates/slip.html", "templates/officer.html"}

var partials = []string{"templates/partials/statement.html"}

// RegisterPages registers the page templates.
func (h *Handler) RegisterPages() {
	h.Site.Renderer.RegisterWith("tax", templates, partials, Pages...)
}

// Routes registers every route of the module: the one list to read.
func (h *Handler) Routes(handle web.Registrar) {
	// The resident, about their own liabilities only (the service finds
	// them by the resident's verified PESEL; anyone else's is not found).
	handle("GET /taxes", web.SignedIn, h.handleTaxes)
	handle("POST /taxes/reminders", web.SignedIn, h.handleReminders)
	handle("GET /taxes/{id}/pay/{n}", web.SignedIn, h.handlePay)
	handle("GET /taxes/{id}/pay/{n}/slip", web.SignedIn, h.handleSlip)
	handle("GET /taxes/{id}/pay/{n}/qr.png", web.SignedIn, h.handleQRPNG)
	handle("GET /taxes/{id}/pay/{n}/qr.svg", web.SignedIn, h.handleQRSVG)

	// Tax officers: import runs, and a look-up with a stated reason.
	officer := web.Officer("taxes")
	handle("GET /officer/taxes", officer, h.handleOfficer)
	handle("POST /officer/taxes/lookup", officer, h.handleLookup)
}

func (h *Handler) render(w http.ResponseWriter, r *http.Request, page, title string, errs web.FormErrors, data any) error {
	return h.Site.Render(w, r, errs.Status(), "tax/"+page, title, data)
}

func (h *Handler) lang(r *http.Request) string { return web.Lang(r.Context()) }

// me is the resident the page is about: the signed-in user, or the
// resident an officer acts for.
func me(r *http.Request) string {
	if u := web.Participant(r.Context()); u != nil {
		return u.ID
	}
	return ""
}

// StatementView is a statement as pages show it.
type StatementView struct {
	Statement
	Years                  []YearView
	Totals                 Totals
	TotalDue, TotalOverdue string
}

// YearView is one year's liabilities.
type YearView struct {
	Year        int
	Current     bool // this year or later, or anything still due
	Self        bool // the resident's own page: with links to pay
	Liabilities []LiabilityView
}

// LiabilityView is one liability as a page shows it.
type LiabilityView struct {
	L                               *Liability
	Amount, Paid, Due, Overdue      string
	Arrears, Interest, ArrearsToPay string
	HasArrears                      bool
	Next                            *InstalmentView
	Instalments                     []InstalmentView
}

// InstalmentView is one instalment's line.
type InstalmentView struct {
	N                  int
	Due                time.Time
	Amount, Paid, Open string
	Status             string // paid, overdue, open
}

func (h *Handler) statementView(st Statement, lang string, self bool) StatementView {
	f := func(g int64) string { return money.Format(lang, g) }
	v := StatementView{Statement: st, Totals: st.Totals(0)}
	v.TotalDue, v.TotalOverdue = f(v.Totals.Due), f(v.Totals.Overdue)
	thisYear := st.AsOf.Year()
	for _, l := range st.Liabilities {
		if len(v.Years) == 0 || v.Years[len(v.Years)-1].Year != l.Year {
			v.Years = append(v.Years, YearView{Year: l.Year, Current: l.Year >= thisYear, Self: self})
		}
		y := &v.Years[len(v.Years)-1]
		lv := LiabilityView{L: l, Amount: f(l.Amount), Paid: f(l.Paid()), Due: f(l.Due()), Overdue: f(l.OverdueAmount(st.AsOf)),
			Arrears: f(l.Arrears), Interest: f(l.Interest), ArrearsToPay: f(l.Arrears + l.Interest), HasArrears: l.Arrears+l.Interest > 0}
		if l.Due() > 0 || lv.HasArrears {
			y.Current = true
		}
		for _, i := range l.Instalments {
			iv := InstalmentView{N: i.N, Due: i.Due, Amount: f(i.Amount), Paid: f(i.Paid), Open: f(i.Open()), Status: "open"}
			switch {
			case i.Open() == 0:
				iv.Status = "paid"
			case i.Overdue(st.AsOf):
				iv.Status = "overdue"
			}
			lv.Instalments = append(lv.Instalments, iv)
		}
		if next, ok := l.Next(st.AsOf); ok {
			lv.Next = &InstalmentView{N: next.N, Due: next.Due, Open: f(next.Open())}
		}
		y.Liabilities = append(y.Liabilities, lv)
	}
	return v
}

// TaxesPage is the resident's page.
type TaxesPage struct {
	Verified   bool
	VerifyURL  string
	V          StatementView
	Days       int // reminders: days before a due date, 0 off
	DayChoices []int
	Notice     string
	Errors     web.FormErrors
}

var dayChoices = []int{0, 1, 3, 7, 14}

func (h *Handler) taxesPage(r *http.Request) (*TaxesPage, error) {
	ctx := r.Context()
	p := &TaxesPage{VerifyURL: h.VerifyURL + "?next=/taxes", DayChoices: dayChoices}
	st, err := h.Service.Mine(ctx, me(r))
	switch {
	case apperr.Is(err, apperr.Forbidden):
		return p, nil
	case err != nil:
		return nil, err
	}
	p.Verified = true
	p.V = h.statementView(st, h.lang(r), true)
	if p.Days, err = h.Service.Reminders(ctx, me(r)); err != nil {
		return nil, err
	}
	return p, nil
}

func (h *Handler) handleTaxes(w http.ResponseWriter, r *http.Request) error {
	p, err := h.taxesPage(r)
	if err != nil {
		return err
	}
	if r.URL.Query().Get("done") == "reminders" {
		p.Notice = h.Site.Catalog.T(h.lang(r), "tax.reminders.saved")
	}
	return h.render(w, r, "taxes", "tax.title", nil, p)
}

func (h *Handler) handleReminders(w http.ResponseWriter, r *http.Request) error {
	days, err := strconv.Atoi(r.PostFormValue("days"))
	if err != nil {
		days = -1
	}
	if err := h.Service.SetReminders(r.Context(), me(r), days); err != nil {
		errs, err := h.Site.FormError(h.lang(r), err)
		if err != nil {
			return err
		}
		p, perr := h.taxesPage(r)
		if perr != nil {
			return perr
		}
		p.Errors = errs
		return h.render(w, r, "taxes", "tax.title", errs, p)
	}
	http.Redirect(w, r, "/taxes?done=reminders", http.StatusSeeOther)
	return nil
}

// PayPage is how to pay one instalment (or the arrears).
type PayPage struct {
	O         PaymentOrder
	AsOf      time.Time
	Kind      string
	Amount    string
	Account   string // grouped for reading
	QR        template.HTML
	Base      string // the page's path, for the image and slip links
	MaxInCode string
}

func (h *Handler) order(r *http.Request) (PaymentOrder, time.Time, error) {
	n, err := strconv.Atoi(r.PathValue("n"))
	if err != nil || n < 0 {
		return PaymentOrder{}, time.Time{}, ErrNotFound
	}
	l, asOf, err := h.Service.MyLiability(r.Context(), me(r), r.PathValue("id"))
	if err != nil {
		return PaymentOrder{}, time.Time{}, err
	}
	o, err := h.Service.Order(l, n)
	return o, asOf, err
}

func (h *Handler) payPage(r *http.Request) (*PayPage, error) {
	o, asOf, err := h.order(r)
	if err != nil {
		return nil, err
	}
	lang := h.lang(r)
	svg, err := bankqr.SVG(o.Payload, h.Site.Catalog.T(lang, "tax.pay.qr_label"))
	if err != nil {
		return nil, err
	}
	return &PayPage{O: o, AsOf: asOf, Kind: h.Site.Catalog.T(lang, "tax.kind."+string(o.Liability.Kind)),
		Amount: money.Format(lang, o.Amount), Account: bankqr.FormatNRB(o.Account), QR: template.HTML(svg), //nolint:gosec // drawn here from digits and the escaped label
		Base: "/taxes/" + o.Liability.ID + "/pay/" + strconv.Itoa(o.N), MaxInCode: money.Format(lang, bankqr.MaxAmount)}, nil
}

func (h *Handler) handlePay(w http.ResponseWriter, r *http.Request) error {
	p, err := h.payPage(r)
	if err != nil {
		return err
	}
	return h.render(w, r, "pay", "tax.pay.title", nil, p)
}

func (h *Handler) handleSlip(w http.ResponseWriter, r *http.Request) error {
	p, err := h.payPage(r)
	if err != nil {
		return err
	}
	return h.render(w, r, "slip", "tax.slip.title", nil, p)
}

func (h *Handler) handleQRPNG(w http.ResponseWriter, r *http.Request) error {
	o, _, err := h.order(r)
	if err != nil {
		return err
	}
	png, err := bankqr.PNG(o.Payload, 8)
	if err != nil {
		return err
	}
	w.Header().Set("Content-Type", "image/png")
	w.Header().Set("Cache-Control", "private, no-store")
	w.Header().Set("Content-Disposition", `attachment; filename="przelew-`+o.Liability.ID+`.png"`)
	_, err = w.Write(png)
	return err
}

func (h *Handler) handleQRSVG(w http.ResponseWriter, r *http.Request) error {
	o, _, err := h.order(r)
	if err != nil {
		return err
	}
	svg, err := bankqr.SVG(o.Payload, h.Site.Catalog.T(h.lang(r), "tax.pay.qr_label"))
	if err != nil {
		return err
	}
	w.Header().Set("Content-Type", "image/svg+xml")
	w.Header().Set("Cache-Control", "private, no-store")
	_, err = w.Write([]byte(svg))
	return err
}

// OfficerPage is the tax officers' desk.
type OfficerPage struct {
	Runs     []Run
	Refusals []Refusal
	Who      string
	Reason   string
	Found    *StatementView
	Errors   web.FormErrors
}

func (h *Handler) officerPage(r *http.Request) (*OfficerPage, error) {
	runs, refusals, err := h.Service.Runs(r.Context())
	if err != nil {
		return nil, err
	}
	return &OfficerPage{Runs: runs, Refusals: refusals}, nil
}

func (h *Handler) handleOfficer(w http.ResponseWriter, r *http.Request) error {
	p, err := h.officerPage(r)
	if err != nil {
		return err
	}
	return h.render(w, r, "officer", "tax.officer.title", nil, p)
}

func (h *Handler) handleLookup(w http.ResponseWriter, r *http.Request) error {
	p, err := h.officerPage(r)
	if err != nil {
		return err
	}
	p.Who, p.Reason = r.PostFormValue("who"), r.PostFormValue("reason")
	ctx := r.Context()
	a := Actor{RequestID: web.RequestID(ctx)}
	if u := web.CurrentUser(ctx); u != nil {
		a.ID = u.ID
	}
	st, err := h.Service.Lookup(ctx, a, p.Who, p.Reason)
	if err != nil {
		errs, err := h.Site.FormError(h.lang(r), err)
		if err != nil {
			return err
		}
		p.Errors = errs
		return h.render(w, r, "officer", "tax.officer.title", errs, p)
	}
	v := h.statementView(st, h.lang(r), false)
	p.Found = &v
	return h.render(w, r, "officer", "tax.officer.title", nil, p)
}
