package reports

import (
	"fmt"
	"net/http"

	"github.com/civitas-city/civitas/internal/web"
)

func (h *Handler) handleFindForm(w http.ResponseWriter, r *http.Request) error {
	return h.Site.Render(w, r, http.StatusOK, "reports/find", "reports.find.title", &FindPage{})
}

// handleFind opens the case for its reporter when the number and the
// email match, with the key their receipt mail carries; any other answer
// is the same page, whichever of the two was wrong.
func (h *Handler) handleFind(w http.ResponseWriter, r *http.Request) error {
	p := &FindPage{Number: r.PostFormValue("number"), Email: r.PostFormValue("email")}
	c, err := h.Service.FindCase(r.Context(), p.Number, p.Email, web.ClientAddr(r))
	if err != nil {
		return err // past the limit: the error page says to wait
	}
	if c != nil {
		http.Redirect(w, r, fmt.Sprintf("/reports/%d?key=%s", c.Number, h.Service.Key(c)), http.StatusSeeOther)
		return nil
	}
	p.Missed = true
	return h.Site.Render(w, r, http.StatusOK, "reports/find", "reports.find.title", p)
}
