package identity

import (
	"context"
	"database/sql"
	"fmt"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/civitas-city/civitas/internal/apperr"
	"github.com/civitas-city/civitas/internal/audit"
	"github.com/civitas-city/civitas/internal/db"
	"github.com/civitas-city/civitas/internal/web"
)

// Errors of revoking a verification.
var (
	ErrRevokeReason = &apperr.Error{Kind: apperr.Invalid, Field: "reason", Message: "identity.error.revoke_reason"}
	ErrNotVerified  = &apperr.Error{Kind: apperr.Conflict, Message: "identity.error.not_verified"}
)

// maxRevokeReason bounds the reason an officer writes.
const maxRevokeReason = 1000

// Revoke takes a verified residency away from userID: the way out of a
// disputed PESEL. When a resident shows at a desk that the PESEL verifying
// someone else's account is theirs, the officer revokes that verification
// with the reason, then verifies the resident in person; the PESEL can then
// verify them. What the account did while verified stays as it was: ballots
// and participations are keyed by the person, not the account, so the
// person cannot vote twice, and whether a ballot stands is the voting
// commission's decision, not this form's. The reason goes to the audit log.
func (s *Service) Revoke(ctx context.Context, officerID, userID, reason string) error {
	reason = strings.TrimSpace(reason)
	if reason == "" || utf8.RuneCountInString(reason) > maxRevokeReason {
		return ErrRevokeReason
	}
	return s.DB.InTx(ctx, func(tx *sql.Tx) error {
		v, err := verificationOf(ctx, tx, userID)
		if apperr.Is(err, apperr.NotFound) {
			return ErrNotVerified
		}
		if err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `DELETE FROM residency WHERE user_id = $1`, userID); err != nil {
			return fmt.Errorf("identity: revoke: %w", db.MapError(err))
		}
		return audit.Record(ctx, tx, audit.Entry{At: db.TS(s.now()), ActorID: officerID, Action: "residency.revoke",
			TargetType: "user", TargetID: userID, RequestID: web.RequestID(ctx),
			Details: map[string]string{"method": string(v.Method), "district": strconv.Itoa(v.District),
				"verified_at": v.VerifiedAt.UTC().Format("2006-01-02T15:04:05Z"), "reason": reason}})
	})
}
