package apperr

import (
	"errors"
	"fmt"
	"maps"
	"testing"
)

func TestFieldsIsAnInvalidErrorOfItsFirstField(t *testing.T) {
	f := Fields{"title": "e.title", "cost": "e.cost"}
	err := fmt.Errorf("save: %w", f.Err())
	if KindOf(err) != Invalid || MessageOf(err) != "e.cost" {
		t.Errorf("kind %v, message %q; want invalid, the first field's (cost)", KindOf(err), MessageOf(err))
	}
	if e, ok := errors.AsType[*Error](err); !ok || e.Field != "cost" {
		t.Errorf("first error: %v", e)
	}
	if got := f.Error(); got != "invalid input: cost: e.cost; title: e.title" {
		t.Errorf("Error() = %q", got)
	}
	if (Fields{}).Err() != nil {
		t.Error("no fields is an error")
	}
}

func TestFieldsOfGathersEveryField(t *testing.T) {
	err := fmt.Errorf("verify: %w", errors.Join(
		Fieldf("pesel", "e.pesel"),
		fmt.Errorf("again: %w", Fieldf("pesel", "e.pesel_again")), // the first of a field wins
		Fields{"birth_date": "e.birth"},
		E(Forbidden, "e.forbidden"), // no field: about the whole form
		Wrap(Internal, "secret", errors.New("db down")),
		errors.New("plain"),
	))
	want := Fields{"pesel": "e.pesel", "birth_date": "e.birth", "": "e.forbidden"}
	if got := FieldsOf(err); !maps.Equal(got, want) {
		t.Errorf("FieldsOf = %v, want %v", got, want)
	}
	if got := FieldsOf(errors.New("plain")); len(got) != 0 {
		t.Errorf("a plain error has fields: %v", got)
	}
	if got := FieldsOf(nil); len(got) != 0 {
		t.Errorf("nil has fields: %v", got)
	}
}
