package vote

import (
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/civitas-city/civitas/internal/apperr"
	"github.com/civitas-city/civitas/internal/ballot"
	"github.com/civitas-city/civitas/internal/web"
)

// The officers' form that creates a referendum and changes it until
// voting starts. It works without JavaScript: "Add a question" sends the
// form back with one more empty question, saving nothing.

// ReferendumForm is the referendum form as filled in.
type ReferendumForm struct {
	Slug, Title, Description, District, MinAge, Quorum, Electorate, PaperPolicy string
	Binding, PaperDoubleKey, AutoPhases                                         bool
	VotingStarts, VotingEnds, ResultsAt                                         string
	Questions                                                                   []QuestionFields
}

// QuestionFields is one question of the form: N numbers its fields (q1-text).
type QuestionFields struct {
	N                               int
	Kind, Text, MaxChoices, Options string
}

// ReferendumFormPage is the page of the form.
type ReferendumFormPage struct {
	// Slug is the referendum changed; empty for a new one.
	Slug      string
	Form      ReferendumForm
	Errors    web.FormErrors
	Districts []District
	Kinds     []Kind
	Policies  []ballot.Policy
}

// maxQuestions is the most questions a referendum has (checkReferendum).
const maxQuestions = 20

func (h *Handler) referendumFormPage(slug string, f ReferendumForm, blanks int, errs web.FormErrors) *ReferendumFormPage {
	for range blanks {
		if len(f.Questions) >= maxQuestions {
			break
		}
		f.Questions = append(f.Questions, QuestionFields{Kind: string(YesNo), MaxChoices: "1"})
	}
	for i := range f.Questions {
		f.Questions[i].N = i + 1
	}
	return &ReferendumFormPage{Slug: slug, Form: f, Errors: errs, Districts: h.Districts,
		Kinds: []Kind{YesNo, Single, Multiple, Ranking}, Policies: []ballot.Policy{ballot.FirstWins, ballot.VoidBoth}}
}

func (h *Handler) handleNewReferendum(w http.ResponseWriter, r *http.Request) error {
	f := ReferendumForm{District: "0", MinAge: "16", Quorum: "0", Electorate: "0", PaperPolicy: string(ballot.FirstWins),
		AutoPhases: true}
	return h.render(w, r, "officer_referendum", "vote.officer.new_referendum", nil, h.referendumFormPage("", f, 1, nil))
}

func (h *Handler) handleEditReferendum(w http.ResponseWriter, r *http.Request) error {
	ref, err := h.Service.Referendum(r.Context(), r.PathValue("slug"))
	if err != nil {
		return err
	}
	if ref.Phase != Announced {
		return errStarted
	}
	return h.render(w, r, "officer_referendum", "vote.officer.edit_referendum", nil,
		h.referendumFormPage(ref.Slug, h.formOf(ref), 1, nil))
}

func (h *Handler) handleCreateReferendum(w http.ResponseWriter, r *http.Request) error {
	return h.saveReferendum(w, r, "")
}

func (h *Handler) handleUpdateReferendum(w http.ResponseWriter, r *http.Request) error {
	return h.saveReferendum(w, r, r.PathValue("slug"))
}

// saveReferendum creates (slug "") or changes a referendum from the form,
// or shows the form again: with one more question when asked, with the
// errors beside their fields when it does not pass.
func (h *Handler) saveReferendum(w http.ResponseWriter, r *http.Request, slug string) error {
	if err := r.ParseForm(); err != nil {
		return apperr.Wrap(apperr.Invalid, "vote.error.form", err)
	}
	f, blanks := readReferendumForm(r)
	title := "vote.officer.new_referendum"
	if slug != "" {
		title, f.Slug = "vote.officer.edit_referendum", slug
	}
	if r.PostFormValue("more") != "" {
		return h.render(w, r, "officer_referendum", title, nil, h.referendumFormPage(slug, f, blanks+1, nil))
	}
	in, err := h.referendumInput(f)
	if err == nil {
		if slug == "" {
			_, err = h.Service.CreateReferendum(r.Context(), actor(r), in)
		} else {
			_, err = h.Service.UpdateReferendum(r.Context(), actor(r), slug, in)
		}
	}
	if err != nil {
		errs, err := h.Site.FormError(web.Lang(r.Context()), err)
		if err != nil {
			return err
		}
		return h.render(w, r, "officer_referendum", title, errs, h.referendumFormPage(slug, f, max(blanks, 1), errs))
	}
	return seeOther(w, r, "/officer/votes#ref-"+in.Slug)
}

// readReferendumForm reads the form; questions left empty are dropped
// and counted (the form shows as many empty ones again).
func readReferendumForm(r *http.Request) (ReferendumForm, int) {
	v := func(name string) string { return r.PostFormValue(name) }
	f := ReferendumForm{Slug: strings.TrimSpace(v("slug")), Title: v("title"), Description: v("description"),
		District: v("district"), MinAge: v("min_age"), Quorum: v("quorum"), Electorate: v("electorate"),
		PaperPolicy: v("paper_policy"), Binding: v("binding") == "on", PaperDoubleKey: v("paper_double_key") == "on",
		AutoPhases: v("auto_phases") == "on", VotingStarts: v("voting_starts"), VotingEnds: v("voting_ends"),
		ResultsAt: v("results_at")}
	blanks := 0
	for n := 1; n <= maxQuestions; n++ {
		p := fmt.Sprintf("q%d-", n)
		if _, ok := r.PostForm[p+"kind"]; !ok {
			break
		}
		q := QuestionFields{Kind: v(p + "kind"), Text: v(p + "text"), MaxChoices: v(p + "max_choices"), Options: v(p + "options")}
		if strings.TrimSpace(q.Text) == "" && strings.TrimSpace(q.Options) == "" {
			blanks++
			continue
		}
		f.Questions = append(f.Questions, q)
	}
	return f, blanks
}

// referendumInput turns the form into the service's input; a number or a
// date that cannot be read is an error on its field.
func (h *Handler) referendumInput(f ReferendumForm) (ReferendumInput, error) {
	errs := apperr.Fields{}
	num := func(field, value, key string) int {
		value = strings.TrimSpace(value)
		if value == "" {
			return 0
		}
		n, err := strconv.Atoi(value)
		if err != nil {
			errs[field] = key
		}
		return n
	}
	date := func(field, value string) time.Time {
		t, ok := h.parseLocal(value)
		if !ok {
			errs[field] = "vote.error.dates"
		}
		return t
	}
	in := ReferendumInput{Slug: f.Slug, Title: f.Title, Description: f.Description,
		District: num("district", f.District, "vote.error.district"), MinAge: num("min_age", f.MinAge, "vote.error.min_age"),
		Binding: f.Binding, Quorum: num("quorum", f.Quorum, "vote.error.quorum"),
		Electorate: num("electorate", f.Electorate, "vote.error.quorum"), PaperPolicy: f.PaperPolicy,
		PaperDoubleKey: f.PaperDoubleKey, AutoPhases: f.AutoPhases, VotingStarts: date("voting_starts", f.VotingStarts),
		VotingEnds: date("voting_ends", f.VotingEnds), ResultsAt: date("results_at", f.ResultsAt)}
	for i, q := range f.Questions {
		qi := QuestionInput{Kind: Kind(q.Kind), Text: q.Text,
			MaxChoices: num(QuestionField(i, "max_choices"), q.MaxChoices, "vote.error.max_choices")}
		for _, line := range strings.Split(q.Options, "\n") {
			if line = strings.TrimSpace(line); line != "" {
				qi.Options = append(qi.Options, line)
			}
		}
		in.Questions = append(in.Questions, qi)
	}
	return in, errs.Err()
}

// formOf fills the form from a referendum, to change it.
func (h *Handler) formOf(ref *Referendum) ReferendumForm {
	f := ReferendumForm{Slug: ref.Slug, Title: ref.Title, Description: ref.Description, District: strconv.Itoa(ref.District),
		MinAge: strconv.Itoa(ref.MinAge), Quorum: strconv.Itoa(ref.Quorum), Electorate: strconv.Itoa(ref.Electorate),
		PaperPolicy: ref.PaperPolicy, Binding: ref.Binding, PaperDoubleKey: ref.PaperDoubleKey, AutoPhases: ref.AutoPhases,
		VotingStarts: h.formatLocal(ref.VotingStarts), VotingEnds: h.formatLocal(ref.VotingEnds), ResultsAt: h.formatLocal(ref.ResultsAt)}
	for _, q := range ref.Questions {
		qf := QuestionFields{Kind: string(q.Kind), Text: q.Text, MaxChoices: strconv.Itoa(q.MaxChoices)}
		if q.Kind != YesNo {
			labels := make([]string, len(q.Options))
			for i, o := range q.Options {
				labels[i] = o.Label
			}
			qf.Options = strings.Join(labels, "\n")
		}
		f.Questions = append(f.Questions, qf)
	}
	return f
}

// formatLocal writes t for a datetime-local field in the city's time
// zone; "" for the zero time.
func (h *Handler) formatLocal(t time.Time) string { return web.LocalTimeValue(t, h.location()) }
