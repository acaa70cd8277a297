package vote

import (
	"context"
	"strings"

	"github.com/civitas-city/civitas/internal/apperr"
	"github.com/civitas-city/civitas/internal/web"
)

// OpenNow is the vote's part of the home page's "open now": referenda in
// voting with the end of voting, and open polls, each carrying its
// question as a one-step form (web.Ask) for the residents who may still
// answer it.
type OpenNow struct{ S *Service }

var (
	_ web.Opener = OpenNow{}
	_ web.Asker  = OpenNow{}
)

// OpenNow lists the referenda open for voting and the open polls.
func (o OpenNow) OpenNow(ctx context.Context) ([]web.OpenItem, error) {
	s := o.S
	refs, err := s.Referenda(ctx)
	if err != nil {
		return nil, err
	}
	polls, err := s.OpenPolls(ctx)
	if err != nil {
		return nil, err
	}
	now := s.now()
	var out []web.OpenItem
	for _, r := range refs {
		if r.VotingOpen(now) {
			out = append(out, web.OpenItem{Title: s.t(ctx, "vote.open.referendum", r.Title), URL: "/votes/referenda/" + r.Slug,
				Closes: r.VotingEnds, District: r.District})
		}
	}
	for _, p := range polls {
		if p.Open(now) {
			ask := s.ask(ctx, p)
			out = append(out, web.OpenItem{Title: s.t(ctx, "vote.open.poll", p.Question), URL: "/votes/polls/" + p.Slug,
				Closes: p.ClosesAt, District: p.District, Ask: &ask})
		}
	}
	return out, nil
}

// CanAnswer tells which of the polls (by their Ask keys) userID may still
// answer.
func (o OpenNow) CanAnswer(ctx context.Context, userID string, keys []string) (map[string]bool, error) {
	polls, err := openPollRules(ctx, o.S.DB) // no options: a signed-in visit costs three queries
	if err != nil {
		return nil, err
	}
	can, err := o.S.answerable(ctx, userID, polls)
	if err != nil {
		return nil, err
	}
	out := map[string]bool{}
	for _, k := range keys {
		out[k] = can[strings.TrimPrefix(k, pollKey)]
	}
	return out, nil
}

// AskResults is what userID, who has answered the poll key, may see of
// its results.
func (o OpenNow) AskResults(ctx context.Context, userID, key string) (*web.AskResults, error) {
	return o.S.askResults(ctx, userID, key)
}

// pollKey prefixes a poll's slug in its Ask key.
const pollKey = "poll-"

// t translates key in the request's language (the key itself without a
// catalog).
func (s *Service) t(ctx context.Context, key string, args ...any) string {
	if s.Catalog == nil {
		return key
	}
	return s.Catalog.T(web.Lang(ctx), key, args...)
}

// ask is a poll as a one-step question.
func (s *Service) ask(ctx context.Context, p *Poll) web.Ask {
	a := web.Ask{Key: pollKey + p.Slug, Question: p.Question, Action: "/votes/polls/" + p.Slug, Multiple: p.Kind == Multiple}
	switch p.Kind {
	case Multiple:
		a.Hint = s.t(ctx, "vote.rules.multiple", p.MaxChoices)
	case Scale:
		a.Hint = s.t(ctx, "vote.polls.scale")
	}
	for _, o := range p.Options {
		a.Options = append(a.Options, web.AskOption{Value: o.ID, Label: o.Label})
	}
	return a
}

// askResults is what userID, who has answered the poll key, may see of
// it: its count when the poll shows results after answering, else when
// they will be shown; nil when key is no poll they answered.
func (s *Service) askResults(ctx context.Context, userID, key string) (*web.AskResults, error) {
	slug, ok := strings.CutPrefix(key, pollKey)
	if !ok || userID == "" {
		return nil, nil
	}
	p, err := s.Poll(ctx, slug)
	if apperr.Is(err, apperr.NotFound) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	answered, err := s.Answered(ctx, p, userID)
	if err != nil || !answered {
		return nil, err
	}
	out := &web.AskResults{Question: p.Question}
	var notes []string
	if !p.Representative() {
		notes = append(notes, s.t(ctx, "vote.polls.not_representative"))
	}
	if !p.ResultsVisible(s.now(), true) {
		out.Note = strings.Join(append(notes, s.t(ctx, "vote.polls.results_at_close")), " ")
		return out, nil
	}
	count, err := s.PollResults(ctx, p)
	if err != nil {
		return nil, err
	}
	out.Voters, out.Note = count.Voters, strings.Join(notes, " ")
	for _, o := range count.Options {
		out.Rows = append(out.Rows, web.AskRow{Label: o.Option.Label, Votes: o.Votes, Percent: percent(o.Permille)})
	}
	return out, nil
}

// Asks are the open polls userID may still answer, as one-step forms
// for their profile (which brings them back there).
func (sec Section) Asks(ctx context.Context, userID string) ([]web.Ask, error) {
	polls, err := sec.S.OpenPolls(ctx)
	if err != nil {
		return nil, err
	}
	can, err := sec.S.answerable(ctx, userID, polls)
	if err != nil {
		return nil, err
	}
	var out []web.Ask
	for _, p := range polls {
		if can[p.Slug] {
			out = append(out, sec.S.ask(ctx, p))
		}
	}
	return out, nil
}

// AskResults is what userID, who has answered the poll key, may see of
// its results.
func (sec Section) AskResults(ctx context.Context, userID, key string) (*web.AskResults, error) {
	return sec.S.askResults(ctx, userID, key)
}
