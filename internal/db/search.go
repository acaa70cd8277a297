package db

import "strings"

// Full-text search is the one place the engines need different SQL: SQLite
// has FTS5, PostgreSQL tsvector. A search table holds (id, words): words
// are already folded and split by the caller (lower case, diacritics
// removed, one space between words), so both engines see the same tokens
// and find the same rows.

// SearchTable is the DDL of a search table named name on dialect.
func SearchTable(dialect Dialect, name string) []string {
	if dialect == Postgres {
		return []string{
			`CREATE TABLE ` + name + ` (id TEXT PRIMARY KEY, words TEXT NOT NULL)`,
			`CREATE INDEX ` + name + `_words ON ` + name + ` USING GIN (to_tsvector('simple', words))`,
		}
	}
	// unicode61 splits on what is not a letter or digit, as PostgreSQL's
	// simple parser does on the folded words.
	return []string{`CREATE VIRTUAL TABLE ` + name + ` USING fts5(id UNINDEXED, words, tokenize = 'unicode61')`}
}

// SearchMatch is the condition "the row of search table name has every
// word of the argument arg (a placeholder such as $3) as a prefix", with
// the argument to pass for words (folded, as stored). No words: "".
func (d *DB) SearchMatch(name, arg string, words []string) (cond, value string) {
	if len(words) == 0 {
		return "", ""
	}
	q := make([]string, len(words))
	if d.Dialect == Postgres {
		for i, w := range words {
			q[i] = "'" + strings.ReplaceAll(w, "'", "''") + "':*"
		}
		return `to_tsvector('simple', ` + name + `.words) @@ to_tsquery('simple', ` + arg + `)`, strings.Join(q, " & ")
	}
	for i, w := range words {
		q[i] = `"` + strings.ReplaceAll(w, `"`, `""`) + `"*`
	}
	return name + ` MATCH ` + arg, strings.Join(q, " ")
}
