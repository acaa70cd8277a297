package reports

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"fmt"
	"github.com/civitas-city/civitas/internal/i18n"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/civitas-city/civitas/internal/apperr"
	"github.com/civitas-city/civitas/internal/audit"
	"github.com/civitas-city/civitas/internal/db"
	"github.com/civitas-city/civitas/internal/web"
)

// What admins change: settings, units and their members, routing,
// categories and the Open311 API keys. Every change is audited.

func (s *Service) record(ctx context.Context, q db.Querier, actor *web.User, action, targetType, targetID string, details map[string]string) error {
	e := audit.Entry{Action: action, TargetType: targetType, TargetID: targetID, Details: details, RequestID: web.RequestID(ctx)}
	if actor != nil {
		e.ActorID, e.ActorLabel = actor.ID, actor.Name
	}
	return audit.Record(ctx, q, e)
}

// MaxReopenDays bounds the reopen window an admin may set.
const MaxReopenDays = 365

// SaveSettings changes the city's settings.
func (s *Service) SaveSettings(ctx context.Context, actor *web.User, set Settings) error {
	if set.ReopenDays < 0 || set.ReopenDays > MaxReopenDays {
		return invalid("reopen_days", "reports.error.reopen_days")
	}
	return s.DB.InTx(ctx, func(tx *sql.Tx) error {
		if err := saveSettings(ctx, tx, set); err != nil {
			return err
		}
		return s.record(ctx, tx, actor, "report.settings", "reports", "settings", map[string]string{
			"anonymous_allowed": strconv.FormatBool(set.AnonymousAllowed), "reopen_days": strconv.Itoa(set.ReopenDays)})
	})
}

// CreateUnit adds a unit.
func (s *Service) CreateUnit(ctx context.Context, actor *web.User, u Unit) (*Unit, error) {
	u.Name, u.Email = strings.TrimSpace(u.Name), strings.ToLower(strings.TrimSpace(u.Email))
	switch {
	case u.Name == "" || utf8.RuneCountInString(u.Name) > 200:
		return nil, invalid("name", "reports.error.unit_name")
	case !slices.Contains(UnitKinds, u.Kind):
		return nil, invalid("kind", "reports.error.unit_kind")
	case u.Email != "" && !validEmail(u.Email):
		return nil, invalid("email", "reports.error.email")
	}
	if err := checkUnitVersions(u.Versions, ""); err != nil {
		return nil, err
	}
	u.ID = db.NewID()
	err := s.DB.InTx(ctx, func(tx *sql.Tx) error {
		if err := insertUnit(ctx, tx, u, s.now()); err != nil {
			return err
		}
		return s.record(ctx, tx, actor, "report.unit.create", "report_unit", u.ID, map[string]string{"name": u.Name})
	})
	if err != nil {
		return nil, err
	}
	return &u, nil
}

// SetUnitNames sets a unit's name in the site's other languages. Audited.
func (s *Service) SetUnitNames(ctx context.Context, actor *web.User, unitID string, v i18n.Versions) error {
	if err := checkUnitVersions(v, unitID); err != nil {
		return err
	}
	return s.DB.InTx(ctx, func(tx *sql.Tx) error {
		if err := updateUnitVersions(ctx, tx, unitID, v); err != nil {
			return err
		}
		return s.record(ctx, tx, actor, "report.unit.names", "report_unit", unitID, map[string]string{"names": v.JSON()})
	})
}

// checkUnitVersions checks a unit's names in other languages; a problem
// names the form field ("name_en", or "name_en-UNIT" on a unit's own form).
func checkUnitVersions(v i18n.Versions, unitID string) error {
	for f, byLang := range v {
		for lang, name := range byLang {
			field := "name_" + lang
			if unitID != "" {
				field += "-" + unitID
			}
			if f != "name" || utf8.RuneCountInString(name) > 200 || strings.ContainsAny(name, "\r\n") {
				return invalid(field, "reports.error.unit_name")
			}
		}
	}
	return nil
}

// AddMember lets the officer with this account email work a unit's queue.
func (s *Service) AddMember(ctx context.Context, actor *web.User, unitID, email string) error {
	email = strings.ToLower(strings.TrimSpace(email))
	if !validEmail(email) {
		return invalid("email", "reports.error.email")
	}
	return s.DB.InTx(ctx, func(tx *sql.Tx) error {
		if err := addMember(ctx, tx, unitID, email, s.now()); err != nil {
			err = db.MapError(err)
			if apperr.Is(err, apperr.Invalid) {
				return &apperr.Error{Kind: apperr.NotFound, Message: "reports.error.no_unit", Err: err}
			}
			return fmt.Errorf("reports: add member: %w", err)
		}
		return s.record(ctx, tx, actor, "report.unit.member.add", "report_unit", unitID, map[string]string{"email": email})
	})
}

// RemoveMember takes an officer off a unit.
func (s *Service) RemoveMember(ctx context.Context, actor *web.User, unitID, email string) error {
	email = strings.ToLower(strings.TrimSpace(email))
	return s.DB.InTx(ctx, func(tx *sql.Tx) error {
		removed, err := removeMember(ctx, tx, unitID, email)
		if err != nil {
			return fmt.Errorf("reports: remove member: %w", err)
		}
		if !removed {
			return apperr.E(apperr.NotFound, "reports.error.no_member")
		}
		return s.record(ctx, tx, actor, "report.unit.member.remove", "report_unit", unitID, map[string]string{"email": email})
	})
}

// SetRoute sends reports of a category in a district (0: any district) to
// a unit; an empty unit removes the rule.
func (s *Service) SetRoute(ctx context.Context, actor *web.User, r Route) error {
	if r.District < 0 || (r.District > 0 && s.Districts != nil && !s.hasDistrict(r.District)) {
		return invalid("district", "reports.error.district")
	}
	return s.DB.InTx(ctx, func(tx *sql.Tx) error {
		if err := saveRoute(ctx, tx, r); err != nil {
			err = db.MapError(err)
			if apperr.Is(err, apperr.Invalid) {
				return &apperr.Error{Kind: apperr.Invalid, Field: "unit", Message: "reports.error.no_unit", Err: err}
			}
			return fmt.Errorf("reports: set route: %w", err)
		}
		return s.record(ctx, tx, actor, "report.route", "report_category", r.Category,
			map[string]string{"district": strconv.Itoa(r.District), "unit": r.UnitID})
	})
}

func (s *Service) hasDistrict(n int) bool {
	_, ok := s.Districts.ByNumber(n)
	return ok
}

var codeRE = regexp.MustCompile(`^[a-z0-9][a-z0-9_-]{0,39}$`)

// SaveCategory creates or changes a category.
func (s *Service) SaveCategory(ctx context.Context, actor *web.User, c Category) error {
	c.Code = strings.TrimSpace(c.Code)
	if c.ServiceType == "" {
		c.ServiceType = TypeRealtime
	}
	switch {
	case !codeRE.MatchString(c.Code):
		return invalid("code", "reports.error.code")
	case pick(c.Names, "") == "":
		return invalid("name", "reports.error.category_name")
	case c.ExpectedDays < 0 || c.ExpectedDays > 365:
		return invalid("expected_days", "reports.error.expected_days")
	case c.ServiceType != TypeRealtime && c.ServiceType != TypeBatch:
		return invalid("service_type", "reports.error.service_type")
	}
	for _, m := range []map[string]string{c.Names, c.Descriptions, c.Notices} {
		for _, v := range m {
			if utf8.RuneCountInString(v) > 1000 || !utf8.ValidString(v) {
				return invalid("name", "reports.error.category_name")
			}
		}
	}
	for _, a := range c.Attributes {
		if !codeRE.MatchString(strings.ToLower(a.Code)) || !slices.Contains(Datatypes, a.Datatype) {
			return invalid("attributes", "reports.error.attribute_definition")
		}
	}
	return s.DB.InTx(ctx, func(tx *sql.Tx) error {
		if err := upsertCategory(ctx, tx, c, s.now()); err != nil {
			if apperr.Is(err, apperr.Invalid) {
				return &apperr.Error{Kind: apperr.Invalid, Field: "unit", Message: "reports.error.no_unit", Err: err}
			}
			return err
		}
		return s.record(ctx, tx, actor, "report.category.save", "report_category", c.Code, nil)
	})
}

// API keys.

// keyPrefix starts every key, so a leaked key is easy to recognise.
const keyPrefix = "c311_"

func hashKey(raw string) string {
	sum := sha256.Sum256([]byte(raw))
	return hex.EncodeToString(sum[:])
}

// CreateKey issues an API key to a partner application. The key is
// returned once; only its hash is kept.
func (s *Service) CreateKey(ctx context.Context, actor *web.User, appName, contact string) (string, *APIKey, error) {
	appName, contact = strings.TrimSpace(appName), strings.TrimSpace(contact)
	switch {
	case appName == "" || utf8.RuneCountInString(appName) > 100:
		return "", nil, invalid("app_name", "reports.error.app_name")
	case utf8.RuneCountInString(contact) > 200:
		return "", nil, invalid("contact", "reports.error.contact_long")
	}
	raw := keyPrefix + randomToken(20)
	k, err := s.insertKey(ctx, actor, raw, appName, contact)
	return raw, k, err
}

func (s *Service) insertKey(ctx context.Context, actor *web.User, raw, appName, contact string) (*APIKey, error) {
	k := &APIKey{ID: db.NewID(), AppName: appName, Contact: contact, Prefix: raw[:min(len(raw), 9)], CreatedAt: db.TS(s.now())}
	if actor != nil {
		k.CreatedBy = actor.ID
	}
	err := s.DB.InTx(ctx, func(tx *sql.Tx) error {
		if err := insertKey(ctx, tx, k, hashKey(raw)); err != nil {
			return fmt.Errorf("reports: create key: %w", db.MapError(err))
		}
		return s.record(ctx, tx, actor, "open311.key.create", "open311_key", k.ID, map[string]string{"app": appName})
	})
	if err != nil {
		return nil, err
	}
	return k, nil
}

// RevokeKey stops a key from working.
func (s *Service) RevokeKey(ctx context.Context, actor *web.User, id string) error {
	return s.DB.InTx(ctx, func(tx *sql.Tx) error {
		revoked, err := revokeKey(ctx, tx, id, s.now())
		if err != nil {
			return fmt.Errorf("reports: revoke key: %w", err)
		}
		if !revoked {
			return apperr.E(apperr.NotFound, "reports.error.no_key")
		}
		return s.record(ctx, tx, actor, "open311.key.revoke", "open311_key", id, nil)
	})
}

// Keys lists the issued keys, newest first.
func (s *Service) Keys(ctx context.Context) ([]APIKey, error) { return listKeys(ctx, s.DB) }

// KeyFor checks a key presented by a client: it returns the key's record,
// or a Forbidden error when it is missing, unknown or revoked.
func (s *Service) KeyFor(ctx context.Context, raw string) (*APIKey, error) {
	raw = strings.TrimSpace(raw)
	if raw == "" {
		return nil, apperr.E(apperr.Forbidden, "reports.open311.error.key_missing")
	}
	if len(raw) > 200 {
		return nil, apperr.E(apperr.Forbidden, "reports.open311.error.key_invalid")
	}
	k, err := keyByHash(ctx, s.stmts.Querier(s.DB, nil), hashKey(raw))
	if apperr.Is(err, apperr.NotFound) || (err == nil && !k.Active()) {
		return nil, apperr.E(apperr.Forbidden, "reports.open311.error.key_invalid")
	}
	if err != nil {
		return nil, fmt.Errorf("reports: key: %w", err)
	}
	return k, nil
}
