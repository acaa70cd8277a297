package consult

import (
	"context"

	"github.com/civitas-city/civitas/internal/web"
	"github.com/civitas-city/civitas/internal/web/backoffice"
)

// Backoffice is the consultations' part of the staff's dashboard: what
// waits for a moderator.
type Backoffice struct{ S *Service }

var _ backoffice.Section = Backoffice{}

// TitleKey is the section's heading.
func (Backoffice) TitleKey() string { return "consult.title" }

// moderationCount bounds the count shown: past it the queue is long
// whatever the exact number.
const moderationCount = 1000

// Queues counts the comments and statements waiting for moderation.
func (b Backoffice) Queues(ctx context.Context, u *web.User) ([]backoffice.Queue, error) {
	if !u.Has(web.RoleModerator, "") {
		return nil, nil
	}
	q, err := b.S.Queue(ctx, moderationCount)
	if err != nil {
		return nil, err
	}
	lang := web.Lang(ctx)
	const url = "/moderation/consultations"
	return []backoffice.Queue{
		{Title: b.S.Catalog.T(lang, "consult.backoffice.comments"), Count: len(q.Comments), URL: url},
		{Title: b.S.Catalog.T(lang, "consult.backoffice.statements"), Count: len(q.Statements), URL: url},
	}, nil
}
