package accounts

import (
	"context"
	"database/sql"
	"fmt"
	"slices"
	"strings"

	"github.com/civitas-city/civitas/internal/apperr"
	"github.com/civitas-city/civitas/internal/audit"
	"github.com/civitas-city/civitas/internal/db"
	"github.com/civitas-city/civitas/internal/web"
)

// GrantableRoles are the roles an admin can give.
var GrantableRoles = []string{web.RoleOfficer, web.RoleModerator, web.RoleAdmin}

// Domains are the officer permission domains. Modules add theirs in app.
var Domains = []string{"budget", "consultations", "reports", "residents", "surveys", "votes", "news", "card", "taxes"}

func checkRole(r web.Role) error {
	if !slices.Contains(GrantableRoles, r.Name) {
		return apperr.Fieldf("role", "accounts.error.role")
	}
	if r.Domain != "" && (r.Name != web.RoleOfficer || !slices.Contains(Domains, r.Domain)) {
		return apperr.Fieldf("domain", "accounts.error.domain")
	}
	return nil
}

// Grant gives a role, audited as done by actorID.
func (s *Service) Grant(ctx context.Context, actorID, userID string, r web.Role) error {
	if err := checkRole(r); err != nil {
		return err
	}
	if _, err := s.FindByID(ctx, userID); err != nil {
		return err
	}
	return s.GrantRole(ctx, actorID, userID, r)
}

// Revoke takes a role away, audited. An admin cannot revoke their own admin
// role, so the site never loses its last admin by accident.
func (s *Service) Revoke(ctx context.Context, actorID, userID string, r web.Role) error {
	if actorID == userID && r.Name == web.RoleAdmin {
		return apperr.E(apperr.Invalid, "accounts.error.own_admin")
	}
	return s.DB.InTx(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `DELETE FROM user_roles WHERE user_id = $1 AND role = $2 AND domain = $3`, userID, r.Name, r.Domain)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return db.ErrNotFound
		}
		return audit.Record(ctx, tx, audit.Entry{ActorID: actorID, Action: "role.revoke", TargetType: "user", TargetID: userID,
			Details: map[string]string{"role": r.Name, "domain": r.Domain}, RequestID: web.RequestID(ctx)})
	})
}

// Search finds accounts by email or name for the admin page.
func (s *Service) Search(ctx context.Context, query string, limit int) ([]User, error) {
	q := "%" + strings.ToLower(strings.TrimSpace(query)) + "%"
	ids, err := db.Query(ctx, s.DB, db.Value[string], `SELECT id FROM users
		WHERE deleted_at IS NULL AND (lower(coalesce(email, '')) LIKE $1 OR lower(display_name) LIKE $1)
		ORDER BY display_name, id LIMIT $2`, q, limit)
	if err != nil {
		return nil, fmt.Errorf("accounts: search: %w", err)
	}
	out := make([]User, 0, len(ids))
	for _, id := range ids {
		u, err := s.FindByID(ctx, id)
		if err != nil {
			return nil, err
		}
		out = append(out, *u)
	}
	return out, nil
}
