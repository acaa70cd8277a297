// Package reports takes residents' reports of problems in the city (a
// pothole, a street light out, illegal dumping), routes each to the unit
// responsible for its category and district, and keeps the resident
// informed until the case is closed — and lets them reopen it.
//
// Reports arrive from the resident pages, from the contact centre (an
// officer enters a report taken by phone) and from partner applications
// through the Open311 GeoReport v2 API (open311*.go). They are all the same
// kind of case.
//
// The lifecycle:
//
//	submitted -> accepted -> in_progress -> resolved -> closed
//	      \___________\___________\-> rejected | duplicate | referred
//	resolved/closed --(resident, within the reopen window)--> reopened
//
// Every status change is one transaction with its history row, the
// resident's email (mail.Enqueue) and, for officers, the audit row.
package reports

import (
	"github.com/civitas-city/civitas/internal/i18n"
	"maps"
	"slices"
	"time"
)

// Status is where a case is in its lifecycle.
type Status string

// The statuses.
const (
	Submitted  Status = "submitted"
	Accepted   Status = "accepted"
	InProgress Status = "in_progress"
	Resolved   Status = "resolved"
	Closed     Status = "closed"
	Rejected   Status = "rejected"
	Duplicate  Status = "duplicate"
	Referred   Status = "referred"
	Reopened   Status = "reopened"
)

// Statuses lists every status in display order.
var Statuses = []Status{Submitted, Accepted, Reopened, InProgress, Resolved, Closed, Rejected, Duplicate, Referred}

// OpenStatuses are the statuses in a unit's queue: the work not yet done.
var OpenStatuses = []Status{Submitted, Accepted, Reopened, InProgress}

// Valid reports whether s is a known status.
func (s Status) Valid() bool { return slices.Contains(Statuses, s) }

// Open reports whether the case still needs work. Open311 calls these
// "open" and every other status "closed".
func (s Status) Open() bool { return slices.Contains(OpenStatuses, s) }

// Final reports whether the case has ended without being resolved here.
func (s Status) Final() bool { return s == Closed || s == Rejected || s == Duplicate || s == Referred }

// transitions are the changes an officer may make from each status.
var transitions = map[Status][]Status{
	Submitted:  {Accepted, InProgress, Resolved, Rejected, Duplicate, Referred},
	Accepted:   {InProgress, Resolved, Rejected, Duplicate, Referred},
	Reopened:   {Accepted, InProgress, Resolved, Rejected, Duplicate, Referred},
	InProgress: {Resolved, Rejected, Duplicate, Referred},
	Resolved:   {Closed, InProgress},
}

// Next lists the statuses an officer may move a case to from s.
func (s Status) Next() []Status { return slices.Clone(transitions[s]) }

// CanMoveTo reports whether an officer may move a case from s to t.
func (s Status) CanMoveTo(t Status) bool { return slices.Contains(transitions[s], t) }

// Channels a report came in through.
const (
	ChannelWeb     = "web"
	ChannelPhone   = "phone"
	ChannelCounter = "counter" // in person at a customer service office
	ChannelEmail   = "email"
	ChannelOpen311 = "open311"
)

// OfficerChannels are the channels the contact centre enters reports for.
var OfficerChannels = []string{ChannelPhone, ChannelCounter, ChannelEmail}

// Case is one report and the case it became.
type Case struct {
	ID       string
	Number   int64 // the public case number, also the Open311 service_request_id
	Category string
	UnitID   string
	UnitName string
	// UnitVersions are the unit's name in other languages.
	UnitVersions i18n.Versions
	Status       Status
	Description  string
	// HasPoint tells whether Lat/Lon hold a location; a report may give an
	// address or a landmark instead.
	HasPoint bool
	Lat, Lon float64
	Address  string
	District int // 0 when unknown or outside every district
	Channel  string
	Lang     string // the reporter's language, for their email
	// The reporter. Never shown publicly.
	ReporterID    string
	ReporterEmail string
	ReporterName  string
	ReporterPhone string
	// Token is the Open311 token of the request.
	Token       string
	APIKeyID    string
	DeviceID    string
	AccountID   string
	MediaURL    string
	Attributes  map[string][]string
	StatusNotes string // the last public note on a status change
	DuplicateOf int64
	ReferredTo  string
	EnteredBy   string // the officer who entered it for the resident
	Supporters  int
	ReopenCount int
	Photos      int
	PhotoURL    string // the path of the first photo, for lists and Open311
	CreatedAt   time.Time
	UpdatedAt   time.Time
	ExpectedAt  time.Time // zero when the category gives no expectation
	ResolvedAt  time.Time
	ClosedAt    time.Time
}

// Update is one line of a case's history.
type Update struct {
	ID       string
	At       time.Time
	Kind     string // submitted, status, note, reopened, unit
	Status   Status // the status after a status change or reopening
	Body     string
	Internal bool // an internal note, for officers only
	AuthorID string
	Author   string
}

// Update kinds.
const (
	UpdateSubmitted = "submitted"
	UpdateStatus    = "status"
	UpdateNote      = "note"
	UpdateReopened  = "reopened"
	UpdateUnit      = "unit"
	UpdateDistrict  = "district"
	UpdateFeedback  = "feedback"
)

// Category is a kind of problem; in Open311 terms a service.
type Category struct {
	Code         string
	Group        string
	Names        map[string]string // by language
	Descriptions map[string]string
	Notices      map[string]string // what the city will do: Open311 service_notice
	Keywords     string
	ExpectedDays int    // days to resolve, shown to the resident; 0 = not promised
	UnitID       string // the unit when no route says otherwise
	// ServiceType is the Open311 type: "realtime" (POST returns the id) or
	// "batch" (POST returns a token to look the id up with).
	ServiceType string
	Attributes  []Attribute
	Active      bool
	Position    int
}

// Open311 service types.
const (
	TypeRealtime = "realtime"
	TypeBatch    = "batch"
)

// Name is the category's name in lang, else in any language.
func (c Category) Name(lang string) string { return pick(c.Names, lang) }

// Description is the category's description in lang.
func (c Category) Description(lang string) string { return pick(c.Descriptions, lang) }

// Notice is what the city will do, in lang.
func (c Category) Notice(lang string) string { return pick(c.Notices, lang) }

// pick returns m[lang], else Polish, else English, else any value.
func pick(m map[string]string, lang string) string {
	if v := m[lang]; v != "" {
		return v
	}
	for _, l := range []string{"pl", "en"} {
		if v := m[l]; v != "" {
			return v
		}
	}
	for _, k := range slices.Sorted(maps.Keys(m)) {
		if m[k] != "" {
			return m[k]
		}
	}
	return ""
}

// Attribute is one extra question of a category: an Open311 attribute of
// the service definition.
type Attribute struct {
	Code         string            `json:"code"`
	Datatype     string            `json:"datatype"` // string, number, datetime, text, singlevaluelist, multivaluelist
	Required     bool              `json:"required"`
	Variable     bool              `json:"variable"`
	Order        int               `json:"order"`
	Descriptions map[string]string `json:"descriptions"`
	Values       []AttributeValue  `json:"values,omitempty"`
}

// AttributeValue is one choice of a list attribute.
type AttributeValue struct {
	Key   string            `json:"key"`
	Names map[string]string `json:"names"`
}

// Description is the attribute's question in lang.
func (a Attribute) Description(lang string) string { return pick(a.Descriptions, lang) }

// Name is the choice's label in lang.
func (v AttributeValue) Name(lang string) string { return pick(v.Names, lang) }

// Attribute datatypes (Open311).
var Datatypes = []string{"string", "number", "datetime", "text", "singlevaluelist", "multivaluelist"}

// Unit is a department or municipal company that handles cases.
type Unit struct {
	ID      string
	Name    string
	Kind    string // department, company
	Email   string
	Members []string // officers' emails
	// Versions are the name in the site's other languages (field "name").
	Versions i18n.Versions
}

// NameText is the unit's name with its versions in other languages.
func (u Unit) NameText() i18n.Text { return u.Versions.Text("name", u.Name) }

// Unit kinds.
var UnitKinds = []string{"department", "company"}

// Settings are the city's choices, edited by admins.
type Settings struct {
	// AnonymousAllowed lets residents report without signing in, with an
	// email address.
	AnonymousAllowed bool
	// ReopenDays is how long after resolution the resident may reopen.
	ReopenDays int
}

// DefaultSettings apply until an admin changes them.
var DefaultSettings = Settings{AnonymousAllowed: true, ReopenDays: 14}

// APIKey is a partner application's key for the Open311 API.
type APIKey struct {
	ID        string
	AppName   string
	Contact   string
	Prefix    string // the first characters, to tell keys apart
	CreatedAt time.Time
	CreatedBy string
	RevokedAt time.Time
}

// Active reports whether the key may still be used.
func (k APIKey) Active() bool { return k.RevokedAt.IsZero() }

// Feedback is the resident's answer to the satisfaction question.
type Feedback struct {
	CaseID     string
	Rating     int // 1-5
	Comment    string
	AnsweredAt time.Time
}

// UnitNameText is the case's unit's name with its versions in other
// languages.
func (c Case) UnitNameText() i18n.Text { return c.UnitVersions.Text("name", c.UnitName) }
