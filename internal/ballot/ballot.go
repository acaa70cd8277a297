// Package ballot is the ballot box every vote in Civitas shares: the
// participatory budget's pools, referendum questions and quick polls.
//
// Who took part (a participation) is stored apart from what they chose (a
// ballot); the two are linked only by an HMAC of the participation id under
// the server's secret key, so only the server can go from a person to their
// ballot (to change it, or to show them their receipt), and the published
// list shows receipts and choices only. A person takes part once per slot
// whatever the channel (online, paper, an officer acting for them): the
// database's UNIQUE constraint decides, and the first ballot counts (or,
// with the VoidBoth policy, a second channel voids both).
//
// The box knows nothing of its owners: a Box is configured with the message
// keys, audit names and HMAC purposes of the module that uses it, and with
// the function that says whether one of its votes is open.
package ballot

import (
	"context"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"log/slog"
	"strings"
	"sync"
	"time"

	"github.com/civitas-city/civitas/internal/audit"
	"github.com/civitas-city/civitas/internal/db"
)

// Channels a ballot comes through.
const (
	ChannelOnline   = "online"
	ChannelPaper    = "paper"
	ChannelImported = "imported"
)

// Policy is what happens when a person takes part through a second channel
// (a paper ballot after an online one, or the reverse).
type Policy string

const (
	FirstWins Policy = "first_wins" // the first ballot counts, the second is refused
	VoidBoth  Policy = "void_both"  // both are void
)

// Names are what a Box's owner calls things: the message keys of its
// refusals, its audit actions and the purposes of its HMACs. They keep an
// owner's messages, audit trail and stored links as they were.
type Names struct {
	// Errors prefixes the keys of ballot refusals ("budget.vote.error."):
	// closed, voided, voided_now, already_voted, already_voted_online,
	// already_voted_paper.
	Errors string
	// PaperErrors prefixes the keys of paper entry refusals
	// ("budget.paper.error."): booth, label, closed, seq, seq_taken,
	// same_officer, discard, unfinished.
	PaperErrors string
	// Audit prefixes audit actions ("budget"): <Audit>.vote.assisted,
	// <Audit>.paper.batch, .paper.enter, .paper.discard, .paper.close.
	Audit string
	// PoolTarget and BatchTarget are the audit target types of a pool and a
	// batch ("pb_pool", "pb_paper_batch").
	PoolTarget, BatchTarget string
	// Link and PaperMAC are the HMAC purposes of ballot links and of the
	// keyed choices of paper sheets ("pb-ballot-link", "pb-paper-choices").
	Link, PaperMAC string
}

// Box is one owner's use of the ballot box.
type Box struct {
	DB *db.DB
	// Key is the secret key (CIVITAS_SECRET_KEY) of ballot links.
	Key   []byte
	Names Names
	// Open reports whether box accepts ballots at at. It runs inside the
	// transaction that records them (on q, which prepares its statements),
	// so a ballot can never get in after the close.
	Open func(ctx context.Context, q db.Querier, box string, at time.Time) (bool, error)
	Now  func() time.Time
	Log  *slog.Logger

	writerOnce sync.Once
	writer     *db.GroupCommit[[]*Ballot, []Result] // see commit.go
	stmts      db.StmtCache                         // the ballot path's statements
}

// Actor is who does something, for the audit log.
type Actor struct {
	ID, Name string
	// OnBehalfOf is the resident an officer acts for.
	OnBehalfOf string
	RequestID  string
}

// Ballot is one ballot on its way into the box.
type Ballot struct {
	Box      string // the vote
	Pool     string // what it is for
	Slot     string // where the person takes part once
	Voter    string // the person key (census hash of their PESEL)
	UserID   string // their account, when they have one
	Channel  string
	BatchID  string // a paper ballot's batch
	District int
	AgeBand  string
	Choices  string // comma-separated ids, in ballot order
	Points   string // comma-separated, aligned with Choices
	At       time.Time
	// AllowChange: a second ballot in the same channel replaces the first.
	AllowChange bool
	Policy      Policy
	Actor       Actor
}

// Result is what became of a ballot. Err is a refusal (nothing written).
type Result struct {
	Receipt string
	// Changed: an earlier ballot was replaced.
	Changed bool
	// Voided: a second channel voided the person's ballot (VoidBoth).
	Voided bool
	Err    error
}

func (b *Box) now() time.Time {
	if b.Now != nil {
		return b.Now()
	}
	return time.Now().UTC()
}

func (b *Box) log() *slog.Logger {
	if b.Log != nil {
		return b.Log
	}
	return slog.Default()
}

// MAC is the HMAC of parts under purpose with the box's key.
func (b *Box) MAC(purpose string, parts ...string) string {
	h := hmac.New(sha256.New, b.Key)
	h.Write([]byte(purpose))
	for _, p := range parts {
		h.Write([]byte{0})
		h.Write([]byte(p))
	}
	return hex.EncodeToString(h.Sum(nil))
}

// Link is the ballot link of a participation.
func (b *Box) Link(participationID string) string {
	return b.MAC(b.Names.Link, participationID)
}

func (b *Box) record(ctx context.Context, q db.Querier, a Actor, action, targetType, targetID string, details map[string]string) error {
	return audit.Record(ctx, q, audit.Entry{
		At: b.now(), ActorID: a.ID, ActorLabel: a.Name, OnBehalfOf: a.OnBehalfOf, Action: b.Names.Audit + "." + action,
		TargetType: targetType, TargetID: targetID, Details: details, RequestID: a.RequestID,
	})
}

// receiptAlphabet has no 0/O, 1/I/L: codes are read aloud and typed.
const receiptAlphabet = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"

// NewReceipt is ten random characters (about 50 bits), as "K7QH2-M9XPD".
func NewReceipt() string {
	var b [10]byte
	rand.Read(b[:])
	out := make([]byte, 0, 11)
	for i, x := range b {
		if i == 5 {
			out = append(out, '-')
		}
		out = append(out, receiptAlphabet[int(x)%len(receiptAlphabet)])
	}
	return string(out)
}

// NormalizeReceipt turns a receipt as typed into its stored form.
func NormalizeReceipt(s string) string {
	s = strings.ToUpper(strings.Map(func(r rune) rune {
		if r == '-' || r == ' ' {
			return -1
		}
		return r
	}, s))
	if len(s) != 10 {
		return s
	}
	return s[:5] + "-" + s[5:]
}

// randomID is a random UUID (version 4): ballot ids carry no time.
func randomID() string {
	var b [16]byte
	rand.Read(b[:])
	b[6] = b[6]&0x0f | 0x40
	b[8] = b[8]&0x3f | 0x80
	return fmt.Sprintf("%x-%x-%x-%x-%x", b[0:4], b[4:6], b[6:8], b[8:10], b[10:])
}
