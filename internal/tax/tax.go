// Package tax shows residents their local taxes and fees as the city's
// finance system states them — what is due, what is paid, what is overdue
// — and lets them pay each instalment by a Polish bank-transfer QR code.
// The finance system stays the source of truth: Civitas imports its
// export as dated snapshots and never computes a tax; the only arithmetic
// here is adding up what the export lists.
package tax

import (
	"slices"
	"time"
)

// Kind is a kind of local tax or fee.
type Kind string

// The kinds the finance system exports.
const (
	Property     Kind = "property"     // podatek od nieruchomości
	Waste        Kind = "waste"        // opłata za gospodarowanie odpadami komunalnymi
	Transport    Kind = "transport"    // podatek od środków transportowych
	Dog          Kind = "dog"          // opłata od posiadania psów
	Agricultural Kind = "agricultural" // podatek rolny
	Forest       Kind = "forest"       // podatek leśny
)

// Kinds lists every kind, in the order pages show them.
var Kinds = []Kind{Property, Waste, Transport, Dog, Agricultural, Forest}

// Liability is one decision or declaration for one year: what is due, in
// which instalments, and what was paid, as of the snapshot.
type Liability struct {
	ID        string
	PayerHash string // a person (keyed PESEL hash)
	PayerNIP  string // or a firm
	Kind      Kind
	Year      int
	Decision  string
	Account   string // the payer's individual account (NRB)
	Amount    int64  // grosze
	// Arrears and Interest are as the finance system states them on the
	// snapshot's date (Civitas does not compute interest).
	Arrears, Interest int64
	Instalments       []Instalment
	Payments          []Payment
}

// Instalment is one part of a liability with its due date.
type Instalment struct {
	N      int
	Due    time.Time // a date
	Amount int64
	// Paid is what the payments tied to this instalment add up to.
	Paid int64
}

// Payment is money the finance system booked.
type Payment struct {
	PaidOn     time.Time
	Amount     int64
	Instalment int // 0: not tied to one instalment
}

// Open is what is left to pay of the instalment.
func (i Instalment) Open() int64 { return max(i.Amount-i.Paid, 0) }

// Overdue reports whether the instalment is unpaid after its due date, on
// day asOf.
func (i Instalment) Overdue(asOf time.Time) bool { return i.Open() > 0 && asOf.After(i.Due) }

// Paid is what the liability's payments add up to.
func (l *Liability) Paid() int64 {
	var sum int64
	for _, p := range l.Payments {
		sum += p.Amount
	}
	return sum
}

// Due is what remains of the liability's amount after its payments.
func (l *Liability) Due() int64 { return max(l.Amount-l.Paid(), 0) }

// OverdueAmount is the open part of instalments past their due date on
// day asOf.
func (l *Liability) OverdueAmount(asOf time.Time) int64 {
	var sum int64
	for _, i := range l.Instalments {
		if i.Overdue(asOf) {
			sum += i.Open()
		}
	}
	return sum
}

// Next is the first instalment still open on or after asOf, if any.
func (l *Liability) Next(asOf time.Time) (Instalment, bool) {
	for _, i := range l.Instalments {
		if i.Open() > 0 && !asOf.After(i.Due) {
			return i, true
		}
	}
	return Instalment{}, false
}

// Instalment finds instalment n.
func (l *Liability) Instalment(n int) (Instalment, bool) {
	i := slices.IndexFunc(l.Instalments, func(x Instalment) bool { return x.N == n })
	if i < 0 {
		return Instalment{}, false
	}
	return l.Instalments[i], true
}

// settle ties payments to their instalments (Paid).
func (l *Liability) settle() {
	for k := range l.Instalments {
		l.Instalments[k].Paid = 0
	}
	for _, p := range l.Payments {
		for k := range l.Instalments {
			if l.Instalments[k].N == p.Instalment {
				l.Instalments[k].Paid += p.Amount
			}
		}
	}
}
