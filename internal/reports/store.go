package reports

import "encoding/json"

// The module's SQL lives in the store*.go files: cases and their history,
// categories, units and routing, settings and API keys. Every store
// function takes a db.Querier, so it runs in or out of a transaction; the
// service decides which.

// jsonText is v as JSON for a TEXT column.
func jsonText(v any) string {
	b, err := json.Marshal(v)
	if err != nil {
		panic(err) // maps of strings and plain structs always marshal
	}
	return string(b)
}
