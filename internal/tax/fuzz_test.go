package tax

import (
	"bytes"
	"os"
	"testing"
)

// The reader never panics, and a file it accepts has no problem listed.
func FuzzRead(f *testing.F) {
	good, _ := os.ReadFile("testdata/finance-export.csv")
	f.Add(good)
	f.Add([]byte("record,liability\nL,X\n"))
	f.Add([]byte("\ufeffrecord;liability;pesel;nip;kind;year;decision;account;amount;arrears;interest;instalment;date\nP;X;;;;;;;1,00;;;1;2027-01-01\n"))
	f.Add([]byte("record,liability,pesel,nip,kind,year,decision,account,amount,arrears,interest,instalment,date\nL,\"a\nb\",,,,,,,,,,,\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		var emitted int
		st, errs, err := read(bytes.NewReader(data), []byte(testKey), func(record) error { emitted++; return nil })
		if err != nil {
			t.Fatal(err)
		}
		if n := st.Liabilities + st.Instalments + st.Payments + st.CityIncome; n != emitted {
			t.Errorf("%d records counted, %d handed on", n, emitted)
		}
		for _, e := range errs {
			if e.Line < 1 || e.Field == "" || e.Reason == "" {
				t.Errorf("a problem without line, field or reason: %+v", e)
			}
		}
	})
}
