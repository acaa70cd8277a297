package web

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/civitas-city/civitas/internal/apperr"
)

func TestCheckText(t *testing.T) {
	for _, tc := range []struct {
		in        string
		multiline bool
		want      string // the message key, "" for accepted
	}{
		{"Zażółć gęślą jaźń — Київ", false, ""},
		{"line one\nline two\ttab", true, ""},
		{"line one\nline two", false, "error.text_control"},
		{"nul\x00inside", true, "error.text_control"},
		{"escape\x1b[31m", true, "error.text_control"},
		{"c1\u0085control", true, "error.text_control"},
		{"admin\u202egnp.exe", false, "error.text_control"},
		{"isolate\u2067x\u2069", false, "error.text_control"},
		{"bad \xff byte", false, "error.text_encoding"},
		{"zero\u200bwidth joiners stay", false, ""}, // not a reordering character
	} {
		err := CheckText("title", tc.in, tc.multiline)
		if got := apperr.MessageOf(err); got != tc.want {
			t.Errorf("CheckText(%q, multiline=%v) = %q, want %q", tc.in, tc.multiline, got, tc.want)
		}
		if err != nil && err.(*apperr.Error).Field != "title" {
			t.Errorf("CheckText(%q): the error names field %q", tc.in, err.(*apperr.Error).Field)
		}
	}
}

func TestDecodeJSON(t *testing.T) {
	type in struct {
		Name string `json:"name"`
	}
	for _, tc := range []struct {
		ctype, body string
		status      int
	}{
		{"application/json", `{"name":"x"}`, 0},
		{"application/json; charset=utf-8", `{"name":"x"}`, 0},
		{"text/plain", `{"name":"x"}`, http.StatusUnsupportedMediaType},
		{"", `{"name":"x"}`, http.StatusUnsupportedMediaType},
		{"application/x-www-form-urlencoded", `name=x`, http.StatusUnsupportedMediaType},
		{"application/json", `{"name":"x","admin":true}`, http.StatusBadRequest},
		{"application/json", `{"name":`, http.StatusBadRequest},
	} {
		r := httptest.NewRequest("POST", "/api/v1/x", strings.NewReader(tc.body))
		if tc.ctype != "" {
			r.Header.Set("Content-Type", tc.ctype)
		}
		var v in
		err := DecodeJSON(r, &v)
		status := 0
		if err != nil {
			status = StatusOf(err)
		}
		if status != tc.status {
			t.Errorf("%s %s: status %d, want %d (%v)", tc.ctype, tc.body, status, tc.status, err)
		}
	}
}
