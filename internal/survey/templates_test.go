package survey

import (
	"testing"

	"github.com/civitas-city/civitas/internal/web/webtest"
)

func TestEveryTemplateRegistered(t *testing.T) {
	webtest.CheckPages(t, templates, Pages)
	for _, p := range partials {
		if _, err := templates.Open(p); err != nil {
			t.Errorf("partial %s: %v", p, err)
		}
	}
}

func TestExampleDefinitionIsValid(t *testing.T) {
	d, err := parseDefinition(exampleDefinition)
	if err != nil {
		t.Fatal(err)
	}
	if err := d.Validate(); err != nil {
		t.Fatal(err)
	}
}
