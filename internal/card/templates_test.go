package card

import (
	"testing"

	"github.com/civitas-city/civitas/internal/web/webtest"
)

func TestEveryTemplateRegistered(t *testing.T) {
	webtest.CheckPages(t, templates, Pages)
}
