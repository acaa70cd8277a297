package vote

import (
	"context"
	"database/sql"
	"fmt"
	"regexp"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/civitas-city/civitas/internal/apperr"
	"github.com/civitas-city/civitas/internal/ballot"
	"github.com/civitas-city/civitas/internal/db"
)

// ReferendumInput is a referendum as an officer (or the demo) sets it up.
type ReferendumInput struct {
	Slug, Title, Description string
	District, MinAge         int
	Binding                  bool
	Quorum, Electorate       int
	PaperPolicy              string
	// PaperDoubleKey: two officers key every paper sheet.
	PaperDoubleKey bool
	// AutoPhases: the dates move the phases; otherwise an officer does.
	AutoPhases                          bool
	VotingStarts, VotingEnds, ResultsAt time.Time
	Questions                           []QuestionInput
}

// QuestionInput is a question with its options' labels (none for yes/no).
type QuestionInput struct {
	Kind       Kind
	Text       string
	MaxChoices int
	Options    []string
}

var slugRE = regexp.MustCompile(`^[a-z0-9][a-z0-9-]{1,60}$`)

func (s *Service) checkReferendum(in ReferendumInput) error {
	errs := apperr.Fields{}
	if !slugRE.MatchString(in.Slug) {
		errs["slug"] = "vote.error.slug"
	}
	if t := strings.TrimSpace(in.Title); t == "" || utf8.RuneCountInString(t) > 200 {
		errs["title"] = "vote.error.title"
	}
	if in.District < 0 || in.District > 0 && s.IsDistrict != nil && !s.IsDistrict(in.District) {
		errs["district"] = "vote.error.district"
	}
	if in.MinAge < 0 || in.MinAge > 120 {
		errs["min_age"] = "vote.error.min_age"
	}
	if in.Quorum < 0 || in.Quorum > 100 || in.Quorum > 0 && in.Electorate <= 0 {
		errs["quorum"] = "vote.error.quorum"
	}
	if in.PaperPolicy != string(ballot.FirstWins) && in.PaperPolicy != string(ballot.VoidBoth) {
		errs["paper_policy"] = "vote.error.paper_policy"
	}
	if in.AutoPhases && (in.VotingStarts.IsZero() || in.VotingEnds.IsZero() || !in.VotingEnds.After(in.VotingStarts) ||
		!in.ResultsAt.IsZero() && in.ResultsAt.Before(in.VotingEnds)) {
		errs["voting_starts"] = "vote.error.dates"
	}
	if len(in.Questions) == 0 || len(in.Questions) > 20 {
		errs["questions"] = "vote.error.questions"
	}
	for i, q := range in.Questions {
		if field, key := checkQuestion(q.Kind, q.Text, q.MaxChoices, q.Options, false); key != "" {
			errs[QuestionField(i, field)] = key
		}
	}
	return errs.Err()
}

// QuestionField names the form field of a referendum's question i (from
// 0): q1-text, q1-options, ... so that an error shows beside it.
func QuestionField(i int, field string) string {
	return fmt.Sprintf("q%d-%s", i+1, field)
}

// checkQuestion checks a question's set-up: the field at fault (text,
// kind, options, max_choices) and the message key of its first problem,
// or "".
func checkQuestion(kind Kind, text string, maxChoices int, options []string, poll bool) (field, key string) {
	text = strings.TrimSpace(text)
	if text == "" || utf8.RuneCountInString(text) > 1000 {
		return "text", "vote.error.question_text"
	}
	switch kind {
	case YesNo, Scale:
		if kind == Scale && !poll || kind == YesNo && poll {
			return "kind", "vote.error.kind"
		}
		return "", ""
	case Single, Multiple, Ranking:
		if kind == Ranking && poll {
			return "kind", "vote.error.kind"
		}
	default:
		return "kind", "vote.error.kind"
	}
	if len(options) < 2 || len(options) > 30 {
		return "options", "vote.error.options"
	}
	for _, o := range options {
		if o = strings.TrimSpace(o); o == "" || utf8.RuneCountInString(o) > 300 {
			return "options", "vote.error.options"
		}
	}
	if kind != Single && (maxChoices < 1 || maxChoices > len(options)) {
		return "max_choices", "vote.error.max_choices"
	}
	return "", ""
}

// optionsFor makes a question's options: yes and no for YesNo, 1..5 for
// Scale, else the labels.
func optionsFor(kind Kind, labels []string) []Option {
	switch kind {
	case YesNo:
		labels = []string{"yes", "no"}
	case Scale:
		labels = []string{"1", "2", "3", "4", "5"}
	}
	out := make([]Option, len(labels))
	for i, l := range labels {
		out[i] = Option{ID: db.NewID(), Label: strings.TrimSpace(l)}
	}
	return out
}

// CreateReferendum sets up a referendum. Audited.
func (s *Service) CreateReferendum(ctx context.Context, a Actor, in ReferendumInput) (*Referendum, error) {
	if err := s.checkReferendum(in); err != nil {
		return nil, err
	}
	now := s.now()
	r := &Referendum{ID: db.NewID(), Slug: in.Slug, Phase: Announced, CreatedBy: a.ID, CreatedAt: now}
	r.apply(in, now)
	err := s.DB.InTx(ctx, func(tx *sql.Tx) error {
		if err := insertReferendum(ctx, tx, r); err != nil {
			if apperr.Is(err, apperr.Conflict) {
				return apperr.Fieldf("slug", "vote.error.slug_taken")
			}
			return err
		}
		return s.saved(ctx, tx, a, "vote.referendum.create", r)
	})
	return r, err
}

// saved audits a referendum's creation or change (action) and queues its
// notices and its schedule's next wake-up for its dates.
func (s *Service) saved(ctx context.Context, tx *sql.Tx, a Actor, action string, r *Referendum) error {
	if err := s.record(ctx, tx, a, action, "vote_referendum", r.ID, map[string]string{"slug": r.Slug}); err != nil {
		return err
	}
	if err := s.scheduleNotices(ctx, tx, r); err != nil {
		return err
	}
	return s.scheduleNext(ctx, tx, r)
}

// apply sets r from a checked input (all but the id, slug and creation),
// with new questions; the phase follows the dates when they move it.
func (r *Referendum) apply(in ReferendumInput, now time.Time) {
	r.Title, r.Description = strings.TrimSpace(in.Title), in.Description
	r.District, r.MinAge, r.Binding, r.Quorum, r.Electorate = in.District, in.MinAge, in.Binding, in.Quorum, in.Electorate
	r.PaperPolicy, r.PaperDoubleKey, r.AutoPhases = in.PaperPolicy, in.PaperDoubleKey, in.AutoPhases
	r.VotingStarts, r.VotingEnds, r.ResultsAt = stored(in.VotingStarts), stored(in.VotingEnds), stored(in.ResultsAt)
	r.UpdatedAt = now
	if r.AutoPhases {
		r.Phase = r.PhaseDue(now)
	}
	r.Questions = nil
	for _, q := range in.Questions {
		max := q.MaxChoices
		if q.Kind == YesNo || q.Kind == Single {
			max = 1
		}
		r.Questions = append(r.Questions, Question{ID: db.NewID(), Kind: q.Kind, Text: strings.TrimSpace(q.Text),
			MaxChoices: max, Options: optionsFor(q.Kind, q.Options)})
	}
}

// stored is t as the database keeps it; zero stays zero.
func stored(t time.Time) time.Time {
	if t.IsZero() {
		return t
	}
	return db.TS(t)
}

// UpdateReferendum changes an announced referendum: its settings, schedule
// and questions (replaced whole). Once voting has started, nothing of it
// may change: ballots were cast on exactly those questions, so it is
// refused with the reason. Audited.
func (s *Service) UpdateReferendum(ctx context.Context, a Actor, slug string, in ReferendumInput) (*Referendum, error) {
	r, err := s.Referendum(ctx, slug)
	if err != nil {
		return nil, err
	}
	if r.Phase != Announced {
		return nil, errStarted
	}
	in.Slug = r.Slug
	if err := s.checkReferendum(in); err != nil {
		return nil, err
	}
	r.apply(in, s.now())
	defer s.forget()
	err = s.DB.InTx(ctx, func(tx *sql.Tx) error {
		// The phase is checked again inside the transaction: an officer or
		// the schedule may have opened the vote since it was read.
		if err := updateReferendum(ctx, tx, r); err != nil {
			return err
		}
		return s.saved(ctx, tx, a, "vote.referendum.update", r)
	})
	return r, err
}

// errStarted refuses a change to a referendum whose voting has started.
var errStarted = apperr.E(apperr.Conflict, "vote.error.started")

// Answers are a ballot: option ids by question id, in ballot order (a
// ranking best first). A question left out is not answered.
type Answers map[string][]string

// checkAnswers checks a ballot against the referendum's questions and
// returns the box's ballots for it, one per answered question.
func checkAnswers(r *Referendum, in Answers) ([]*ballot.Ballot, error) {
	owner := map[string]string{} // option id -> question id
	for _, q := range r.Questions {
		for _, o := range q.Options {
			owner[o.ID] = q.ID
		}
	}
	var out []*ballot.Ballot
	for _, q := range r.Questions {
		choices, ok := in[q.ID]
		if !ok || len(choices) == 0 {
			continue
		}
		for _, c := range choices {
			if owner[c] != q.ID {
				if owner[c] != "" {
					return nil, ballotError("vote.error.other_question")
				}
				return nil, ballotError("vote.error.unknown_option")
			}
		}
		points, err := checkChoices(q.Kind, q.MaxChoices, choices)
		if err != nil {
			return nil, err
		}
		out = append(out, &ballot.Ballot{Box: r.ID, Pool: q.ID, Slot: q.ID, Choices: strings.Join(choices, ","),
			Points: ballot.JoinInts(points)})
	}
	for id := range in {
		if _, ok := r.Question(id); !ok {
			return nil, ballotError("vote.error.unknown_question")
		}
	}
	if len(out) == 0 {
		return nil, ballotError("vote.error.empty")
	}
	return out, nil
}

// checkChoices checks the number of choices for a question's kind and
// returns the points of a ranking (the first gets max).
func checkChoices(kind Kind, max int, choices []string) ([]int, error) {
	seen := map[string]bool{}
	for _, c := range choices {
		if seen[c] {
			return nil, ballotError("vote.error.twice")
		}
		seen[c] = true
	}
	switch kind {
	case YesNo, Single, Scale:
		if len(choices) != 1 {
			return nil, ballotError("vote.error.one")
		}
	case Multiple, Ranking:
		if len(choices) > max {
			return nil, ballotError("vote.error.too_many")
		}
	}
	if kind != Ranking {
		return nil, nil
	}
	points := make([]int, len(choices))
	for i := range choices {
		points[i] = max - i
	}
	return points, nil
}

func ballotError(key string) error {
	return &apperr.Error{Kind: apperr.Invalid, Field: "ballot", Message: key}
}

// checkVoter applies the referendum's rules about the person: verified,
// of its district, old enough.
func (r *Referendum) checkVoter(res Residency, now time.Time) error {
	switch {
	case !res.Verified || res.Person == "":
		return apperr.E(apperr.Forbidden, "vote.error.unverified")
	case r.District > 0 && res.District != r.District:
		return apperr.E(apperr.Forbidden, "vote.error.other_district")
	case r.MinAge > 0 && res.BirthDate.IsZero():
		return apperr.E(apperr.Forbidden, "vote.error.age_unknown")
	case r.MinAge > 0 && ballot.Age(res.BirthDate, now) < r.MinAge:
		return apperr.E(apperr.Forbidden, "vote.error.too_young")
	}
	return nil
}

// Receipt is a question's receipt.
type Receipt struct {
	Question string `json:"question"`
	Code     string `json:"receipt"`
}

// Cast records userID's ballot in a referendum, after checking the phase,
// who they are and the ballot. It returns once the ballot is durably
// committed, with a receipt per answered question. A person who took part
// already (in any channel) is refused and nothing changes.
func (s *Service) Cast(ctx context.Context, a Actor, userID, slug string, in Answers) ([]Receipt, error) {
	r, err := s.cachedReferendum(ctx, slug)
	if err != nil {
		return nil, err
	}
	now := s.now()
	if !r.VotingOpen(now) {
		return nil, ballotError("vote.error.closed")
	}
	res, err := s.Residents.Residency(ctx, userID)
	if err != nil {
		return nil, err
	}
	if err := r.checkVoter(res, now); err != nil {
		return nil, err
	}
	sheet, err := checkAnswers(r, in)
	if err != nil {
		return nil, err
	}
	for _, b := range sheet {
		b.Voter, b.UserID, b.Channel, b.District, b.AgeBand, b.At, b.Policy, b.Actor =
			res.Person, userID, ballot.ChannelOnline, res.District, ballot.AgeBand(res.BirthDate, now), now,
			ballot.Policy(r.PaperPolicy), a
	}
	results, err := s.ballots().CastSheet(ctx, sheet)
	if err != nil {
		return nil, err
	}
	out := make([]Receipt, 0, len(results))
	for i, x := range results {
		if x.Err != nil {
			return out, x.Err
		}
		out = append(out, Receipt{Question: sheet[i].Pool, Code: x.Receipt})
	}
	return out, nil
}
