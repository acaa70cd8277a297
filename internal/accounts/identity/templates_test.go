package identity

import (
	"testing"

	"github.com/civitas-city/civitas/internal/web/webtest"
)

// Every embedded template is registered, and every listed one exists.
func TestEveryTemplateRegistered(t *testing.T) {
	webtest.CheckPages(t, templates, Pages)
}
