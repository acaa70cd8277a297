package survey

import (
	"testing"
	"time"
)

func TestCheckAnswerKinds(t *testing.T) {
	opts := []Option{{Code: 1, Text: Text{"pl": "a"}}, {Code: 2, Text: Text{"pl": "b"}}, {Code: 3, Text: Text{"pl": "c"}}}
	multiple := Question{Key: "m", Kind: Multiple, Options: opts}
	ranking := Question{Key: "r", Kind: Ranking, Options: opts}
	matrix := Question{Key: "x", Kind: Matrix, Options: opts, Rows: []Option{{Code: 1}, {Code: 2}}, Required: true}
	for _, c := range []struct {
		q    Question
		a    Answer
		want string
	}{
		{multiple, Answer{Codes: []int{1, 3}}, ""},
		{multiple, Answer{Codes: []int{1, 1}}, "survey.error.out_of_range"},
		{multiple, Answer{Codes: []int{4}}, "survey.error.out_of_range"},
		{ranking, Answer{Codes: []int{3, 1, 2}}, ""},
		{ranking, Answer{Codes: []int{3, 1}}, "survey.error.rank_all"},
		{ranking, Answer{Codes: []int{3, 3, 1}}, "survey.error.rank_all"},
		{matrix, Answer{Matrix: map[int]int{1: 3, 2: 1}}, ""},
		{matrix, Answer{Matrix: map[int]int{1: 3}}, "survey.error.matrix_all"},
		{matrix, Answer{Matrix: map[int]int{1: 3, 5: 1}}, "survey.error.out_of_range"},
		{Question{Kind: Date}, Answer{Text: "2025-02-30"}, "survey.error.not_a_date"},
		{Question{Kind: Date}, Answer{Text: "2025-02-28"}, ""},
		{Question{Kind: ShortText}, Answer{Text: string(make([]rune, MaxShortText+1))}, "survey.error.too_long"},
		{Question{Kind: Likert, Points: 7}, Answer{Codes: []int{7}}, ""},
		{Question{Kind: Likert, Points: 7}, Answer{Codes: []int{0}}, "survey.error.out_of_range"},
		{Question{Kind: NPS}, Answer{Codes: []int{0, 1}}, "survey.error.one_answer"},
		{Question{Kind: Number}, Answer{}, "survey.error.not_a_number"},
		{Question{Kind: Single, Options: opts}, Answer{Codes: []int{1}, Text: "smuggled"}, "survey.error.out_of_range"},
	} {
		if got := c.q.Check(c.a); got != c.want {
			t.Errorf("%s %+v: %q, want %q", c.q.Kind, c.a, got, c.want)
		}
	}
}

func TestAgeBand(t *testing.T) {
	now := time.Date(2025, 6, 15, 0, 0, 0, 0, time.UTC)
	for _, c := range []struct {
		birth time.Time
		want  string
	}{
		{time.Date(2007, 6, 16, 0, 0, 0, 0, time.UTC), ""},      // 17 until tomorrow
		{time.Date(2007, 6, 15, 0, 0, 0, 0, time.UTC), "18-24"}, // 18 today
		{time.Date(1990, 1, 2, 0, 0, 0, 0, time.UTC), "35-44"},
		{time.Date(1950, 1, 1, 0, 0, 0, 0, time.UTC), "75+"},
		{time.Time{}, ""},
	} {
		if got := AgeBand(c.birth, now); got != c.want {
			t.Errorf("born %s: %q, want %q", c.birth.Format(time.DateOnly), got, c.want)
		}
	}
}

func TestShownOrder(t *testing.T) {
	var opts []Option
	for c := 1; c <= 8; c++ {
		opts = append(opts, Option{Code: c})
	}
	q := Question{Key: "q", Kind: Single, Options: opts, Randomize: true}
	a, b := q.Shown("response-1"), q.Shown("response-1")
	for i := range a {
		if a[i].Code != b[i].Code {
			t.Fatal("the same response saw two orders")
		}
	}
	moved := false
	for seed := range 5 {
		for i, o := range q.Shown(string(rune('a' + seed))) {
			moved = moved || o.Code != i+1
		}
	}
	if !moved {
		t.Error("randomized options never moved")
	}
	q.Randomize = false
	for i, o := range q.Shown("x") {
		if o.Code != i+1 {
			t.Fatal("options moved without Randomize")
		}
	}
}
