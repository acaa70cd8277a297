package vote

import (
	"encoding/json"
	"net/http"

	"github.com/civitas-city/civitas/internal/apperr"
	"github.com/civitas-city/civitas/internal/web"
)

func (h *Handler) apiReferenda(w http.ResponseWriter, r *http.Request) error {
	list, err := h.Service.Referenda(r.Context())
	if err != nil {
		return err
	}
	out := []ReferendumJSON{}
	for _, ref := range list {
		out = append(out, referendumJSON(ref, h.Service.now(), false))
	}
	return web.WriteJSON(w, http.StatusOK, map[string]any{"referenda": out})
}

func (h *Handler) apiReferendum(w http.ResponseWriter, r *http.Request) error {
	ref, err := h.Service.Referendum(r.Context(), r.PathValue("slug"))
	if err != nil {
		return err
	}
	return web.WriteJSON(w, http.StatusOK, referendumJSON(ref, h.Service.now(), true))
}

func (h *Handler) apiResults(w http.ResponseWriter, r *http.Request) error {
	ref, err := h.resultsReferendum(r)
	if err != nil {
		return err
	}
	out, err := h.Service.Results(r.Context(), ref)
	if err != nil {
		return err
	}
	return web.WriteJSON(w, http.StatusOK, resultsJSON(ref, out))
}

// apiCast casts a ballot: {"answers": {"question id": ["option id", ...]}}
// answers 201 {"receipts": [{"question", "receipt"}]} once durably
// committed.
func (h *Handler) apiCast(w http.ResponseWriter, r *http.Request) error {
	var in struct {
		Answers Answers `json:"answers"`
	}
	dec := json.NewDecoder(r.Body)
	dec.DisallowUnknownFields()
	if err := dec.Decode(&in); err != nil {
		return apperr.Wrap(apperr.Invalid, "vote.error.bad_json", err)
	}
	receipts, err := h.Service.Cast(r.Context(), actor(r), participant(r), r.PathValue("slug"), in.Answers)
	if err != nil {
		return err
	}
	return web.WriteJSON(w, http.StatusCreated, map[string]any{"receipts": receipts})
}

// PollJSON is a poll in the API.
type PollJSON struct {
	Slug           string       `json:"slug"`
	Question       string       `json:"question"`
	Kind           Kind         `json:"kind"`
	MaxChoices     int          `json:"max_choices"`
	ResidentsOnly  bool         `json:"residents_only"`
	Representative bool         `json:"representative"`
	District       int          `json:"district,omitempty"`
	Open           bool         `json:"open"`
	ClosesAt       string       `json:"closes_at,omitempty"`
	Voters         *int         `json:"voters,omitempty"`
	Options        []OptionJSON `json:"options"`
}

func (h *Handler) pollJSON(p *Poll, out *PollOutcome) PollJSON {
	j := PollJSON{Slug: p.Slug, Question: p.Question, Kind: p.Kind, MaxChoices: p.MaxChoices, ResidentsOnly: p.ResidentsOnly,
		Representative: p.Representative(), District: p.District, Open: p.Open(h.Service.now()), ClosesAt: stamp(p.ClosesAt)}
	for i, o := range p.Options {
		oj := OptionJSON{ID: o.ID, Label: o.Label}
		if out != nil {
			votes := out.Options[i].Votes
			oj.Votes = &votes
		}
		j.Options = append(j.Options, oj)
	}
	if out != nil {
		j.Voters = &out.Voters
	}
	return j
}

func (h *Handler) apiPolls(w http.ResponseWriter, r *http.Request) error {
	list, err := h.Service.Polls(r.Context())
	if err != nil {
		return err
	}
	out := []PollJSON{}
	for _, p := range list {
		out = append(out, h.pollJSON(p, nil))
	}
	return web.WriteJSON(w, http.StatusOK, map[string]any{"polls": out})
}

// apiPollResults shows a poll's count to whoever may see it: after the
// close, or to a caller who answered when the poll shows results then.
func (h *Handler) apiPollResults(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	p, err := h.Service.Poll(ctx, r.PathValue("slug"))
	if err != nil {
		return err
	}
	answered, err := h.Service.Answered(ctx, p, participant(r))
	if err != nil {
		return err
	}
	if !p.ResultsVisible(h.Service.now(), answered) {
		return apperr.E(apperr.Forbidden, "vote.poll.results_later")
	}
	out, err := h.Service.PollResults(ctx, p)
	if err != nil {
		return err
	}
	return web.WriteJSON(w, http.StatusOK, h.pollJSON(p, out))
}

// apiAnswer answers a poll: {"choices": ["option id", ...]} answers 201.
func (h *Handler) apiAnswer(w http.ResponseWriter, r *http.Request) error {
	var in struct {
		Choices []string `json:"choices"`
	}
	dec := json.NewDecoder(r.Body)
	dec.DisallowUnknownFields()
	if err := dec.Decode(&in); err != nil {
		return apperr.Wrap(apperr.Invalid, "vote.error.bad_json", err)
	}
	if err := h.Service.Answer(r.Context(), actor(r), participant(r), r.PathValue("slug"), in.Choices); err != nil {
		return err
	}
	return web.WriteJSON(w, http.StatusCreated, map[string]any{"answered": true})
}
