package ballot

import "time"

// Age bands for turnout.
var AgeBands = []string{"0-17", "18-24", "25-34", "35-44", "45-54", "55-64", "65+"}

// AgeBand returns the band of someone born on birth, at now; "" when the
// birth date is unknown.
func AgeBand(birth, now time.Time) string {
	if birth.IsZero() {
		return ""
	}
	return BandOf(Age(birth, now))
}

// BandOf is the band of an age.
func BandOf(age int) string {
	switch {
	case age < 18:
		return AgeBands[0]
	case age < 25:
		return AgeBands[1]
	case age < 35:
		return AgeBands[2]
	case age < 45:
		return AgeBands[3]
	case age < 55:
		return AgeBands[4]
	case age < 65:
		return AgeBands[5]
	}
	return AgeBands[6]
}

// Age is the age in whole years of someone born on birth, at now (in the
// city's calendar days, compared as dates).
func Age(birth, now time.Time) int {
	by, bm, bd := birth.Date()
	ny, nm, nd := now.Date()
	age := ny - by
	if nm < bm || (nm == bm && nd < bd) {
		age--
	}
	return age
}
