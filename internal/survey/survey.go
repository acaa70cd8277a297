package survey

import (
	"context"
	"time"
)

// Questionnaire is one version of a questionnaire.
type Questionnaire struct {
	ID        string
	Slug      string
	Version   int
	Title     Text
	Def       Definition
	CreatedBy string
	CreatedAt time.Time
	UpdatedAt time.Time
}

// Access is who may answer a wave online.
type Access string

const (
	Anyone   Access = "anyone"    // the open link, no account needed
	SignedIn Access = "signed_in" // any account, once each
	Verified Access = "verified"  // verified residents, once each
	Panel    Access = "panel"     // invited, with a single-use token
)

// Accesses lists the kinds of access.
var Accesses = []Access{Anyone, SignedIn, Verified, Panel}

// Wave is one run of a questionnaire version.
type Wave struct {
	ID              string
	QuestionnaireID string
	Slug            string
	Name            string // "2024", "jesień 2025"
	Access          Access
	OpensAt         time.Time
	ClosesAt        time.Time // zero: open until closed by hand
	RemindDays      int       // days between reminders of panel invitations; 0: none
	MaxReminders    int       // reminders a panel member gets at most
	CreatedBy       string
	CreatedAt       time.Time
}

// Open reports whether the wave takes answers at now.
func (w *Wave) Open(now time.Time) bool {
	return !now.Before(w.OpensAt) && (w.ClosesAt.IsZero() || now.Before(w.ClosesAt))
}

// Channels of a response.
const (
	Online      = "online"
	Interviewer = "interviewer" // entered by an officer from paper or a phone call
)

// Response is one respondent's answers in a wave.
type Response struct {
	ID          string
	WaveID      string
	Channel     string
	EnteredBy   string
	District    int    // the residency's district at the start; 0 unknown
	AgeBand     string // the residency's age band at the start; "" unknown
	NextPage    int    // the page to answer next
	StartedAt   time.Time
	UpdatedAt   time.Time
	CompletedAt time.Time // zero while in progress
	Answers     map[string]Answer
	// Seed orders the options of randomized questions for this
	// respondent, the same on every page view (set by Start).
	Seed string
}

// Completed reports whether the response was finished.
func (r *Response) Completed() bool { return !r.CompletedAt.IsZero() }

// Respondent is who answers online: an account, a panel token, or (open
// link) the browser's resume secret, whichever the wave needs.
type Respondent struct {
	UserID string
	Token  string
	Resume string
}

// Residency is verified residency as surveys use it.
type Residency struct {
	Verified  bool
	District  int
	BirthDate time.Time // zero when unknown
}

// Residents is verified residency (internal/accounts/identity): declared
// here, implemented by identity, wired by app.
type Residents interface {
	Residency(ctx context.Context, userID string) (Residency, error)
}

// AgeBands are the age bands responses are weighted by, as "lo-hi" and
// the last "lo+".
var AgeBands = []string{"18-24", "25-34", "35-44", "45-59", "60-74", "75+"}

// AgeBand is the band of someone born on birth at now, or "" when the
// birth date is unknown or they are under 18.
func AgeBand(birth, now time.Time) string {
	if birth.IsZero() {
		return ""
	}
	age := now.Year() - birth.Year()
	if now.Month() < birth.Month() || now.Month() == birth.Month() && now.Day() < birth.Day() {
		age--
	}
	for i := len(ageBandStarts) - 1; i >= 0; i-- {
		if age >= ageBandStarts[i] {
			return AgeBands[i]
		}
	}
	return ""
}

var ageBandStarts = []int{18, 25, 35, 45, 60, 75}
