// Package consult is the consultations platform: consultation processes
// (title, summary, scope, phases, documents, meetings, a final report),
// documents commented paragraph by paragraph, and one Pol.is-style
// conversation per process where residents submit statements and vote on
// them one at a time, with the opinion map (internal/consult/opinion)
// recomputed in the background and exported in Pol.is's format.
//
// Files: consult.go (the model), store.go (SQL), service.go (the rules for
// processes, documents, comments and meetings), conversation.go
// (participants, statements, votes), opinionmap.go (the recompute job),
// export.go (Pol.is CSV and our JSON), svgmap.go (the map drawn in SVG and
// described in words), markdown.go, section.go ("my profile"), demo.go (the
// Kraków demo), and http_*.go, one per area of pages.
package consult

import (
	"github.com/civitas-city/civitas/internal/i18n"
	"time"

	"github.com/civitas-city/civitas/internal/apperr"
)

// Status is where a consultation is in its life.
type Status string

const (
	// StatusDraft: only officers see it.
	StatusDraft Status = "draft"
	// StatusOpen: public, residents take part.
	StatusOpen Status = "open"
	// StatusClosed: public, read-only; the final report may follow.
	StatusClosed Status = "closed"
)

// Valid reports whether s is a known status.
func (s Status) Valid() bool { return s == StatusDraft || s == StatusOpen || s == StatusClosed }

// Moderation says when residents' statements and comments are shown.
type Moderation string

const (
	// PreModeration shows a contribution once a moderator accepted it.
	PreModeration Moderation = "pre"
	// PostModeration shows it at once; moderators may remove it later.
	PostModeration Moderation = "post"
)

// Valid reports whether m is a known mode.
func (m Moderation) Valid() bool { return m == PreModeration || m == PostModeration }

// Consultation is one consultation process.
type Consultation struct {
	ID      string
	Title   string
	Summary string // Markdown
	// District is the scope: 0 for the whole city, else the district's
	// number (a "small consultation").
	District   int
	Status     Status
	Moderation Moderation
	// VerifiedOnly: only verified residents of the scope take part.
	VerifiedOnly      bool
	Report            string // the final report, Markdown
	ReportPublishedAt time.Time
	CreatedBy         string
	CreatedAt         time.Time
	UpdatedAt         time.Time
	// Versions are the title and summary in the site's other languages.
	Versions i18n.Versions
}

// TitleText is the title with its versions in other languages.
func (c Consultation) TitleText() i18n.Text { return c.Versions.Text("title", c.Title) }

// SummaryText is the summary (Markdown) with its versions.
func (c Consultation) SummaryText() i18n.Text { return c.Versions.Text("summary", c.Summary) }

// Public reports whether residents may see the consultation.
func (c *Consultation) Public() bool { return c.Status != StatusDraft }

// Phase is one dated step of a consultation.
type Phase struct {
	ID             string
	ConsultationID string
	Title          string
	Description    string
	StartsAt       time.Time
	EndsAt         time.Time
	// Versions are the title and description in the site's other languages.
	Versions i18n.Versions
}

// TitleText is the phase's title with its versions in other languages.
func (p Phase) TitleText() i18n.Text { return p.Versions.Text("title", p.Title) }

// DescriptionText is the phase's description with its versions.
func (p Phase) DescriptionText() i18n.Text { return p.Versions.Text("description", p.Description) }

// Document is a text put to consultation, in Markdown; its paragraphs are
// commented one by one.
type Document struct {
	ID             string
	ConsultationID string
	Title          string
	Body           string
	CreatedAt      time.Time
	UpdatedAt      time.Time
}

// Stance is a comment's position on a paragraph.
type Stance string

const (
	StanceFor     Stance = "for"
	StanceAgainst Stance = "against"
	StanceNeutral Stance = "neutral"
)

// Valid reports whether s is a known stance.
func (s Stance) Valid() bool { return s == StanceFor || s == StanceAgainst || s == StanceNeutral }

// CommentStatus is where a comment is in moderation.
type CommentStatus string

const (
	CommentPending   CommentStatus = "pending"   // waits for a moderator (pre-moderation)
	CommentPublished CommentStatus = "published" // shown
	CommentRejected  CommentStatus = "rejected"  // removed by a moderator
	CommentErased    CommentStatus = "erased"    // its author deleted their account
)

// Comment is a resident's comment on one paragraph of a document, or a
// reply to one.
type Comment struct {
	ID         string
	DocumentID string
	Paragraph  int
	ParentID   string
	AuthorID   string
	AuthorName string
	RecordedBy string
	Stance     Stance
	Body       string
	Status     CommentStatus
	Flags      int
	CreatedAt  time.Time
}

// Meeting is a public meeting of a consultation, with registration.
type Meeting struct {
	ID             string
	ConsultationID string
	Title          string
	Place          string
	Description    string
	StartsAt       time.Time
	EndsAt         time.Time
	// Capacity is how many may register; 0 means no limit.
	Capacity   int
	Registered int
	// CancelledAt is when an officer cancelled the meeting (zero: it
	// takes place), and CancelReason what residents were told.
	CancelledAt  time.Time
	CancelReason string
}

// Cancelled reports whether the meeting was called off.
func (m Meeting) Cancelled() bool { return !m.CancelledAt.IsZero() }

// Full reports whether no place is left.
func (m *Meeting) Full() bool { return m.Capacity > 0 && m.Registered >= m.Capacity }

// Registration is one person registered for a meeting.
type Registration struct {
	MeetingID  string
	UserID     string
	Name       string
	RecordedBy string
	CreatedAt  time.Time
}

// Conversation is a consultation's Pol.is-style conversation.
type Conversation struct {
	ID             string
	ConsultationID string
	Topic          string
	Description    string
	// Lang is the language of the statements when it is not the page's
	// (imported conversations), for the lang attribute; "" otherwise.
	Lang string
	// Source credits imported statements and votes.
	Source    string
	Open      bool
	CreatedAt time.Time
}

// Moderation states of a statement, Pol.is's values.
const (
	Rejected    = -1
	Unmoderated = 0
	Accepted    = 1
)

// Statement is one statement of a conversation ("comment" in Pol.is).
type Statement struct {
	ConversationID string
	TID            int64
	// PID is the author's participant number; -1 for the organiser's seed
	// statements.
	PID        int64
	Body       string
	Moderated  int
	IsMeta     bool
	IsSeed     bool
	RecordedBy string
	Votes      int // participants who voted on it
	CreatedAt  time.Time
}

// ModOut reports whether the map leaves the statement out (rejected or
// meta, doc §1).
func (s *Statement) ModOut() bool { return s.Moderated == Rejected || s.IsMeta }

// Vote values (Pol.is's export sign).
const (
	VoteAgree    = 1
	VotePass     = 0
	VoteDisagree = -1
)

// Limits of what residents type.
const (
	MaxStatement = 300
	MaxComment   = 4000
	MaxTitle     = 200
	// MaxSummary bounds an officer's Markdown summary or description in
	// another language (the Polish one is not bounded, as before).
	MaxSummary = 20000
)

// Errors shown to residents.
var (
	ErrNotFound      = apperr.E(apperr.NotFound, "consult.error.not_found")
	ErrClosed        = apperr.E(apperr.Conflict, "consult.error.closed")
	ErrVerifiedOnly  = apperr.E(apperr.Forbidden, "consult.error.verified_only")
	ErrOtherDistrict = apperr.E(apperr.Forbidden, "consult.error.other_district")
	ErrMeetingFull   = apperr.E(apperr.Conflict, "consult.error.meeting_full")
	ErrCancelled     = apperr.E(apperr.Conflict, "consult.error.meeting_cancelled")
	ErrHasComments   = apperr.E(apperr.Conflict, "consult.error.has_comments")
	ErrNotActing     = apperr.E(apperr.Invalid, "consult.error.not_acting")
)
