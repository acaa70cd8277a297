package news

import (
	"errors"
	"io"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/civitas-city/civitas/internal/apperr"
	"github.com/civitas-city/civitas/internal/news/feeds"
	"github.com/civitas-city/civitas/internal/news/waste"
	"github.com/civitas-city/civitas/internal/web"
)

// WastePage is /news/waste: an address's collection days.
type WastePage struct {
	Address  string
	Area     *waste.Area
	Upcoming []waste.Collection
	Calendar string // the address's iCalendar URL
	SignedIn bool
	// Reminding is the address the resident gets reminders for ("": none).
	Reminding string
	Errors    web.FormErrors
}

// wasteAhead is how many collections the page and calendar list.
const wasteAhead = 60

func (h *Handler) handleWaste(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	page := WastePage{Address: r.URL.Query().Get("address")}
	if u := web.CurrentUser(ctx); u != nil {
		page.SignedIn = true
		var err error
		if page.Reminding, err = h.Waste.Reminder(ctx, u.ID); err != nil {
			return err
		}
		if page.Address == "" {
			page.Address = page.Reminding
		}
	}
	status := http.StatusOK
	if _, asked := r.URL.Query()["address"]; asked || page.Address != "" {
		if err := h.findArea(r, &page); err != nil {
			errs, err := h.Site.FormError(web.Lang(ctx), err)
			if err != nil {
				return err
			}
			page.Errors, status = errs, http.StatusBadRequest
		}
	}
	return h.Site.Render(w, r, status, "news/waste", "news.waste.title", page)
}

func (h *Handler) findArea(r *http.Request, page *WastePage) error {
	a, err := h.Waste.Lookup(r.Context(), page.Address)
	if err != nil {
		return err
	}
	page.Area = &a
	page.Calendar = "/news/waste/calendar.ics?" + url.Values{"address": {page.Address}}.Encode()
	page.Upcoming, err = h.Waste.Schedule(r.Context(), a.Code, h.Waste.Today(), wasteAhead)
	return err
}

// handleWasteCalendar is an address's collections as all-day events, for
// a calendar subscription.
func (h *Handler) handleWasteCalendar(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	a, err := h.Waste.Lookup(ctx, r.URL.Query().Get("address"))
	if err != nil {
		return err
	}
	from := h.Waste.Today().AddDate(0, 0, -7)
	cs, err := h.Waste.Schedule(ctx, a.Code, from, 1000)
	if err != nil {
		return err
	}
	cal := feeds.Calendar{Name: h.t(r, "news.waste.calendar", a.Address), ProdID: "-//Civitas//Waste//EN"}
	host := hostOf(h.BaseURL)
	for _, c := range cs {
		cal.Events = append(cal.Events, feeds.CalEvent{UID: a.Code + "-" + c.Kind + "-" + c.Day.Format("20060102") + "@" + host,
			Summary: h.t(r, "news.waste.kind."+c.Kind), Location: a.Address, Start: c.Day, End: c.Day.AddDate(0, 0, 1),
			AllDay: true, Stamp: c.Day.Add(-24 * time.Hour)})
	}
	w.Header().Set("Content-Type", "text/calendar; charset=utf-8")
	w.Header().Set("Content-Disposition", `inline; filename="waste.ics"`)
	return feeds.WriteICalendar(w, cal)
}

func (h *Handler) handleWasteRemind(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	u := web.CurrentUser(ctx)
	page := WastePage{Address: r.PostFormValue("address"), SignedIn: true}
	if _, err := h.Waste.Remind(ctx, u.ID, page.Address); err != nil {
		errs, err := h.Site.FormError(web.Lang(ctx), err)
		if err != nil {
			return err
		}
		page.Errors = errs
		return h.Site.Render(w, r, http.StatusBadRequest, "news/waste", "news.waste.title", page)
	}
	return seeOther(w, r, "/news/waste?"+url.Values{"address": {page.Address}}.Encode())
}

func (h *Handler) handleWasteStop(w http.ResponseWriter, r *http.Request) error {
	if err := h.Waste.StopReminder(r.Context(), web.CurrentUser(r.Context()).ID); err != nil {
		return err
	}
	return seeOther(w, r, "/news/waste")
}

// WasteOfficerPage is the schedule's import page.
type WasteOfficerPage struct {
	Areas    int
	Imported int
	Problems []web.RowError
}

func (h *Handler) handleWasteOfficer(w http.ResponseWriter, r *http.Request) error {
	return h.renderWasteOfficer(w, r, http.StatusOK, WasteOfficerPage{Imported: -1})
}

func (h *Handler) renderWasteOfficer(w http.ResponseWriter, r *http.Request, status int, page WasteOfficerPage) error {
	areas, err := h.Waste.Areas(r.Context())
	if err != nil {
		return err
	}
	page.Areas = len(areas)
	return h.Site.Render(w, r, status, "news/officer_waste", "news.waste.officer.title", page)
}

// handleWasteImport imports an areas or schedule file; bad rows are
// listed by line and field and nothing changes.
func (h *Handler) handleWasteImport(w http.ResponseWriter, r *http.Request) error {
	r.Body = http.MaxBytesReader(w, r.Body, maxUpload)
	if err := r.ParseMultipartForm(maxUpload); err != nil {
		if _, ok := errors.AsType[*http.MaxBytesError](err); ok {
			return apperr.Wrap(apperr.Invalid, "files.error.too_large", err)
		}
		return apperr.Wrap(apperr.Invalid, "error.bad_form", err)
	}
	defer r.MultipartForm.RemoveAll()
	f, _, err := r.FormFile("file")
	if err != nil {
		return apperr.Wrap(apperr.Invalid, "news.error.no_file", err)
	}
	defer f.Close()
	imp := h.Waste.ImportSchedule
	if strings.HasSuffix(r.URL.Path, "/areas") {
		imp = h.Waste.ImportAreas
	}
	n, err := imp(r.Context(), actor(r).ID, io.Reader(f))
	if fe, ok := errors.AsType[*web.FileError](err); ok {
		return h.renderWasteOfficer(w, r, http.StatusUnprocessableEntity, WasteOfficerPage{Imported: -1, Problems: fe.Errors})
	}
	if err != nil {
		return err
	}
	return h.renderWasteOfficer(w, r, http.StatusOK, WasteOfficerPage{Imported: n})
}
