package app

import (
	"encoding/json"
	"fmt"
	"maps"
	"net/http"
)

// openAPIDocument merges the modules' paths into one OpenAPI 3 document,
// served at /api/v1/openapi.json.
func openAPIDocument(city, version string, fragments [][]byte) (http.Handler, error) {
	paths := map[string]json.RawMessage{}
	for _, f := range fragments {
		var p map[string]json.RawMessage
		if err := json.Unmarshal(f, &p); err != nil {
			return nil, fmt.Errorf("openapi: %w", err)
		}
		for k := range p {
			if _, dup := paths[k]; dup {
				return nil, fmt.Errorf("openapi: path %s described twice", k)
			}
		}
		maps.Copy(paths, p)
	}
	doc := map[string]any{
		"openapi": "3.0.3",
		"info": map[string]any{
			"title":       "Civitas API — " + city,
			"version":     version,
			"description": "The residents' platform API. Authenticate with a personal access token (Authorization: Bearer civ_...) made on /account/tokens, or a session cookie. Errors are {\"error\": {\"status\", \"code\", \"message\", \"request_id\"}} with the message in the language of Accept-Language.",
		},
		"servers": []map[string]string{{"url": "/"}},
		"paths":   paths,
		"components": map[string]any{
			"securitySchemes": map[string]any{
				"bearer": map[string]string{"type": "http", "scheme": "bearer"},
				"cookie": map[string]string{"type": "apiKey", "in": "cookie", "name": "civitas_session"},
			},
			"responses": map[string]any{
				"Error": map[string]any{
					"description": "an error, with a message a resident understands",
					"content": map[string]any{"application/json": map[string]any{"schema": map[string]any{
						"type": "object", "required": []string{"error"},
						"properties": map[string]any{"error": map[string]any{
							"type": "object", "required": []string{"status", "code", "message"},
							"properties": map[string]any{
								"status": map[string]string{"type": "integer"}, "code": map[string]string{"type": "string"},
								"message": map[string]string{"type": "string"}, "request_id": map[string]string{"type": "string"},
							},
						}},
					}}},
				},
			},
		},
	}
	body, err := json.MarshalIndent(doc, "", "  ")
	if err != nil {
		return nil, err
	}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json; charset=utf-8")
		w.Write(body)
	}), nil
}
