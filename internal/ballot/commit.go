package ballot

import (
	"context"
	"database/sql"
	"fmt"

	"github.com/civitas-city/civitas/internal/apperr"
	"github.com/civitas-city/civitas/internal/db"
)

// ballotWriter is the group commit of online ballots (db.GroupCommit): ballots
// that arrive together share one durable transaction, and each request is
// answered after the commit that holds its ballot, so a 2xx answer still
// means "durably committed". Within a batch the ballots are written in
// order, so two ballots of one person in one batch see each other (the
// second finds the first's participation); the UNIQUE constraints keep
// several nodes, each with its own writer, correct.
func (b *Box) ballotWriter() *db.GroupCommit[[]*Ballot, []Result] {
	b.writerOnce.Do(func() {
		b.writer = &db.GroupCommit[[]*Ballot, []Result]{
			DB:  b.DB,
			Max: 256,
			Write: func(ctx context.Context, tx *sql.Tx, batch [][]*Ballot) ([][]Result, error) {
				var all []*Ballot
				for _, sheet := range batch {
					all = append(all, sheet...)
				}
				res, err := b.castBatch(ctx, tx, all, map[string]bool{})
				if err != nil {
					return nil, err
				}
				out := make([][]Result, len(batch))
				for i, sheet := range batch {
					out[i], res = res[:len(sheet):len(sheet)], res[len(sheet):]
				}
				return out, nil
			},
		}
	})
	return b.writer
}

// Cast records a ballot and returns once it is durably committed (or
// refused: Result.Err). The caller has checked the voter and the ballot;
// the box checks that the vote is open and that the person has not taken
// part in the slot.
func (b *Box) Cast(ctx context.Context, r *Ballot) (Result, error) {
	res, err := b.CastSheet(ctx, []*Ballot{r})
	if err != nil {
		return Result{}, err
	}
	return res[0], nil
}

// CastSheet records one person's ballots in several slots (the questions
// of a referendum) in one transaction, with a result for each.
func (b *Box) CastSheet(ctx context.Context, rs []*Ballot) ([]Result, error) {
	res, err := b.ballotWriter().Do(rs)
	if err != nil {
		b.log().ErrorContext(ctx, "ballot: not recorded", "error", err)
	}
	return res, err
}

// CastIn records a ballot in tx (paper ballots, demo data). open caches
// whether each box is open (a box known open is not checked again).
func (b *Box) CastIn(ctx context.Context, tx *sql.Tx, r *Ballot, open map[string]bool) (Result, error) {
	res, err := b.castBatch(ctx, tx, []*Ballot{r}, open)
	if err != nil {
		return Result{}, err
	}
	return res[0], nil
}

func (b *Box) refusal(key string) error {
	return &apperr.Error{Kind: apperr.Invalid, Field: "ballot", Message: b.Names.Errors + key}
}

// castBatch writes a batch of ballots in tx and returns each one's
// result. Refusals (closed, already voted) make no write. Ballots of people
// new to their slot — nearly all — are written with one multi-row INSERT
// of participations and one of ballots, so a batch costs a few statements
// whatever its size; the others go one by one (castConflict). An error
// from a statement is returned as fatal: the caller rolls back and retries
// each request in a transaction of its own.
func (b *Box) castBatch(ctx context.Context, tx *sql.Tx, batch []*Ballot, open map[string]bool) ([]Result, error) {
	results := make([]Result, len(batch))
	live := make([]int, 0, len(batch))
	for i, r := range batch {
		isOpen, known := open[r.Box]
		if !known {
			var err error
			if isOpen, err = b.Open(ctx, b.stmts.Querier(b.DB, tx), r.Box, r.At); err != nil {
				return nil, fmt.Errorf("ballot: open: %w", err)
			}
			open[r.Box] = isOpen
		}
		if !isOpen {
			results[i].Err = b.refusal("closed")
			continue
		}
		live = append(live, i)
	}
	pids := make([]string, len(batch))
	for _, i := range live {
		pids[i] = db.NewID()
	}
	inserted, err := b.insertParticipations(ctx, tx, batch, live, pids)
	if err != nil {
		return nil, err
	}
	fresh := make([]int, 0, len(live))
	for _, i := range live {
		if inserted[pids[i]] {
			fresh = append(fresh, i)
			results[i].Receipt = NewReceipt()
		}
	}
	if err := b.insertBallots(ctx, tx, batch, fresh, pids, results); err != nil {
		return nil, err
	}
	for _, i := range live {
		if !inserted[pids[i]] {
			if results[i], err = b.castConflict(ctx, tx, batch[i]); err != nil {
				return nil, err
			}
			if results[i].Err != nil {
				continue
			}
		}
		if err := b.auditAssisted(ctx, tx, batch[i]); err != nil {
			return nil, err
		}
	}
	return results, nil
}

// insertParticipations inserts the participations of batch[idx] (ids
// pids[i]), leaving out those whose person already has one in the slot,
// and returns the ids inserted. Two ballots of one person in one batch: the
// first is inserted, the second conflicts.
func (b *Box) insertParticipations(ctx context.Context, tx *sql.Tx, batch []*Ballot, idx []int, pids []string) (map[string]bool, error) {
	if len(idx) == 0 {
		return map[string]bool{}, nil
	}
	args := make([]any, 0, len(idx)*participationCols)
	for _, i := range idx {
		r := batch[i]
		args = append(args, pids[i], r.Box, r.Pool, r.Slot, r.Voter, db.Null(r.UserID), r.Channel, db.Null(r.BatchID),
			r.District, r.AgeBand, db.TS(r.At))
	}
	return insertParticipationRows(ctx, tx, b.stmts.Querier(b.DB, tx), args)
}

// insertBallots inserts the ballots of batch[idx], linked to their
// participations, with the receipts already in results.
func (b *Box) insertBallots(ctx context.Context, tx *sql.Tx, batch []*Ballot, idx []int, pids []string, results []Result) error {
	if len(idx) == 0 {
		return nil
	}
	args := make([]any, 0, len(idx)*ballotCols)
	for _, i := range idx {
		r := batch[i]
		args = append(args, randomID(), r.Box, r.Pool, results[i].Receipt, b.Link(pids[i]), r.Channel,
			db.Null(r.BatchID), r.Choices, r.Points)
	}
	return insertBallotRows(ctx, tx, b.stmts.Querier(b.DB, tx), args)
}

// castConflict handles a ballot whose person has taken part already in the
// slot: a change (when allowed), the paper policy across channels, or a
// refusal.
func (b *Box) castConflict(ctx context.Context, tx *sql.Tx, r *Ballot) (res Result, fatal error) {
	prev, err := participationIn(ctx, tx, r.Box, r.Slot, r.Voter)
	if err != nil {
		return res, err
	}
	switch {
	case prev.Void:
		res.Err = apperr.E(apperr.Conflict, b.Names.Errors+"voided")
		return res, nil
	case prev.Channel != r.Channel || r.Channel == ChannelPaper:
		if r.Policy != VoidBoth {
			key := "already_voted_online"
			if prev.Channel == ChannelPaper {
				key = "already_voted_paper"
			}
			res.Err = apperr.E(apperr.Conflict, b.Names.Errors+key)
			return res, nil
		}
		if err := voidParticipation(ctx, tx, prev.ID, b.Link(prev.ID)); err != nil {
			return res, err
		}
		res.Voided = true
		res.Err = apperr.E(apperr.Conflict, b.Names.Errors+"voided_now")
		return res, nil
	case !r.AllowChange:
		res.Err = apperr.E(apperr.Conflict, b.Names.Errors+"already_voted")
		return res, nil
	}
	if res.Receipt, err = changeBallot(ctx, tx, prev, b.Link(prev.ID), r.Pool, r.Choices, r.Points); err != nil {
		return res, err
	}
	res.Changed = true
	return res, nil
}

// auditAssisted records that an officer voted for a resident: who, for
// whom, in which pool; never what.
func (b *Box) auditAssisted(ctx context.Context, tx *sql.Tx, r *Ballot) error {
	if r.Actor.OnBehalfOf == "" {
		return nil
	}
	return b.record(ctx, tx, r.Actor, "vote.assisted", b.Names.PoolTarget, r.Pool, nil)
}
