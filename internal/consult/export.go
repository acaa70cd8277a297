package consult

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"strconv"
	"time"

	"github.com/civitas-city/civitas/internal/consult/opinion"
	"github.com/civitas-city/civitas/internal/web"
)

// Exports of a conversation: Pol.is's CSV files, exactly the columns and
// signs its exporter writes (shared/docs/consultation-algorithm.md §9.0:
// agree = +1 in every file), and our own JSON. Participants appear only as
// their per-conversation numbers. Rows are streamed from the database into
// the writer.

// ExportFiles are the Pol.is export files, by name.
var ExportFiles = []string{"summary.csv", "comments.csv", "votes.csv", "participants-votes.csv"}

// polisDatetime is the "datetime" column as Pol.is writes it.
const polisDatetime = "Mon Jan 02 15:04:05 MST 2006"

func (s *Service) loc() *time.Location {
	if s.Location != nil {
		return s.Location
	}
	return time.UTC
}

// Export writes one Pol.is export file of conv to w. url is the
// conversation's public address (summary.csv). Exact files are Pol.is's
// format to the letter, for programs; a spreadsheet-safe file writes a
// statement that starts like a formula (=, +, -, @) as text.
func (s *Service) Export(ctx context.Context, w io.Writer, conv *Conversation, file, url string, spreadsheetSafe bool) error {
	cw := web.NewCSV(w, spreadsheetSafe)
	var err error
	switch file {
	case "summary.csv":
		err = s.exportSummary(ctx, cw, conv, url)
	case "comments.csv":
		err = s.exportComments(ctx, cw, conv)
	case "votes.csv":
		err = s.exportVotes(ctx, cw, conv)
	case "participants-votes.csv":
		err = s.exportParticipantsVotes(ctx, cw, conv)
	default:
		return ErrNotFound
	}
	if err != nil {
		return err
	}
	return cw.Flush()
}

func (s *Service) exportSummary(ctx context.Context, cw *web.CSV, conv *Conversation, url string) error {
	voters, commenters, comments, err := conversationCounts(ctx, s.DB, conv.ID)
	if err != nil {
		return fmt.Errorf("consult: export summary: %w", err)
	}
	groups := 0
	if m, ok, err := getMap(ctx, s.DB, conv.ID); err != nil {
		return err
	} else if ok {
		var r struct {
			Groups []json.RawMessage `json:"groups"`
		}
		if err := json.Unmarshal([]byte(m.Result), &r); err != nil {
			return fmt.Errorf("consult: export summary: %w", err)
		}
		groups = len(r.Groups)
	}
	// Pol.is counts page views; we do not, so "views" stays empty.
	// "voters-in-conv" is the number of matrix rows, as in Pol.is's files.
	for _, row := range [][]string{
		{"topic", conv.Topic},
		{"url", url},
		{"views", ""},
		{"voters", strconv.Itoa(voters)},
		{"voters-in-conv", strconv.Itoa(voters)},
		{"commenters", strconv.Itoa(commenters)},
		{"comments", strconv.Itoa(comments)},
		{"groups", strconv.Itoa(groups)},
		{"conversation-description", conv.Description},
	} {
		if err := cw.Write(row); err != nil {
			return err
		}
	}
	return nil
}

func (s *Service) storedResult(ctx context.Context, convID string) (*opinion.Result, error) {
	m, ok, err := getMap(ctx, s.DB, convID)
	if err != nil || !ok {
		return nil, err
	}
	var r opinion.Result
	if err := json.Unmarshal([]byte(m.Result), &r); err != nil {
		return nil, fmt.Errorf("consult: map of %s: %w", convID, err)
	}
	return &r, nil
}

func (s *Service) exportComments(ctx context.Context, cw *web.CSV, conv *Conversation) error {
	res, err := s.storedResult(ctx, conv.ID)
	if err != nil {
		return err
	}
	if err := cw.Write([]string{"timestamp", "datetime", "comment-id", "author-id", "agrees", "disagrees", "moderated",
		"is-meta", "is-seed", "group-informed-consensus", "comment-body"}); err != nil {
		return err
	}
	// Agrees and disagrees count every vote event, changed votes too, as
	// Pol.is's exporter does.
	err = statementTallies(ctx, s.DB, conv.ID, func(t statementTally) error {
		author, gac := "", ""
		if t.PID >= 0 {
			author = strconv.FormatInt(t.PID, 10)
		}
		if res != nil {
			if v, ok := res.GAC[t.TID]; ok {
				gac = strconv.FormatFloat(v, 'g', -1, 64)
			}
		}
		return cw.Write([]string{strconv.FormatInt(t.At.UnixMilli(), 10), t.At.In(s.loc()).Format(polisDatetime),
			strconv.FormatInt(t.TID, 10), author, strconv.FormatInt(t.Agrees, 10), strconv.FormatInt(t.Disagrees, 10),
			strconv.Itoa(t.Moderated), strconv.FormatBool(t.Meta), strconv.FormatBool(t.Seed), gac, t.Body})
	})
	if err != nil {
		return fmt.Errorf("consult: export comments: %w", err)
	}
	return nil
}

func (s *Service) exportVotes(ctx context.Context, cw *web.CSV, conv *Conversation) error {
	if err := cw.Write([]string{"timestamp", "datetime", "comment-id", "voter-id", "vote"}); err != nil {
		return err
	}
	return voteEvents(ctx, s.DB, conv.ID, func(pid, tid int64, value int, at time.Time) error {
		return cw.Write([]string{strconv.FormatInt(at.UnixMilli(), 10), at.In(s.loc()).Format(polisDatetime),
			strconv.FormatInt(tid, 10), strconv.FormatInt(pid, 10), strconv.Itoa(value)})
	})
}

func (s *Service) exportParticipantsVotes(ctx context.Context, cw *web.CSV, conv *Conversation) error {
	res, err := s.storedResult(ctx, conv.ID)
	if err != nil {
		return err
	}
	groups := map[int64]int{}
	if res != nil {
		groups = groupOf(res)
	}
	// The columns: every statement with votes, by number.
	tids, err := votedStatements(ctx, s.DB, conv.ID)
	if err != nil {
		return fmt.Errorf("consult: export participants: %w", err)
	}
	authored, err := statementsByAuthor(ctx, s.DB, conv.ID)
	if err != nil {
		return fmt.Errorf("consult: export participants: %w", err)
	}
	head := []string{"participant", "group-id", "n-comments", "n-votes", "n-agree", "n-disagree"}
	for _, tid := range tids {
		head = append(head, strconv.FormatInt(tid, 10))
	}
	if err := cw.Write(head); err != nil {
		return err
	}
	// One row per participant with votes, in matrix (participant) order.
	row := participantRow{cur: -1, cells: make([]string, len(tids)), col: map[int64]int{}}
	for i, tid := range tids {
		row.col[tid] = i
	}
	write := func() error {
		if row.cur < 0 {
			return nil
		}
		return cw.Write(row.fields(groups, authored))
	}
	err = eachLatestVote(ctx, s.DB, conv.ID, func(pid, tid int64, value int) error {
		if pid != row.cur {
			if err := write(); err != nil {
				return err
			}
			row.start(pid)
		}
		row.add(tid, value)
		return nil
	})
	if err != nil {
		return fmt.Errorf("consult: export participants: %w", err)
	}
	return write()
}

// participantRow is the row of participants-votes.csv being filled: one
// participant's latest votes, a column a statement.
type participantRow struct {
	col                    map[int64]int // tid -> column
	cur                    int64         // the participant, -1 before the first
	cells                  []string
	nVotes, nAgree, nDisag int
}

func (p *participantRow) start(pid int64) {
	p.cur = pid
	clear(p.cells)
	p.nVotes, p.nAgree, p.nDisag = 0, 0, 0
}

func (p *participantRow) add(tid int64, value int) {
	p.cells[p.col[tid]] = strconv.Itoa(value)
	p.nVotes++
	switch value {
	case VoteAgree:
		p.nAgree++
	case VoteDisagree:
		p.nDisag++
	}
}

// fields is the row as written: the participant, their group, how many
// statements they wrote, their vote counts, then the votes.
func (p *participantRow) fields(groups map[int64]int, authored map[int64]int) []string {
	group := ""
	if g, ok := groups[p.cur]; ok {
		group = strconv.Itoa(g)
	}
	return append([]string{strconv.FormatInt(p.cur, 10), group, strconv.Itoa(authored[p.cur]), strconv.Itoa(p.nVotes),
		strconv.Itoa(p.nAgree), strconv.Itoa(p.nDisag)}, p.cells...)
}

// JSON export: our own format, everything needed to reproduce the map.

// ExportFormat names the JSON export's format and version.
const ExportFormat = "civitas.consult.conversation/1"

// ExportHeader is the first part of the JSON export.
type ExportHeader struct {
	Format       string             `json:"format"`
	Consultation ExportConsultation `json:"consultation"`
	Conversation ExportConversation `json:"conversation"`
	Statements   []ExportStatement  `json:"statements"`
	Participants int                `json:"participants"`
	Map          *ExportMap         `json:"map"`
}

// ExportConsultation identifies the consultation.
type ExportConsultation struct {
	ID       string `json:"id"`
	Title    string `json:"title"`
	District int    `json:"district"` // 0: the whole city
	Status   string `json:"status"`
	URL      string `json:"url"`
}

// ExportConversation describes the conversation.
type ExportConversation struct {
	ID          string    `json:"id"`
	Topic       string    `json:"topic"`
	Description string    `json:"description"`
	Lang        string    `json:"lang,omitempty"`
	Source      string    `json:"source,omitempty"`
	Open        bool      `json:"open"`
	CreatedAt   time.Time `json:"created_at"`
}

// ExportStatement is one statement.
type ExportStatement struct {
	TID       int64     `json:"tid"`
	PID       *int64    `json:"pid"` // the author; null for the organiser's seed statements
	Body      string    `json:"body"`
	Moderated int       `json:"moderated"`
	IsMeta    bool      `json:"is_meta"`
	IsSeed    bool      `json:"is_seed"`
	CreatedAt time.Time `json:"created_at"`
}

// ExportMap is the stored opinion map.
type ExportMap struct {
	ComputedAt time.Time       `json:"computed_at"`
	VoteEvents int             `json:"vote_events"`
	Result     json.RawMessage `json:"result"`
}

// ExportVote is one vote event (agree = +1, disagree = -1, pass = 0).
type ExportVote struct {
	PID   int64 `json:"pid"`
	TID   int64 `json:"tid"`
	Value int   `json:"value"`
	Time  int64 `json:"time"` // Unix milliseconds
}

// ExportJSON writes the conversation as our JSON: the header fields, then
// "votes", every vote event in time order, streamed.
func (s *Service) ExportJSON(ctx context.Context, w io.Writer, c *Consultation, conv *Conversation, url string) error {
	h := ExportHeader{Format: ExportFormat,
		Consultation: ExportConsultation{ID: c.ID, Title: c.Title, District: c.District, Status: string(c.Status), URL: url},
		Conversation: ExportConversation{ID: conv.ID, Topic: conv.Topic, Description: conv.Description, Lang: conv.Lang,
			Source: conv.Source, Open: conv.Open, CreatedAt: conv.CreatedAt},
		Statements: []ExportStatement{},
	}
	sts, err := listStatements(ctx, s.DB, conv.ID)
	if err != nil {
		return err
	}
	for _, st := range sts {
		es := ExportStatement{TID: st.TID, Body: st.Body, Moderated: st.Moderated, IsMeta: st.IsMeta, IsSeed: st.IsSeed, CreatedAt: st.CreatedAt}
		if st.PID >= 0 {
			es.PID = &st.PID
		}
		h.Statements = append(h.Statements, es)
	}
	if h.Participants, err = countParticipants(ctx, s.DB, conv.ID); err != nil {
		return err
	}
	if m, ok, err := getMap(ctx, s.DB, conv.ID); err != nil {
		return err
	} else if ok {
		h.Map = &ExportMap{ComputedAt: m.ComputedAt, VoteEvents: m.VoteEvents, Result: json.RawMessage(m.Result)}
	}
	head, err := json.Marshal(h)
	if err != nil {
		return err
	}
	// Splice "votes" into the object: {...header..., "votes": [ ... ]}.
	if _, err := w.Write(head[:len(head)-1]); err != nil {
		return err
	}
	if _, err := io.WriteString(w, `,"votes":[`); err != nil {
		return err
	}
	first := true
	err = voteEvents(ctx, s.DB, conv.ID, func(pid, tid int64, value int, at time.Time) error {
		b, err := json.Marshal(ExportVote{PID: pid, TID: tid, Value: value, Time: at.UnixMilli()})
		if err != nil {
			return err
		}
		if !first {
			if _, err := io.WriteString(w, ",\n"); err != nil {
				return err
			}
		}
		first = false
		_, err = w.Write(b)
		return err
	})
	if err != nil {
		return err
	}
	_, err = io.WriteString(w, "]}\n")
	return err
}
