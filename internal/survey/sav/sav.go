// Package sav writes SPSS system files (.sav), uncompressed, readable by
// SPSS and PSPP: numeric and string variables with variable labels, value
// labels on numeric variables, long variable names, UTF-8 text.
//
// The layout follows the PSPP developers' guide, "System File Format"
// (https://www.gnu.org/software/pspp/pspp-dev/html_node/System-File-Format.html):
// the file header, one variable record per 8-byte segment of a case (a
// string longer than 8 bytes has continuation records), value label
// records (type 3) each followed by its variable index record (type 4),
// the machine integer info (7/3), machine floating-point info (7/4), long
// variable names (7/13) and character encoding (7/20) records, the
// dictionary terminator (999), then the cases. Everything little-endian.
package sav

import (
	"bufio"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"math"
	"strings"
	"time"
	"unicode/utf8"
)

// Limits of the format this writer keeps to.
const (
	MaxStringWidth = 255 // longer strings need "very long string" records
	maxVarLabel    = 255
	maxValueLabel  = 120
	maxName        = 64
)

// Variable is one column of the file.
type Variable struct {
	// Name is 1–64 ASCII letters, digits and underscores, starting with a
	// letter; unique regardless of case.
	Name  string
	Label string // the variable label; cut at 255 bytes
	// Width is 0 for a numeric variable, else a string's width in bytes
	// (1–255); longer values are cut at a character boundary.
	Width       int
	Decimals    int          // decimals shown for a numeric variable (0–16)
	ValueLabels []ValueLabel // numeric variables only; each cut at 120 bytes
}

// ValueLabel names one value of a numeric variable.
type ValueLabel struct {
	Value float64
	Label string
}

// Value is one cell of a case: a number, a string, or (numeric only)
// missing. Num, Str and Missing make them.
type Value struct {
	num  float64
	str  string
	kind byte // 'n', 's' or 'm'
}

func Num(x float64) Value { return Value{num: x, kind: 'n'} }
func Str(s string) Value  { return Value{str: s, kind: 's'} }
func Missing() Value      { return Value{kind: 'm'} }

// sysmis is the system-missing value: the most negative float64.
var sysmis = -math.MaxFloat64

// Writer writes one system file.
type Writer struct {
	w     *bufio.Writer
	vars  []Variable
	cases int // declared in the header; -1 unknown
	wrote int
	buf   []byte
}

// NewWriter writes the header and dictionary of a file with the given
// variables and file label, created at created, and returns the writer for
// its cases. ncases is the number of cases that will follow, or -1 when
// not known.
func NewWriter(out io.Writer, vars []Variable, label string, created time.Time, ncases int) (*Writer, error) {
	if err := check(vars); err != nil {
		return nil, err
	}
	w := &Writer{w: bufio.NewWriter(out), vars: vars, cases: ncases}
	short := shortNames(vars)
	segments := 0
	for _, v := range vars {
		segments += slots(v)
	}
	// File header (176 bytes).
	w.str("$FL2", 4)
	w.str("@(#) SPSS DATA FILE Civitas", 60)
	w.i32(2)               // layout code
	w.i32(int32(segments)) // nominal case size, in 8-byte segments
	w.i32(0)               // not compressed
	w.i32(0)               // no weight variable
	w.i32(int32(ncases))
	w.f64(100) // compression bias
	created = created.UTC()
	w.str(created.Format("02 Jan 06"), 9)
	w.str(created.Format("15:04:05"), 8)
	w.str(cut(label, 64), 64)
	w.str("", 3)
	// Variable records.
	for i, v := range vars {
		label := cut(v.Label, maxVarLabel)
		w.i32(2)
		w.i32(int32(v.Width))
		w.i32(b2i(label != ""))
		w.i32(0)                                    // no missing values
		fmtCode := int32(5<<16 | 8<<8 | v.Decimals) // F8.d
		if v.Width > 0 {
			fmtCode = int32(1<<16 | v.Width<<8) // Aw
		}
		w.i32(fmtCode)
		w.i32(fmtCode)
		w.str(short[i], 8)
		if label != "" {
			w.i32(int32(len(label)))
			w.str(label, (len(label)+3)/4*4)
		}
		for range slots(v) - 1 { // continuation of a long string
			w.i32(2)
			w.i32(-1)
			w.i32(0)
			w.i32(0)
			w.i32(0)
			w.i32(0)
			w.str("", 8)
		}
	}
	// Value labels: a type 3 record, then the type 4 naming its variable
	// by its 1-based index among the variable records.
	index := int32(1)
	for _, v := range vars {
		if len(v.ValueLabels) > 0 {
			w.i32(3)
			w.i32(int32(len(v.ValueLabels)))
			for _, vl := range v.ValueLabels {
				l := cut(vl.Label, maxValueLabel)
				w.f64(vl.Value)
				w.buf = append(w.buf, byte(len(l)))
				w.str(l, (len(l)+1+7)/8*8-1)
			}
			w.i32(4)
			w.i32(1)
			w.i32(index)
		}
		index += int32(slots(v))
	}
	// Machine integer info: version 1.0.0, machine -1, IEEE 754 floats,
	// compression code 1, little-endian (2), UTF-8 (65001).
	w.ext(3, 4, 8)
	for _, x := range []int32{1, 0, 0, -1, 1, 1, 2, 65001} {
		w.i32(x)
	}
	// Machine floating-point info: SYSMIS, HIGHEST, LOWEST.
	w.ext(4, 8, 3)
	w.f64(sysmis)
	w.f64(math.MaxFloat64)
	w.f64(math.Float64frombits(0xffeffffffffffffe))
	// Long variable names: SHORT=Long pairs separated by tabs.
	pairs := make([]string, len(vars))
	for i, v := range vars {
		pairs[i] = short[i] + "=" + v.Name
	}
	names := strings.Join(pairs, "\t")
	w.ext(13, 1, len(names))
	w.str(names, len(names))
	w.ext(20, 1, len("UTF-8"))
	w.str("UTF-8", 5)
	w.i32(999)
	w.i32(0)
	return w, w.flush()
}

// WriteCase writes one case: a value per variable, in order. A string
// variable takes a Str (or an empty one), a numeric one a Num or Missing.
func (w *Writer) WriteCase(values []Value) error {
	if len(values) != len(w.vars) {
		return fmt.Errorf("sav: a case of %d values for %d variables", len(values), len(w.vars))
	}
	if w.cases >= 0 && w.wrote >= w.cases {
		return fmt.Errorf("sav: more than the %d cases declared", w.cases)
	}
	for i, v := range w.vars {
		x := values[i]
		switch {
		case v.Width > 0 && x.kind != 's':
			return fmt.Errorf("sav: %s is a string variable, given a number", v.Name)
		case v.Width > 0:
			w.str(cut(x.str, v.Width), slots(v)*8)
		case x.kind == 's':
			return fmt.Errorf("sav: %s is a numeric variable, given a string", v.Name)
		case x.kind == 'm' || math.IsNaN(x.num):
			w.f64(sysmis)
		default:
			w.f64(x.num)
		}
	}
	w.wrote++
	if len(w.buf) >= 64<<10 {
		return w.flush()
	}
	return nil
}

// Close writes what is buffered; it fails when fewer cases were written
// than declared.
func (w *Writer) Close() error {
	if err := w.flush(); err != nil {
		return err
	}
	if w.cases >= 0 && w.wrote != w.cases {
		return fmt.Errorf("sav: %d cases written, %d declared", w.wrote, w.cases)
	}
	return w.w.Flush()
}

func (w *Writer) flush() error {
	_, err := w.w.Write(w.buf)
	w.buf = w.buf[:0]
	return err
}

func (w *Writer) i32(x int32)   { w.buf = binary.LittleEndian.AppendUint32(w.buf, uint32(x)) }
func (w *Writer) f64(x float64) { w.buf = binary.LittleEndian.AppendUint64(w.buf, math.Float64bits(x)) }

// str writes s padded with spaces to n bytes (s is at most n bytes).
func (w *Writer) str(s string, n int) {
	w.buf = append(w.buf, s...)
	for range n - len(s) {
		w.buf = append(w.buf, ' ')
	}
}

// ext starts an extension record (type 7) of count elements of size bytes.
func (w *Writer) ext(subtype, size, count int) {
	w.i32(7)
	w.i32(int32(subtype))
	w.i32(int32(size))
	w.i32(int32(count))
}

func b2i(b bool) int32 {
	if b {
		return 1
	}
	return 0
}

// slots is the number of 8-byte segments (and variable records) of v.
func slots(v Variable) int {
	if v.Width == 0 {
		return 1
	}
	return (v.Width + 7) / 8
}

// cut shortens s to at most n bytes without splitting a character.
func cut(s string, n int) string {
	if len(s) <= n {
		return s
	}
	for n > 0 && !utf8.RuneStart(s[n]) {
		n--
	}
	return s[:n]
}

func check(vars []Variable) error {
	if len(vars) == 0 {
		return errors.New("sav: no variables")
	}
	seen := map[string]bool{}
	for _, v := range vars {
		if !validName(v.Name) {
			return fmt.Errorf("sav: variable name %q: 1–%d ASCII letters, digits or _, starting with a letter", v.Name, maxName)
		}
		if up := strings.ToUpper(v.Name); seen[up] {
			return fmt.Errorf("sav: variable name %q used twice", v.Name)
		} else {
			seen[up] = true
		}
		if v.Width < 0 || v.Width > MaxStringWidth {
			return fmt.Errorf("sav: %s: string width %d outside 1–%d", v.Name, v.Width, MaxStringWidth)
		}
		if v.Width > 0 && len(v.ValueLabels) > 0 {
			return fmt.Errorf("sav: %s: value labels are for numeric variables", v.Name)
		}
		if v.Decimals < 0 || v.Decimals > 16 {
			return fmt.Errorf("sav: %s: %d decimals outside 0–16", v.Name, v.Decimals)
		}
	}
	return nil
}

func validName(s string) bool {
	if s == "" || len(s) > maxName || !isLetter(s[0]) {
		return false
	}
	for i := range len(s) {
		if c := s[i]; !isLetter(c) && !(c >= '0' && c <= '9') && c != '_' {
			return false
		}
	}
	return true
}

func isLetter(c byte) bool { return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' }

// shortNames gives each variable a unique 8-byte upper-case name, the
// first 8 bytes of its name, with a number at the end where two clash.
func shortNames(vars []Variable) []string {
	out := make([]string, len(vars))
	used := map[string]bool{}
	for i, v := range vars {
		base := strings.ToUpper(v.Name)
		name := base[:min(8, len(base))]
		for n := 2; used[name]; n++ {
			suffix := fmt.Sprint(n)
			name = base[:min(8-len(suffix), len(base))] + suffix
		}
		used[name] = true
		out[i] = name
	}
	return out
}
