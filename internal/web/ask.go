package web

import (
	"context"
	"net/url"
)

// Ask is a one-step question — a quick poll — that a signed-in resident
// answers where they already are (the home page's "open now", their
// profile) with one form and one press. Any module may offer one: on an
// OpenItem of its Opener, or from its profile section. The form posts
// "choice" (one, or several when Multiple) and "next", the page to come
// back to; the module's handler answers and redirects to AnsweredURL.
type Ask struct {
	// Key names the question on a page (element ids, the answered
	// notice); a module prefixes its own ("poll-fajerwerki").
	Key      string
	Question string // in the request's language
	Action   string // where the form posts
	Multiple bool   // check boxes instead of radio buttons
	Hint     string // how to answer, when there is more to say
	Options  []AskOption
}

// AskOption is one answer of an Ask.
type AskOption struct {
	Value, Label string
}

// AskResults are what the resident who has answered an Ask may see of
// its results: no Rows while they are not shown yet, Note saying when.
type AskResults struct {
	Question string
	Voters   int
	Rows     []AskRow
	// Note qualifies them (translated): "not a representative survey",
	// "results are shown when the poll closes".
	Note string
}

// AskRow is one answer's count.
type AskRow struct {
	Label   string
	Votes   int
	Percent string
}

// AskResulter gives the results of an Ask to a resident who has answered
// it: nil when they have not, or the key is not the module's.
type AskResulter interface {
	AskResults(ctx context.Context, userID, key string) (*AskResults, error)
}

// Asker is an Opener whose items carry Asks. The home page asks it only
// for signed-in visitors, once per visit, with the keys of its open items:
// which of them the resident may still answer (not answered yet, and
// allowed to: the right district, verified when required).
type Asker interface {
	AskResulter
	CanAnswer(ctx context.Context, userID string, keys []string) (map[string]bool, error)
}

// AskView is an Ask as a page shows it to one resident: the form when
// they may answer; after they have answered it, the notice and the
// results they may see.
type AskView struct {
	Ask
	CanAnswer bool
	Answered  bool
	Results   *AskResults
	// Next is the page the form brings them back to.
	Next string
}

// AnsweredParam is the query parameter naming the Ask just answered on
// the page the resident comes back to.
const AnsweredParam = "answered"

// AnsweredURL is where a module sends a resident who has answered key
// from the page next (kept on this site): that page with the notice of
// the answer, scrolled to it.
func AnsweredURL(next, key string) string {
	u, err := url.Parse(LocalPath(next))
	if err != nil {
		u = &url.URL{Path: "/"}
	}
	q := u.Query()
	q.Set(AnsweredParam, key)
	u.RawQuery, u.Fragment = q.Encode(), "ask-"+key
	return u.String()
}

// AnsweredView is the notice of the Ask key that the resident has just
// answered, with what they may see of its results; nil when none of rs
// knows them to have answered it (a stale or made-up link).
func AnsweredView(ctx context.Context, rs []AskResulter, userID, key string) (*AskView, error) {
	if key == "" || userID == "" {
		return nil, nil
	}
	for _, r := range rs {
		res, err := r.AskResults(ctx, userID, key)
		if err != nil {
			return nil, err
		}
		if res != nil {
			return &AskView{Ask: Ask{Key: key, Question: res.Question}, Answered: true, Results: res}, nil
		}
	}
	return nil, nil
}
