package news

import (
	"net/http"
	"strconv"
	"time"

	"github.com/civitas-city/civitas/internal/news/ingest"
	"github.com/civitas-city/civitas/internal/web"
)

// SourcesPage lists the ingested sources, with the form to add one.
type SourcesPage struct {
	Sources   []*Source
	Formats   []string
	Kinds     []Kind
	Districts []District
	Topics    []string
	Form      SourceForm
	Errors    web.FormErrors
}

// SourceForm is the add-a-source form as typed.
type SourceForm struct {
	Name, Format, URL, Kind, District, Topic, Every string
	Trusted                                         bool
}

func (h *Handler) renderSources(w http.ResponseWriter, r *http.Request, f SourceForm, err error) error {
	errs, err := h.Site.FormError(web.Lang(r.Context()), err)
	if err != nil {
		return err
	}
	list, err := h.Service.Sources(r.Context())
	if err != nil {
		return err
	}
	return h.Site.Render(w, r, errs.Status(), "news/officer_sources", "news.sources.title", SourcesPage{Sources: list,
		Formats: ingest.Formats, Kinds: Kinds, Districts: h.Districts, Topics: Topics, Form: f, Errors: errs})
}

func (h *Handler) handleSources(w http.ResponseWriter, r *http.Request) error {
	return h.renderSources(w, r, SourceForm{Format: "feed", Kind: string(Article), Every: "60"}, nil)
}

func (h *Handler) handleAddSource(w http.ResponseWriter, r *http.Request) error {
	f := SourceForm{Name: r.PostFormValue("name"), Format: r.PostFormValue("format"), URL: r.PostFormValue("url"),
		Kind: r.PostFormValue("kind"), District: r.PostFormValue("district"), Topic: r.PostFormValue("topic"),
		Every: r.PostFormValue("every"), Trusted: r.PostFormValue("trusted") == "on"}
	district, _ := strconv.Atoi(f.District)
	every, _ := strconv.Atoi(f.Every)
	_, err := h.Service.AddSource(r.Context(), actor(r), Source{Name: f.Name, Format: f.Format, URL: f.URL, Trusted: f.Trusted,
		Kind: Kind(f.Kind), District: district, Topic: f.Topic, Every: time.Duration(every) * time.Minute})
	if err != nil {
		return h.renderSources(w, r, f, err)
	}
	return seeOther(w, r, "/officer/news/sources")
}

func (h *Handler) handleRunSource(w http.ResponseWriter, r *http.Request) error {
	if err := h.Service.RunNow(r.Context(), r.PathValue("id")); err != nil {
		return err
	}
	return seeOther(w, r, "/officer/news/sources")
}
