package web

import (
	"bufio"
	"bytes"
	"encoding/csv"
	"fmt"
	"io"
	"strconv"
)

// CSV writes CSV files for download. A safe one is for spreadsheets: a
// cell that a spreadsheet would run as a formula (it starts with =, +, -,
// @, a tab or a carriage return, and is not a plain number) is written
// with a leading apostrophe, which spreadsheets show as text. An exact one
// writes every cell as it is, for programs that need the precise format
// (the Pol.is export files).
type CSV struct {
	w    *csv.Writer
	safe bool
}

// NewCSV starts a CSV file on w.
func NewCSV(w io.Writer, safe bool) *CSV { return &CSV{w: csv.NewWriter(w), safe: safe} }

// Write writes one record.
func (c *CSV) Write(record []string) error {
	if c.safe {
		out := make([]string, len(record))
		for i, cell := range record {
			out[i] = SpreadsheetSafe(cell)
		}
		record = out
	}
	return c.w.Write(record)
}

// Flush writes what is buffered and reports the first error of the file.
func (c *CSV) Flush() error {
	c.w.Flush()
	return c.w.Error()
}

// SpreadsheetSafe is cell as a spreadsheet shows it as text, never runs it.
func SpreadsheetSafe(cell string) string {
	if cell == "" {
		return cell
	}
	switch cell[0] {
	case '=', '+', '-', '@', '\t', '\r':
		if _, err := strconv.ParseFloat(cell, 64); err == nil && cell[0] != '\t' && cell[0] != '\r' {
			return cell // a signed number is data, not a formula
		}
		return "'" + cell
	}
	return cell
}

// NewCSVReader reads an uploaded or exported CSV file (a register, an
// address list): a UTF-8 byte-order mark is skipped, the delimiter is the
// most frequent of comma, semicolon and tab on the header line (comma on
// a tie: spreadsheets export with semicolons where a comma is the decimal
// mark), rows may differ in length (the caller reports it by line), and
// records are reused.
func NewCSVReader(r io.Reader) *csv.Reader {
	br := bufio.NewReaderSize(r, 64<<10)
	if bom, _ := br.Peek(3); bytes.Equal(bom, []byte("\xef\xbb\xbf")) {
		br.Discard(3)
	}
	cr := csv.NewReader(br)
	cr.Comma = sniffDelimiter(br)
	cr.FieldsPerRecord = -1
	cr.ReuseRecord = true
	return cr
}

// sniffDelimiter picks the header line's delimiter.
func sniffDelimiter(br *bufio.Reader) rune {
	head, _ := br.Peek(br.Size())
	if i := bytes.IndexByte(head, '\n'); i >= 0 {
		head = head[:i]
	}
	best, n := ',', bytes.Count(head, []byte{','})
	for _, c := range []rune{';', '\t'} {
		if k := bytes.Count(head, []byte(string(c))); k > n {
			best, n = c, k
		}
	}
	return best
}

// RowError is one problem in an imported file, by line and field. Every
// importer reports its bad rows this way, so an operator reads them alike.
type RowError struct {
	Line   int
	Field  string // a column name, or "header", "row", "csv", "file"
	Reason string
}

func (e RowError) String() string { return fmt.Sprintf("line %d: %s: %s", e.Line, e.Field, e.Reason) }

// FileError is returned by an all-or-nothing import when the file has bad
// rows: every one is listed, and nothing was imported. What names the
// import ("census", "addresses").
type FileError struct {
	What   string
	Errors []RowError
}

func (e *FileError) Error() string {
	return fmt.Sprintf("%s: %d problem(s) in the file, nothing imported; first: %s", e.What, len(e.Errors), e.Errors[0])
}
