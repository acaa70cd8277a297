// Package rules counts participatory-budget elections: greedy rules, the Method of Equal
// Shares (with Add1 and greedy completion) and sequential Phragmén, as pabutools 1.2.3 counts
// them (see docs/pb-rules.md in the shared material). It is pure: an Instance goes in, a
// Result with the outcome and the steps that produced it comes out; there is no I/O.
//
// Ties are broken by project id in plain Go string order (byte order, which equals Unicode
// code-point order and Python str order): "10" < "2" < "9", "c11" < "c2". The one exception
// is the historical greedy recipe (GreedyOptions.FileOrder), where ties keep the order of the
// projects in the file, as the Pabulib checker does.
//
// Every decision is exact: costs, budgets, points, MES budgets and prices, and Phragmén loads
// are math/big.Rat values. MES and Phragmén use float64 shadows only to skip work that
// cannot change a decision (a clear winner, a clearly unaffordable project); whenever two
// values are within a relative 1e-6 of each other the exact values decide.
package rules
