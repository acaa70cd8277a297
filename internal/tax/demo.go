package tax

import (
	"context"
	"fmt"
	"strings"
	"time"
)

// DemoAccount is the individual account of the demo's liabilities: a
// synthetic NRB with a valid check sum, not a real bank's.
const DemoAccount = "96123456780000000000000001"

// SeedDemo imports a small finance-system export for the demo resident
// (by their PESEL): last year's property tax paid in full, this year's
// waste fee with an instalment due next, and last year's dog fee overdue
// with stated interest; and a firm's vehicle tax over the QR code's amount
// limit. Running it again changes nothing (the same file is one import).
func SeedDemo(ctx context.Context, s *Service, residentPESEL string, now time.Time) error {
	y := now.Year()
	d := func(year int, m time.Month, day int) string {
		return time.Date(year, m, day, 0, 0, 0, 0, time.UTC).Format(time.DateOnly)
	}
	rows := [][]string{
		{"L", fmt.Sprintf("DP-%d-000101", y-1), residentPESEL, "", "property", fmt.Sprint(y - 1), fmt.Sprintf("DP/101/%d", y-1), DemoAccount, "1234.56", "", "", "", ""},
		{"I", fmt.Sprintf("DP-%d-000101", y-1), "", "", "", "", "", "", "617.28", "", "", "1", d(y-1, 3, 15)},
		{"I", fmt.Sprintf("DP-%d-000101", y-1), "", "", "", "", "", "", "617.28", "", "", "2", d(y-1, 9, 15)},
		{"P", fmt.Sprintf("DP-%d-000101", y-1), "", "", "", "", "", "", "617.28", "", "", "1", d(y-1, 3, 10)},
		{"P", fmt.Sprintf("DP-%d-000101", y-1), "", "", "", "", "", "", "617.28", "", "", "2", d(y-1, 9, 1)},
		{"L", fmt.Sprintf("OD-%d-000102", y), residentPESEL, "", "waste", fmt.Sprint(y), fmt.Sprintf("DO/102/%d", y), DemoAccount, "1200.00", "", "", "", ""},
		{"I", fmt.Sprintf("OD-%d-000102", y), "", "", "", "", "", "", "300.00", "", "", "1", d(y, 1, 15)},
		{"I", fmt.Sprintf("OD-%d-000102", y), "", "", "", "", "", "", "300.00", "", "", "2", d(y, 12, 15)},
		{"I", fmt.Sprintf("OD-%d-000102", y), "", "", "", "", "", "", "300.00", "", "", "3", d(y+1, 1, 15)},
		{"I", fmt.Sprintf("OD-%d-000102", y), "", "", "", "", "", "", "300.00", "", "", "4", d(y+1, 3, 15)},
		{"P", fmt.Sprintf("OD-%d-000102", y), "", "", "", "", "", "", "300.00", "", "", "1", d(y, 1, 12)},
		{"L", fmt.Sprintf("PS-%d-000103", y-1), residentPESEL, "", "dog", fmt.Sprint(y - 1), fmt.Sprintf("PS/103/%d", y-1), DemoAccount, "150.00", "150.00", "12.40", "", ""},
		{"I", fmt.Sprintf("PS-%d-000103", y-1), "", "", "", "", "", "", "150.00", "", "", "1", d(y-1, 3, 15)},
		{"L", fmt.Sprintf("ST-%d-000104", y), "", "6761013717", "transport", fmt.Sprint(y), fmt.Sprintf("ST/104/%d", y), DemoAccount, "24000.00", "", "", "", ""},
		{"I", fmt.Sprintf("ST-%d-000104", y), "", "", "", "", "", "", "12000.00", "", "", "1", d(y, 2, 15)},
		{"I", fmt.Sprintf("ST-%d-000104", y), "", "", "", "", "", "", "12000.00", "", "", "2", d(y, 12, 20)},
		{"C", "", residentPESEL, "", "", fmt.Sprint(y - 1), "", "", "", "", "", "", ""},
	}
	var b strings.Builder
	b.WriteString(strings.Join(columns, ",") + "\n")
	for _, r := range rows {
		b.WriteString(strings.Join(r, ",") + "\n")
	}
	asOf := time.Date(now.Year(), now.Month(), now.Day(), 0, 0, 0, 0, time.UTC)
	_, err := s.Import(ctx, strings.NewReader(b.String()), ImportOptions{FileName: "demo-export.csv", AsOf: asOf, Actor: "civitas demo"})
	return err
}
