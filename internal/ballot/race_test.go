//go:build race

package ballot_test

// raceEnabled: the test binary is built with -race, so binaries the tests
// build are too (they share the build cache).
const raceEnabled = true
