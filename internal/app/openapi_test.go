package app_test

import (
	"testing"

	"github.com/getkin/kin-openapi/openapi3"
)

// The served OpenAPI document is a valid OpenAPI 3 description.
func TestOpenAPIDocumentIsValid(t *testing.T) {
	srv := startSQLite(t)
	r := get(t, client(t), srv.URL+"/api/v1/openapi.json")
	doc, err := openapi3.NewLoader().LoadFromData([]byte(r.Body))
	if err != nil {
		t.Fatalf("load: %v", err)
	}
	if err := doc.Validate(t.Context()); err != nil {
		t.Errorf("invalid OpenAPI document: %v", err)
	}
	if doc.Paths.Len() < 5 {
		t.Errorf("only %d paths described", doc.Paths.Len())
	}
}
