package tax

import (
	"errors"
	"fmt"
	"github.com/civitas-city/civitas/internal/money"
	"io"
	"strconv"
	"strings"
	"time"

	"github.com/civitas-city/civitas/internal/accounts/census"
	"github.com/civitas-city/civitas/internal/accounts/pesel"
	"github.com/civitas-city/civitas/internal/tax/bankqr"
	"github.com/civitas-city/civitas/internal/web"
)

// The import file's columns (docs/tax.md): every row is one record, named
// by its first column — L a liability, I an instalment, P a payment, C the
// city-income-tax flag of a person for a year. A record's instalments and
// payments come after its liability.
var columns = []string{"record", "liability", "pesel", "nip", "kind", "year", "decision", "account",
	"amount", "arrears", "interest", "instalment", "date"}

// maxRowErrors bounds the problems one import lists.
const maxRowErrors = 1000

// record is one good row, handed to the writer.
type record struct {
	Kind        byte // 'L', 'I', 'P', 'C'
	Liability   Liability
	Instalment  Instalment
	Payment     Payment
	LiabilityID string
	PayerHash   string // C
	Year        int    // C
}

// readStats counts the good records.
type readStats struct{ Liabilities, Instalments, Payments, CityIncome int }

// read checks every row of the file and hands the good ones to emit; it
// returns every problem (up to maxRowErrors) by line and field.
func read(r io.Reader, key []byte, emit func(record) error) (readStats, []web.RowError, error) {
	var (
		st   readStats
		errs []web.RowError
		// seen: each liability id, with a bit per instalment number it has.
		seen   = map[string]uint64{}
		income = map[string]bool{} // C records: hash and year
	)
	cr := web.NewCSVReader(r)
	header, err := cr.Read()
	if err != nil {
		return st, []web.RowError{{Line: 1, Field: "header", Reason: "the file is empty or not CSV"}}, nil
	}
	col := map[string]int{}
	for i, h := range header {
		col[strings.ToLower(strings.TrimSpace(h))] = i
	}
	var missing []string
	for _, c := range columns {
		if _, ok := col[c]; !ok {
			missing = append(missing, c)
		}
	}
	if len(missing) > 0 {
		return st, []web.RowError{{Line: 1, Field: "header", Reason: "missing column(s) " + strings.Join(missing, ", ")}}, nil
	}
	fail := func(line int, field, reason string) {
		if len(errs) < maxRowErrors {
			errs = append(errs, web.RowError{Line: line, Field: field, Reason: reason})
		}
	}
	for line := 2; ; line++ {
		row, err := cr.Read()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			fail(line, "csv", err.Error())
			if len(errs) >= maxRowErrors {
				break
			}
			continue
		}
		if len(row) != len(header) {
			fail(line, "row", fmt.Sprintf("%d fields, the header has %d", len(row), len(header)))
			continue
		}
		get := func(c string) string { return strings.TrimSpace(row[col[c]]) }
		before := len(errs)
		rec := record{}
		switch get("record") {
		case "L":
			rec.Kind = 'L'
			l := &rec.Liability
			l.ID = get("liability")
			switch {
			case l.ID == "" || len(l.ID) > 64:
				fail(line, "liability", "a liability id of 1 to 64 characters is required")
			case hasID(seen, l.ID):
				fail(line, "liability", "liability "+l.ID+" is listed twice")
			}
			pl, nip := get("pesel"), get("nip")
			switch {
			case pl == "" && nip == "":
				fail(line, "pesel", "a PESEL (a person) or a NIP (a firm) is required")
			case pl != "" && nip != "":
				fail(line, "nip", "give a PESEL or a NIP, not both")
			case pl != "":
				if p, err := pesel.Parse(pl); err != nil {
					fail(line, "pesel", "not a valid PESEL")
				} else {
					l.PayerHash = census.Hash(key, p.Digits())
				}
			default:
				if n, ok := bankqr.NormalizeNIP(nip); !ok {
					fail(line, "nip", "not a valid NIP (its check digit is wrong)")
				} else {
					l.PayerNIP = n
				}
			}
			l.Kind = Kind(get("kind"))
			if !validKind(l.Kind) {
				fail(line, "kind", "one of property, waste, transport, dog, agricultural, forest")
			}
			if y, err := strconv.Atoi(get("year")); err != nil || y < 2000 || y > 2100 {
				fail(line, "year", "a year such as 2027")
			} else {
				l.Year = y
			}
			if l.Decision = get("decision"); l.Decision == "" || len(l.Decision) > 64 || strings.Contains(l.Decision, "|") {
				fail(line, "decision", "a decision or declaration number of 1 to 64 characters, without '|'")
			}
			if a, ok := bankqr.NormalizeNRB(get("account")); !ok {
				fail(line, "account", "not a valid account number (26 digits with a correct check sum)")
			} else {
				l.Account = a
			}
			l.Amount = amountField(get("amount"), true, line, "amount", fail)
			l.Arrears = amountField(get("arrears"), false, line, "arrears", fail)
			l.Interest = amountField(get("interest"), false, line, "interest", fail)
			if len(errs) == before {
				seen[l.ID] = 1 << 63 // known, no instalment yet
				st.Liabilities++
			}
		case "I":
			rec.Kind = 'I'
			rec.LiabilityID = get("liability")
			bits, ok := seen[rec.LiabilityID]
			if !ok {
				fail(line, "liability", "no liability "+rec.LiabilityID+" above this row")
			}
			n, err := strconv.Atoi(get("instalment"))
			switch {
			case err != nil || n < 1 || n > 62:
				fail(line, "instalment", "an instalment number from 1 to 62")
			case ok && bits&(1<<n) != 0:
				fail(line, "instalment", fmt.Sprintf("instalment %d of %s is listed twice", n, rec.LiabilityID))
			}
			rec.Instalment.N = n
			rec.Instalment.Due = dateField(get("date"), line, fail)
			rec.Instalment.Amount = amountField(get("amount"), true, line, "amount", fail)
			if len(errs) == before {
				seen[rec.LiabilityID] |= 1 << n
				st.Instalments++
			}
		case "P":
			rec.Kind = 'P'
			rec.LiabilityID = get("liability")
			bits, ok := seen[rec.LiabilityID]
			if !ok {
				fail(line, "liability", "no liability "+rec.LiabilityID+" above this row")
			}
			if v := get("instalment"); v != "" {
				n, err := strconv.Atoi(v)
				if err != nil || n < 1 || n > 62 || ok && bits&(1<<n) == 0 {
					fail(line, "instalment", "no such instalment of "+rec.LiabilityID+" above this row (leave it empty for a payment of arrears)")
				}
				rec.Payment.Instalment = n
			}
			rec.Payment.PaidOn = dateField(get("date"), line, fail)
			rec.Payment.Amount = amountField(get("amount"), true, line, "amount", fail)
			if len(errs) == before {
				st.Payments++
			}
		case "C":
			rec.Kind = 'C'
			if p, err := pesel.Parse(get("pesel")); err != nil {
				fail(line, "pesel", "not a valid PESEL")
			} else {
				rec.PayerHash = census.Hash(key, p.Digits())
			}
			if y, err := strconv.Atoi(get("year")); err != nil || y < 2000 || y > 2100 {
				fail(line, "year", "a year such as 2027")
			} else {
				rec.Year = y
			}
			if key := rec.PayerHash + strconv.Itoa(rec.Year); len(errs) == before && income[key] {
				fail(line, "pesel", "this person's city income tax for this year is listed twice")
			} else if len(errs) == before {
				income[key] = true
				st.CityIncome++
			}
		default:
			fail(line, "record", "L (liability), I (instalment), P (payment) or C (city income tax)")
		}
		if len(errs) == before {
			if err := emit(rec); err != nil {
				return st, errs, err
			}
		}
		if len(errs) >= maxRowErrors {
			break
		}
	}
	return st, errs, nil
}

func hasID(seen map[string]uint64, id string) bool { _, ok := seen[id]; return ok }

func validKind(k Kind) bool {
	for _, x := range Kinds {
		if x == k {
			return true
		}
	}
	return false
}

// dateField reads YYYY-MM-DD.
func dateField(v string, line int, fail func(int, string, string)) time.Time {
	t, err := time.Parse(time.DateOnly, v)
	if err != nil {
		fail(line, "date", "a date as YYYY-MM-DD")
	}
	return t
}

// amountField reads an amount in złoty ("1234.56", "1 234,56") as grosze;
// empty is 0 unless required. Negative amounts are refused.
func amountField(v string, required bool, line int, field string, fail func(int, string, string)) int64 {
	switch {
	case v == "" && !required:
		return 0
	case strings.HasPrefix(v, "-"):
		fail(line, field, "a negative amount is not allowed")
		return 0
	}
	g, err := money.Parse(v)
	if err != nil {
		fail(line, field, "an amount in złoty such as 1234.56")
	}
	return g
}
