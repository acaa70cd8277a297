// Package card is the city card (Karta Krakowska): who holds a card, as the
// city's records say (an eligibility import matched by the keyed PESEL
// hash), the rotating code a holder shows, and the check partners make of
// it through an API with their own keys. A partner learns only whether a
// code is valid and the card's kind — never who holds it; everything that
// leaves the module names a card by its pseudonymous card id.
package card

import "time"

// Kind is a kind of card.
type Kind string

// The kinds the city issues.
const (
	Basic  Kind = "basic"  // Karta Krakowska: residents who pay their income tax in Kraków
	Family Kind = "family" // Krakowska Karta Rodzinna 3+
)

// Kinds lists every kind, in the order pages show them.
var Kinds = []Kind{Basic, Family}

func validKind(k Kind) bool { return k == Basic || k == Family }

// Card is one holder's card.
type Card struct {
	ID         string // pseudonymous card id
	Number     int64  // 9 digits, never shown: it travels masked inside codes
	Kind       Kind
	FamilySize int // family cards: 3 or more
	ValidFrom  time.Time
	ValidTo    time.Time // inclusive
}

// ValidOn reports whether the card is valid on day (a date in the city's
// zone).
func (c Card) ValidOn(day time.Time) bool {
	d := day.Format(time.DateOnly)
	return d >= c.ValidFrom.Format(time.DateOnly) && d <= c.ValidTo.Format(time.DateOnly)
}
