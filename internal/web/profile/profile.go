// Package profile holds the types a module implements to add its part to
// the resident's "my profile" page, "download my data" and account
// deletion. It imports no domain package, so a module plugs its section in
// without importing accounts, and accounts gathers the sections without
// importing a module: app hands each module's Section to accounts.
package profile

import (
	"context"
	"database/sql"
	"time"

	"github.com/civitas-city/civitas/internal/web"
)

// Section is one module's part of "my profile": what the resident has in
// that module, their data for download, and what to erase when they delete
// their account.
type Section interface {
	// Key names the module ("reports", "budget"); it keys the export.
	Key() string
	// TitleKey is the catalog key of the section's heading.
	TitleKey() string
	// Items lists what the resident has in the module, newest first, in
	// the request's language (web.Lang(ctx)).
	Items(ctx context.Context, userID string) ([]Item, error)
	// PersonalData is everything the module holds about the resident, for
	// "download my data" (encoded as JSON).
	PersonalData(ctx context.Context, userID string) (any, error)
	// Erase removes or anonymises the resident's personal data in the
	// module, inside the deletion's transaction. What was counted (votes)
	// stays counted.
	Erase(ctx context.Context, tx *sql.Tx, userID string) error
}

// Prompter is a section that may ask the resident to do something first
// (verify their residency): the profile shows its prompt above everything
// else, so the next step is never buried under settings.
type Prompter interface {
	// Prompt is the call to action, or nil when there is none.
	Prompt(ctx context.Context, userID string) (*Item, error)
}

// Asker is a section with one-step questions (quick polls) the resident
// may still answer: the profile shows them as forms in the section, and,
// once one is answered, the notice with what they may see of its results.
type Asker interface {
	web.AskResulter
	// Asks are the questions userID may still answer, in the request's
	// language.
	Asks(ctx context.Context, userID string) ([]web.Ask, error)
}

// Item is one line of a profile section.
type Item struct {
	Title  string
	Status string // already translated
	URL    string
	At     time.Time
}
