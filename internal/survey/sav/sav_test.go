package sav

import (
	"bytes"
	"encoding/binary"
	"flag"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

var vars = []Variable{
	{Name: "respondent", Label: "Respondent (pseudonym)", Width: 12},
	{Name: "channel", Label: "Kanał obsługi", ValueLabels: []ValueLabel{{1, "osobiście"}, {2, "онлайн"}}},
	{Name: "nps", Label: "How likely are you to recommend the office?"},
	{Name: "weight", Label: "Raked weight", Decimals: 4},
	{Name: "comment_long_name", Label: "Comment", Width: 30},
	{Name: "comment_long_name2", Label: "", Width: 3},
}

func cases() [][]Value {
	return [][]Value{
		{Str("r-0001"), Num(1), Num(10), Num(1.2345), Str("Bardzo dobrze, dziękuję"), Str("tak")},
		{Str("r-0002"), Num(2), Missing(), Num(0.5), Str(""), Str("ні")},
	}
}

func write(t *testing.T) []byte {
	t.Helper()
	var buf bytes.Buffer
	w, err := NewWriter(&buf, vars, "Badanie satysfakcji 2025", time.Date(2025, 11, 3, 14, 5, 9, 0, time.UTC), 2)
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range cases() {
		if err := w.WriteCase(c); err != nil {
			t.Fatal(err)
		}
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// TestHeaderLayout checks the fixed parts of the file against the format:
// the 176-byte header with the case size in 8-byte segments, then the
// data at the end, each case as many segments long.
func TestHeaderLayout(t *testing.T) {
	b := write(t)
	if string(b[:4]) != "$FL2" {
		t.Fatalf("magic %q", b[:4])
	}
	le := binary.LittleEndian
	// respondent 2 segments, channel, nps, weight 1 each, comment 4, the 3-byte one 1.
	if layout, size, ncases := le.Uint32(b[64:]), le.Uint32(b[68:]), le.Uint32(b[80:]); layout != 2 || size != 10 || ncases != 2 {
		t.Errorf("layout %d, case size %d, cases %d; want 2, 10, 2", layout, size, ncases)
	}
	if d := string(b[92:109]); d != "03 Nov 2514:05:09" {
		t.Errorf("date and time %q", d)
	}
	data := b[len(b)-2*10*8:]
	if !strings.HasPrefix(string(data), "r-0001      ") {
		t.Errorf("first case starts %q", data[:16])
	}
}

func TestRefuses(t *testing.T) {
	for _, c := range []struct {
		name string
		vars []Variable
	}{
		{"no variables", nil},
		{"bad name", []Variable{{Name: "1st"}}},
		{"name with space", []Variable{{Name: "a b"}}},
		{"twice", []Variable{{Name: "a"}, {Name: "A"}}},
		{"too wide", []Variable{{Name: "a", Width: 256}}},
		{"labelled string", []Variable{{Name: "a", Width: 3, ValueLabels: []ValueLabel{{1, "x"}}}}},
	} {
		if _, err := NewWriter(&bytes.Buffer{}, c.vars, "", time.Now(), 0); err == nil {
			t.Errorf("%s: accepted", c.name)
		}
	}
	w, _ := NewWriter(&bytes.Buffer{}, vars[:2], "", time.Now(), 1)
	if err := w.WriteCase([]Value{Num(1), Num(1)}); err == nil {
		t.Error("a number for a string variable accepted")
	}
	if err := w.WriteCase([]Value{Str("a"), Str("b")}); err == nil {
		t.Error("a string for a numeric variable accepted")
	}
	if err := w.Close(); err == nil {
		t.Error("closed with fewer cases than declared")
	}
}

func TestShortNames(t *testing.T) {
	got := shortNames([]Variable{{Name: "comment_long_name"}, {Name: "comment_long_name2"}, {Name: "q1"}, {Name: "COMMENT_"}})
	want := []string{"COMMENT_", "COMMENT2", "Q1", "COMMENT3"}
	if strings.Join(got, ",") != strings.Join(want, ",") {
		t.Errorf("short names %v, want %v", got, want)
	}
}

// TestPSPPReadsIt opens the file with PSPP (when installed) and checks the
// variable names, labels, value labels and every value it lists.
func TestPSPPReadsIt(t *testing.T) {
	pspp, err := exec.LookPath("pspp")
	if err != nil {
		t.Skip("pspp not installed")
	}
	dir := t.TempDir()
	sav := filepath.Join(dir, "survey.sav")
	if err := os.WriteFile(sav, write(t), 0o600); err != nil {
		t.Fatal(err)
	}
	syntax := filepath.Join(dir, "read.sps")
	script := "GET FILE='" + sav + "'.\nDISPLAY DICTIONARY.\nLIST.\nDESCRIPTIVES VARIABLES=nps weight.\n"
	if err := os.WriteFile(syntax, []byte(script), 0o600); err != nil {
		t.Fatal(err)
	}
	csvOut := filepath.Join(dir, "out.csv")
	if out, err := exec.CommandContext(t.Context(), pspp, "-o", csvOut, syntax).CombinedOutput(); err != nil {
		t.Fatalf("pspp: %v\n%s", err, out)
	}
	out, err := os.ReadFile(csvOut)
	if err != nil {
		t.Fatal(err)
	}
	text := string(out)
	for _, want := range []string{
		// DISPLAY DICTIONARY: name, position, label, level, role, width, alignment, formats
		"respondent,1,Respondent (pseudonym),Nominal,Input,12,Left,A12,A12",
		"channel,2,Kanał obsługi,Scale,Input,8,Right,F8.0,F8.0",
		"nps,3,How likely are you to recommend the office?,Scale,Input,8,Right,F8.0,F8.0",
		"weight,4,Raked weight,Scale,Input,8,Right,F8.4,F8.4",
		"comment_long_name,5,Comment,Nominal,Input,30,Left,A30,A30",
		"comment_long_name2,6,,Nominal,Input,3,Left,A3,A3",
		// value labels
		"Kanał obsługi,1,osobiście\n,2,онлайн",
		// LIST: the cases; a missing number shows as ".", "ні" is cut to 3 bytes
		"r-0001,1,10,1.2345,\"Bardzo dobrze, dziękuję\",tak",
		"r-0002,2,.,.5000,,н\n",
	} {
		if !strings.Contains(text, want) {
			t.Errorf("PSPP's output lacks %q", want)
		}
	}
	for _, bad := range []string{"error", "warning", "Warning"} {
		if strings.Contains(text, bad) {
			t.Errorf("PSPP reports a problem:\n%s", text)
			break
		}
	}
	if t.Failed() || testing.Verbose() {
		t.Log(text)
	}
}

var update = flag.Bool("update", false, "rewrite testdata/survey.sav")

// TestGolden: the file is byte for byte the one in testdata, which PSPP
// read as TestPSPPReadsIt expects when it was written (go test -update), so
// the layout is checked even where PSPP is not installed.
func TestGolden(t *testing.T) {
	golden := filepath.Join("testdata", "survey.sav")
	got := write(t)
	if *update {
		if err := os.WriteFile(golden, got, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(golden)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("the file differs from %s (%d bytes, want %d); if the change is meant, check it with PSPP and run go test -update", golden, len(got), len(want))
	}
}
