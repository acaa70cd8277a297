package opinioncli

import (
	"os"
	"testing"
)

// TestMain lets the test binary act as `civitas opinion` when
// CIVITAS_OPINION_EXEC is set, so the external checker can run against a
// build of this package alone: go test -c, then a wrapper script.
func TestMain(m *testing.M) {
	if os.Getenv("CIVITAS_OPINION_EXEC") != "" {
		args := os.Args[1:]
		if len(args) > 0 && args[0] == "opinion" {
			args = args[1:]
		}
		os.Exit(Main(args, os.Stdout, os.Stderr))
	}
	os.Exit(m.Run())
}
