//go:build !race

package ballot_test

const raceEnabled = false
