package survey

import (
	"net/url"
	"testing"
)

func TestAddQuestion(t *testing.T) {
	d, err := parseDefinition(exampleDefinition)
	if err != nil {
		t.Fatal(err)
	}
	form := url.Values{"q_page": {"new"}, "q_key": {"why"}, "q_kind": {"single"}, "q_text_pl": {"Dlaczego?"},
		"q_options": {"kolejka | queue | черга\n\nformularze\n"}, "q_required": {"on"}, "q_other": {"on"},
		"q_show_if": {"nps"}, "q_show_if_codes": {"0, 1,2"}}
	got, err := AddQuestion(d, questionFormOf(form))
	if err != nil {
		t.Fatal(err)
	}
	if err := got.Validate(); err != nil {
		t.Fatalf("the new definition: %v", err)
	}
	if len(d.Pages()) != 1 || len(got.Pages()) != 2 {
		t.Fatalf("pages before %d (the original must not change), after %d", len(d.Pages()), len(got.Pages()))
	}
	q := got.Pages()[1].Questions[0]
	if len(q.Options) != 2 || q.Options[0].Text["en"] != "queue" || q.Options[1].Code != 2 || !q.Other || !q.Required ||
		q.ShowIf == nil || len(q.ShowIf.AnyOf) != 3 {
		t.Errorf("question %+v", q)
	}
	// A condition on the same page is refused by Validate.
	form.Set("q_page", "1")
	got, err = AddQuestion(d, questionFormOf(form))
	if err != nil || got.Validate() == nil {
		t.Errorf("a condition on its own page passed: %v", err)
	}
	form.Set("q_page", "9")
	if _, err := AddQuestion(d, questionFormOf(form)); err == nil {
		t.Error("page 9 of 1 accepted")
	}
}
