package consult

import (
	"bytes"
	"context"
	"database/sql"
	"embed"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/civitas-city/civitas/internal/apperr"
	"github.com/civitas-city/civitas/internal/consult/polisexport"
	"github.com/civitas-city/civitas/internal/db"
)

// The Kraków demo: a consultation on night-time alcohol sales whose
// conversation is a real Pol.is open-data conversation (demo/SOURCES.md),
// so the opinion map shown is computed from real votes.

//go:embed demo/comments.csv demo/votes.csv
var demoFS embed.FS

// DemoID is the demo consultation's id (fixed, so seeding twice is a no-op
// and its pages have known addresses).
const DemoID = "krakow-nocna-sprzedaz-alkoholu"

// demoSource credits the imported conversation on its pages.
const demoSource = `Statements and votes: the Pol.is conversation "$15/hour" (Seattle, 2014), ` +
	`gathered using the Polis software (compdemocracy.org/polis), sub-licensed under CC BY 4.0 with attribution ` +
	`to The Computational Democracy Project; https://compdemocracy.org/case-studies/2014-seattle-15-per-hour/`

const demoSummary = `Rada Miasta Krakowa rozważa zakaz sprzedaży napojów alkoholowych w sklepach między 22:00 a 6:00 ` +
	`(art. 12 ust. 1a ustawy o wychowaniu w trzeźwości i przeciwdziałaniu alkoholizmowi). Zakaz może objąć całe miasto ` +
	`albo wybrane dzielnice. Nie dotyczy lokali gastronomicznych, w których alkohol podaje się na miejscu.

Chcemy poznać zdanie mieszkańców, przedsiębiorców i organizacji: przeczytaj projekt uchwały i skomentuj jego ` +
	`paragrafy, przyjdź na spotkanie albo weź udział w rozmowie.

*To jest konsultacja demonstracyjna trybu „civitas demo”.*`

const demoDocument = `# Projekt uchwały Rady Miasta Krakowa w sprawie ograniczenia nocnej sprzedaży napojów alkoholowych

Na podstawie art. 18 ust. 2 pkt 15 ustawy o samorządzie gminnym oraz art. 12 ust. 1a ustawy o wychowaniu ` +
	`w trzeźwości i przeciwdziałaniu alkoholizmowi Rada Miasta Krakowa uchwala, co następuje:

**§ 1.** Na terenie Gminy Miejskiej Kraków wprowadza się zakaz sprzedaży napojów alkoholowych przeznaczonych ` +
	`do spożycia poza miejscem sprzedaży w godzinach od 22:00 do 6:00.

**§ 2.** Zakaz, o którym mowa w § 1, nie obejmuje sprzedaży w lokalach gastronomicznych napojów alkoholowych ` +
	`przeznaczonych do spożycia w miejscu sprzedaży.

**§ 3.** Prezydent Miasta Krakowa przedstawi Radzie, po roku od wejścia w życie uchwały, ocenę jej skutków, ` +
	`w tym liczby interwencji policji i straży miejskiej w porze nocnej w każdej dzielnicy.

**§ 4.** Wykonanie uchwały powierza się Prezydentowi Miasta Krakowa.

**§ 5.** Uchwała wchodzi w życie po upływie 14 dni od dnia ogłoszenia w Dzienniku Urzędowym Województwa Małopolskiego.`

// SeedDemo creates the demo consultation "Nocna sprzedaż alkoholu" with a
// document, a meeting, phases and a conversation loaded from the embedded
// Pol.is export, and computes its opinion map. When the consultation is
// there already it does nothing.
func SeedDemo(ctx context.Context, d *db.DB) error {
	s := &Service{DB: d}
	if _, err := getConsultation(ctx, d, DemoID); err == nil {
		return nil
	} else if !apperr.Is(err, apperr.NotFound) {
		return err
	}
	now := s.now()
	day := 24 * time.Hour
	start := now.Add(-10 * day).Truncate(day)
	c := Consultation{ID: DemoID, Title: "Nocna sprzedaż alkoholu", Summary: demoSummary, Status: StatusOpen,
		Moderation: PostModeration, CreatedAt: start, UpdatedAt: now}
	conv := Conversation{ID: db.NewID(), ConsultationID: c.ID, Topic: "Jak zmieni się miasto po nowych przepisach?",
		Description: "Rozmowa demonstracyjna: wypowiedzi i głosy pochodzą z otwartych danych Pol.is, z rozmowy o płacy " +
			"minimalnej 15 dolarów za godzinę w Seattle (2014), w języku angielskim. Wczytaliśmy je, by mapa opinii " +
			"pokazywała prawdziwe głosy. Możesz głosować i dodawać wypowiedzi.",
		Lang: "en", Source: demoSource, Open: true, CreatedAt: start}
	statements, events, err := readDemo()
	if err != nil {
		return err
	}
	err = d.InTx(ctx, func(tx *sql.Tx) error {
		if err := insertConsultation(ctx, tx, &c); err != nil {
			return err
		}
		for _, p := range []Phase{
			{Title: "Zbieranie opinii", Description: "Komentarze do projektu, rozmowa i spotkania.", StartsAt: start, EndsAt: start.Add(30 * day)},
			{Title: "Analiza i raport", Description: "Urzędnicy opracowują raport z konsultacji.", StartsAt: start.Add(30 * day), EndsAt: start.Add(44 * day)},
			{Title: "Decyzja Rady Miasta", StartsAt: start.Add(44 * day), EndsAt: start.Add(60 * day)},
		} {
			p.ID, p.ConsultationID = db.NewID(), c.ID
			if err := insertPhase(ctx, tx, &p); err != nil {
				return err
			}
		}
		doc := Document{ID: db.NewID(), ConsultationID: c.ID, Title: "Projekt uchwały", Body: demoDocument, CreatedAt: start, UpdatedAt: start}
		if err := insertDocument(ctx, tx, &doc); err != nil {
			return err
		}
		meetingDay := now.Add(7 * day).Truncate(day)
		m := Meeting{ID: db.NewID(), ConsultationID: c.ID, Title: "Spotkanie konsultacyjne",
			Place:       "Urząd Miasta Krakowa, pl. Wszystkich Świętych 3–4, sala obrad",
			Description: "Przedstawimy projekt uchwały i wysłuchamy uwag. Wstęp wolny, prosimy o rejestrację.",
			StartsAt:    meetingDay.Add(16 * time.Hour), EndsAt: meetingDay.Add(18 * time.Hour), Capacity: 80}
		if err := insertMeeting(ctx, tx, &m); err != nil {
			return err
		}
		if err := insertConversation(ctx, tx, &conv); err != nil {
			return err
		}
		return loadDemoConversation(ctx, tx, conv.ID, statements, events)
	})
	if err != nil {
		return fmt.Errorf("consult: demo: %w", err)
	}
	if _, err := s.RecomputeMap(ctx, conv.ID); err != nil {
		return fmt.Errorf("consult: demo map: %w", err)
	}
	return nil
}

// demoStatement is one row of the embedded comments.csv.
type demoStatement struct {
	TID, Author int64
	Moderated   int
	At          time.Time
	Body        string
}

// demoVote is one row of the embedded votes.csv.
type demoVote struct {
	PID, TID int64
	Value    int
	At       time.Time
}

func readDemo() ([]demoStatement, []demoVote, error) {
	cb, err := demoFS.ReadFile("demo/comments.csv")
	if err != nil {
		return nil, nil, err
	}
	sts, err := readStatementsCSV(bytes.NewReader(cb), "demo/comments.csv")
	if err != nil {
		return nil, nil, err
	}
	vb, err := demoFS.ReadFile("demo/votes.csv")
	if err != nil {
		return nil, nil, err
	}
	votes, err := polisexport.ReadVotes(bytes.NewReader(vb), "demo/votes.csv")
	if err != nil {
		return nil, nil, err
	}
	events := make([]demoVote, len(votes))
	for i, v := range votes {
		events[i] = demoVote{PID: v.PID, TID: v.TID, Value: v.Value, At: db.TS(time.UnixMilli(v.Time))}
	}
	// Time order; equal times keep the file's order.
	slices.SortStableFunc(events, func(a, b demoVote) int { return a.At.Compare(b.At) })
	return sts, events, nil
}

// readStatementsCSV reads a Pol.is comments.csv with the statements' text
// (polisexport reads only what the map needs). Columns are found by name.
func readStatementsCSV(r io.Reader, name string) ([]demoStatement, error) {
	cr := csv.NewReader(r)
	cr.FieldsPerRecord = -1
	head, err := cr.Read()
	if err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	col := map[string]int{}
	for i, h := range head {
		col[strings.TrimSpace(h)] = i
	}
	for _, need := range []string{"timestamp", "comment-id", "author-id", "moderated", "comment-body"} {
		if _, ok := col[need]; !ok {
			return nil, fmt.Errorf("%s: no %q column", name, need)
		}
	}
	var out []demoStatement
	for line := 2; ; line++ {
		rec, err := cr.Read()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return nil, fmt.Errorf("%s: %w", name, err)
		}
		get := func(c string) string {
			if i := col[c]; i < len(rec) {
				return rec[i]
			}
			return ""
		}
		var st demoStatement
		ms, err1 := strconv.ParseInt(get("timestamp"), 10, 64)
		tid, err2 := strconv.ParseInt(get("comment-id"), 10, 64)
		author, err3 := strconv.ParseInt(get("author-id"), 10, 64)
		mod, err4 := strconv.Atoi(get("moderated"))
		if err := errors.Join(err1, err2, err3, err4); err != nil {
			return nil, fmt.Errorf("%s:%d: %w", name, line, err)
		}
		st.At, st.TID, st.Author, st.Moderated, st.Body = db.TS(time.UnixMilli(ms)), tid, author, mod, get("comment-body")
		out = append(out, st)
	}
	slices.SortFunc(out, func(a, b demoStatement) int { return int(a.TID - b.TID) })
	return out, nil
}

// loadDemoConversation stores imported statements and vote events under
// their original numbers, in batches of multi-row inserts.
func loadDemoConversation(ctx context.Context, tx *sql.Tx, convID string, sts []demoStatement, events []demoVote) error {
	// Participants: everyone who voted or wrote, numbered as in Pol.is,
	// arriving at their first event.
	first := map[int64]time.Time{}
	note := func(pid int64, at time.Time) {
		if t, ok := first[pid]; !ok || at.Before(t) {
			first[pid] = at
		}
	}
	for _, e := range events {
		note(e.PID, e.At)
	}
	for _, st := range sts {
		note(st.Author, st.At)
	}
	pids := make([]int64, 0, len(first))
	for pid := range first {
		pids = append(pids, pid)
	}
	slices.Sort(pids)
	if err := batchInsert(ctx, tx, `INSERT INTO consult_participants (conversation_id, pid, user_id, created_at) VALUES `, len(pids),
		func(i int) []any { return []any{convID, pids[i], nil, first[pids[i]]} }); err != nil {
		return err
	}
	if err := batchInsert(ctx, tx, `INSERT INTO consult_statements (conversation_id, tid, pid, body, moderated, is_meta, is_seed, recorded_by, n_votes, created_at) VALUES `, len(sts),
		func(i int) []any {
			st := sts[i]
			return []any{convID, st.TID, st.Author, st.Body, st.Moderated, false, false, "", 0, st.At}
		}); err != nil {
		return err
	}
	if err := batchInsert(ctx, tx, `INSERT INTO consult_vote_events (id, conversation_id, pid, tid, value, voted_at, recorded_by) VALUES `, len(events),
		func(i int) []any {
			e := events[i]
			return []any{db.NewID(), convID, e.PID, e.TID, e.Value, e.At, ""}
		}); err != nil {
		return err
	}
	// The latest vote per cell; events are in time order, so the last wins.
	type cell struct{ pid, tid int64 }
	latest := map[cell]demoVote{}
	for _, e := range events {
		latest[cell{e.PID, e.TID}] = e
	}
	cells := make([]demoVote, 0, len(latest))
	for _, v := range latest {
		cells = append(cells, v)
	}
	slices.SortFunc(cells, func(a, b demoVote) int {
		if a.PID != b.PID {
			return int(a.PID - b.PID)
		}
		return int(a.TID - b.TID)
	})
	if err := batchInsert(ctx, tx, `INSERT INTO consult_votes (conversation_id, pid, tid, value, voted_at) VALUES `, len(cells),
		func(i int) []any { v := cells[i]; return []any{convID, v.PID, v.TID, v.Value, v.At} }); err != nil {
		return err
	}
	_, err := tx.ExecContext(ctx, `UPDATE consult_statements SET n_votes = (SELECT count(*) FROM consult_votes v
		WHERE v.conversation_id = consult_statements.conversation_id AND v.tid = consult_statements.tid) WHERE conversation_id = $1`, convID)
	if err != nil {
		return fmt.Errorf("consult: demo votes: %w", err)
	}
	return nil
}

// batchInsert runs prefix + "($1, ...), (...)" for n rows, 100 rows at a
// time.
func batchInsert(ctx context.Context, tx *sql.Tx, prefix string, n int, row func(i int) []any) error {
	const per = 100
	for lo := 0; lo < n; lo += per {
		hi := min(lo+per, n)
		var (
			sb   strings.Builder
			args []any
		)
		sb.WriteString(prefix)
		for i := lo; i < hi; i++ {
			if i > lo {
				sb.WriteString(", ")
			}
			sb.WriteByte('(')
			for j, v := range row(i) {
				if j > 0 {
					sb.WriteString(", ")
				}
				if t, ok := v.(time.Time); ok {
					v = db.TS(t)
				}
				args = append(args, v)
				fmt.Fprintf(&sb, "$%d", len(args))
			}
			sb.WriteByte(')')
		}
		if _, err := tx.ExecContext(ctx, sb.String(), args...); err != nil {
			return fmt.Errorf("consult: demo: %w", db.MapError(err))
		}
	}
	return nil
}
