package vote

import (
	"encoding/csv"
	"net/http"
	"strconv"
	"time"
)

// ReferendumJSON is a referendum in the API.
type ReferendumJSON struct {
	Slug         string         `json:"slug"`
	Title        string         `json:"title"`
	District     int            `json:"district"`
	MinAge       int            `json:"min_age"`
	Binding      bool           `json:"binding"`
	Quorum       int            `json:"quorum"`
	Phase        Phase          `json:"phase"`
	VotingOpen   bool           `json:"voting_open"`
	VotingStarts string         `json:"voting_starts,omitempty"`
	VotingEnds   string         `json:"voting_ends,omitempty"`
	Questions    []QuestionJSON `json:"questions,omitempty"`
}

// QuestionJSON is a question in the API, with its options (and their
// counts in results).
type QuestionJSON struct {
	ID         string       `json:"id"`
	Kind       Kind         `json:"kind"`
	Text       string       `json:"text"`
	MaxChoices int          `json:"max_choices"`
	Voters     *int         `json:"voters,omitempty"`
	Options    []OptionJSON `json:"options"`
}

// OptionJSON is an option in the API.
type OptionJSON struct {
	ID     string `json:"id"`
	Label  string `json:"label"`
	Votes  *int   `json:"votes,omitempty"`
	Points *int   `json:"points,omitempty"`
}

// ResultsJSON is a referendum's result in the API and the JSON export.
type ResultsJSON struct {
	Referendum      ReferendumJSON `json:"referendum"`
	Voters          int            `json:"voters"`
	Electorate      int            `json:"electorate"`
	TurnoutPermille int            `json:"turnout_permille"`
	Valid           bool           `json:"valid"`
	ByDistrict      map[string]int `json:"turnout_by_district"`
	ByAge           map[string]int `json:"turnout_by_age"`
}

func stamp(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.UTC().Format(time.RFC3339)
}

func referendumJSON(ref *Referendum, now time.Time, withQuestions bool) ReferendumJSON {
	out := ReferendumJSON{Slug: ref.Slug, Title: ref.Title, District: ref.District, MinAge: ref.MinAge, Binding: ref.Binding,
		Quorum: ref.Quorum, Phase: ref.Phase, VotingOpen: ref.VotingOpen(now), VotingStarts: stamp(ref.VotingStarts),
		VotingEnds: stamp(ref.VotingEnds)}
	if withQuestions {
		for _, q := range ref.Questions {
			qj := QuestionJSON{ID: q.ID, Kind: q.Kind, Text: q.Text, MaxChoices: q.MaxChoices}
			for _, o := range q.Options {
				qj.Options = append(qj.Options, OptionJSON{ID: o.ID, Label: o.Label})
			}
			out.Questions = append(out.Questions, qj)
		}
	}
	return out
}

func resultsJSON(ref *Referendum, o *Outcome) ResultsJSON {
	out := ResultsJSON{Referendum: referendumJSON(ref, time.Time{}, false), Voters: o.Voters, Electorate: ref.Electorate,
		TurnoutPermille: o.TurnoutPermille, Valid: o.Valid, ByDistrict: map[string]int{}, ByAge: map[string]int{}}
	out.Referendum.VotingOpen = false
	for _, c := range o.ByDistrict {
		out.ByDistrict[c.Band] = c.Voters
	}
	for _, c := range o.ByAge {
		out.ByAge[c.Band] = c.Voters
	}
	for _, q := range o.Questions {
		voters := q.Voters
		qj := QuestionJSON{ID: q.Question.ID, Kind: q.Question.Kind, Text: q.Question.Text, MaxChoices: q.Question.MaxChoices, Voters: &voters}
		for _, x := range q.Options {
			votes, points := x.Votes, x.Points
			oj := OptionJSON{ID: x.Option.ID, Label: x.Option.Label, Votes: &votes}
			if q.Question.Kind == Ranking {
				oj.Points = &points
			}
			qj.Options = append(qj.Options, oj)
		}
		out.Referendum.Questions = append(out.Referendum.Questions, qj)
	}
	return out
}

// writeCSV streams a referendum's result: one line per question and
// option, then the turnout.
func writeCSV(w http.ResponseWriter, ref *Referendum, o *Outcome) error {
	w.Header().Set("Content-Type", "text/csv; charset=utf-8")
	w.Header().Set("Content-Disposition", `attachment; filename="`+ref.Slug+`-results.csv"`)
	c := csv.NewWriter(w)
	c.Write([]string{"section", "question", "option", "votes", "points"})
	for i, q := range o.Questions {
		for _, x := range q.Options {
			c.Write([]string{"question", strconv.Itoa(i+1) + ". " + q.Question.Text, x.Option.Label, strconv.Itoa(x.Votes), strconv.Itoa(x.Points)})
		}
	}
	c.Write([]string{"turnout", "", "voters", strconv.Itoa(o.Voters), ""})
	c.Write([]string{"turnout", "", "valid", strconv.FormatBool(o.Valid), ""})
	for _, d := range o.ByDistrict {
		c.Write([]string{"district", "", d.Band, strconv.Itoa(d.Voters), ""})
	}
	for _, a := range o.ByAge {
		c.Write([]string{"age", "", a.Band, strconv.Itoa(a.Voters), ""})
	}
	c.Flush()
	return c.Error()
}
