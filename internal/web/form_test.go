package web

import (
	"errors"
	"fmt"
	"maps"
	"testing"
	"testing/fstest"
	"time"

	"github.com/civitas-city/civitas/internal/apperr"
	"github.com/civitas-city/civitas/internal/i18n"
)

func TestFormError(t *testing.T) {
	cat := i18n.New("en")
	err := cat.AddFS(fstest.MapFS{"en.json": {Data: []byte(`{"e.title": "A title, please", "e.cost": "Too dear",
		"e.taken": "Taken", "e.no_category": "No such category", "e.denied": "Not for you",
		"error.status.400": "Invalid input"}`)}})
	if err != nil {
		t.Fatal(err)
	}
	s := &Site{Catalog: cat}
	boom := errors.New("boom")
	tests := []struct {
		name string
		err  error
		also []apperr.Kind
		want FormErrors // nil: the error page
	}{
		{"invalid field", apperr.Fieldf("title", "e.title"), nil, FormErrors{"title": "A title, please"}},
		{"several fields", fmt.Errorf("save: %w", apperr.Fields{"title": "e.title", "cost": "e.cost"}), nil,
			FormErrors{"title": "A title, please", "cost": "Too dear"}},
		{"joined", errors.Join(apperr.Fieldf("title", "e.title"), apperr.E(apperr.Conflict, "e.taken")), nil,
			FormErrors{"title": "A title, please", "": "Taken"}},
		{"conflict", apperr.E(apperr.Conflict, "e.taken"), nil, FormErrors{"": "Taken"}},
		{"too many", apperr.E(apperr.TooMany, "e.taken"), nil, FormErrors{"": "Taken"}},
		{"not found naming a field", &apperr.Error{Kind: apperr.NotFound, Field: "category", Message: "e.no_category"}, nil,
			FormErrors{"category": "No such category"}},
		{"a message not in the catalog", apperr.Fieldf("title", "no.such.key"), nil, FormErrors{"title": "Invalid input"}},
		{"not found", apperr.E(apperr.NotFound, "e.no_category"), nil, nil},
		{"forbidden", apperr.E(apperr.Forbidden, "e.denied"), nil, nil},
		{"forbidden on a form that shows it", apperr.E(apperr.Forbidden, "e.denied"), []apperr.Kind{apperr.Forbidden},
			FormErrors{"": "Not for you"}},
		{"internal", apperr.Wrap(apperr.Internal, "e.denied", boom), nil, nil},
		{"plain", boom, nil, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := s.FormError("en", tt.err, tt.also...)
			if tt.want == nil {
				if err != tt.err || got != nil {
					t.Errorf("got %v, %v; want the error back for the error page", got, err)
				}
				return
			}
			if err != nil || !maps.Equal(got, tt.want) {
				t.Errorf("got %v, %v; want %v", got, err, tt.want)
			}
		})
	}
}

func TestFormErrorsStatus(t *testing.T) {
	if got := (FormErrors{}).Status(); got != 200 {
		t.Errorf("no errors: %d, want 200", got)
	}
	if got := (FormErrors{"title": "A title, please"}).Status(); got != 422 {
		t.Errorf("errors: %d, want 422", got)
	}
}

func TestLocalTimeValues(t *testing.T) {
	waw, err := time.LoadLocation("Europe/Warsaw")
	if err != nil {
		t.Skip("no time zone data:", err)
	}
	for _, v := range []string{"2027-05-01T18:00", "2027-05-01T18:00:00", " 2027-05-01T18:00 "} {
		got, ok := ParseLocalTime(v, waw)
		if !ok || !got.Equal(time.Date(2027, 5, 1, 16, 0, 0, 0, time.UTC)) {
			t.Errorf("ParseLocalTime(%q) = %v, %v; want 16:00 UTC (18:00 in Kraków, summer time)", v, got, ok)
		}
	}
	if _, ok := ParseLocalTime("1 maja", waw); ok {
		t.Error("a text that is no time parses")
	}
	if got := LocalTimeValue(time.Date(2027, 1, 10, 8, 30, 0, 0, time.UTC), waw); got != "2027-01-10T09:30" {
		t.Errorf("LocalTimeValue = %q, want 2027-01-10T09:30 (winter time)", got)
	}
	if got := LocalTimeValue(time.Time{}, waw); got != "" {
		t.Errorf("the zero time gives %q", got)
	}
}
