package vote

import (
	"context"
	"database/sql"

	"github.com/civitas-city/civitas/internal/ballot"
	"github.com/civitas-city/civitas/internal/web/profile"
)

// Section is the vote's part of "my profile": referendum receipts and
// answered polls.
type Section struct{ S *Service }

var _ profile.Section = Section{}

// Key names the section in the export.
func (Section) Key() string { return "votes" }

// TitleKey is the section's heading.
func (Section) TitleKey() string { return "vote.profile.title" }

// MyVote is one of a resident's referendum ballots or poll answers.
type MyVote struct {
	Kind    string // referendum, poll
	Slug    string
	Title   string
	Receipt string // a referendum's (a poll's answer is not shown)
	Channel string
	At      string
	Mine    ballot.Mine
}

// mine lists userID's ballots in referenda and polls, newest first.
func (s *Service) mine(ctx context.Context, userID string) ([]MyVote, error) {
	all, err := s.ballots().Mine(ctx, userID, "")
	if err != nil {
		return nil, err
	}
	refs, err := s.Referenda(ctx)
	if err != nil {
		return nil, err
	}
	polls, err := s.Polls(ctx)
	if err != nil {
		return nil, err
	}
	byID := map[string]MyVote{}
	for _, r := range refs {
		byID[r.ID] = MyVote{Kind: "referendum", Slug: r.Slug, Title: r.Title}
	}
	for _, p := range polls {
		byID[p.ID] = MyVote{Kind: "poll", Slug: p.Slug, Title: p.Question}
	}
	var out []MyVote
	for _, m := range all {
		v, ok := byID[m.Box]
		if !ok {
			continue // another owner's box (the budget's)
		}
		v.Channel, v.At, v.Mine = m.Channel, stamp(m.At), m
		if v.Kind == "referendum" {
			v.Receipt = m.Receipt
		}
		out = append(out, v)
	}
	return out, nil
}

// Receipts are userID's receipts in a referendum, by question.
func (s *Service) Receipts(ctx context.Context, r *Referendum, userID string) ([]ReceiptView, error) {
	mine, err := s.ballots().Mine(ctx, userID, r.ID)
	if err != nil {
		return nil, err
	}
	var out []ReceiptView
	for _, q := range r.Questions {
		for _, m := range mine {
			if m.Pool == q.ID && m.Receipt != "" {
				out = append(out, ReceiptView{Question: q.Text, Code: m.Receipt})
			}
		}
	}
	return out, nil
}

// Items lists the resident's referendum receipts and answered polls.
func (sec Section) Items(ctx context.Context, userID string) ([]profile.Item, error) {
	list, err := sec.S.mine(ctx, userID)
	if err != nil {
		return nil, err
	}
	out := make([]profile.Item, 0, len(list))
	for _, v := range list {
		item := profile.Item{Title: v.Title, At: v.Mine.At}
		if v.Kind == "referendum" {
			item.URL, item.Status = "/votes/referenda/"+v.Slug, v.Receipt
		} else {
			item.URL = "/votes/polls/" + v.Slug
		}
		out = append(out, item)
	}
	return out, nil
}

// PersonalData is the resident's referendum ballots (with receipts and
// choices, found through their links) and poll answers.
func (sec Section) PersonalData(ctx context.Context, userID string) (any, error) {
	list, err := sec.S.mine(ctx, userID)
	if err != nil {
		return nil, err
	}
	out := make([]map[string]any, 0, len(list))
	for _, v := range list {
		out = append(out, map[string]any{"kind": v.Kind, "slug": v.Slug, "title": v.Title, "receipt": v.Receipt,
			"channel": v.Channel, "at": v.At, "choices": v.Mine.Choices, "void": v.Mine.Void})
	}
	return out, nil
}

// Erase detaches the resident's ballots from the account: they stay
// counted, and the person key stays, so nobody votes twice by deleting an
// account.
func (Section) Erase(ctx context.Context, tx *sql.Tx, userID string) error {
	return ballot.EraseUser(ctx, tx, userID)
}
