package ballot

import (
	"context"
	"fmt"
)

// Integrity is the check of a box's vote: every participation has exactly
// one ballot and every cast ballot one participation. Only the server can
// make it, since the link between the two is keyed with the secret key.
type Integrity struct {
	Participations int
	Ballots        int // online and paper ballots (imported ones have no participation)
	// Orphans are participations whose ballot is missing; Strays are
	// ballots whose participation is missing. Both must be zero.
	Orphans int
	Strays  int
}

// OK reports whether the vote is whole.
func (i Integrity) OK() bool {
	return i.Orphans == 0 && i.Strays == 0 && i.Participations == i.Ballots
}

// CheckIntegrity checks a box's participations against its ballots.
func (b *Box) CheckIntegrity(ctx context.Context, box string) (Integrity, error) {
	var out Integrity
	ids, err := b.ParticipationIDs(ctx, b.DB, box)
	if err != nil {
		return out, fmt.Errorf("ballot: integrity: %w", err)
	}
	links, err := b.BallotLinks(ctx, b.DB, box)
	if err != nil {
		return out, fmt.Errorf("ballot: integrity: %w", err)
	}
	out.Participations, out.Ballots = len(ids), len(links)
	have := make(map[string]int, len(links))
	for _, l := range links {
		have[l]++
	}
	for _, id := range ids {
		l := b.Link(id)
		switch have[l] {
		case 0:
			out.Orphans++
		case 1:
		default:
			return out, fmt.Errorf("ballot: integrity: a participation links %d ballots", have[l])
		}
		delete(have, l)
	}
	out.Strays = len(have)
	return out, nil
}
