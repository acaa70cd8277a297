package web

import (
	"bytes"
	"context"
	"fmt"
	"log/slog"
	"net"
	"net/http/httptest"
	"os"
	"strings"
	"syscall"
	"testing"

	"github.com/civitas-city/civitas/internal/i18n"
)

// A client that hangs up mid-answer is no server error: nothing is logged
// at ERROR and nothing is written.
func TestClientGoneIsNotAnError(t *testing.T) {
	var logs bytes.Buffer
	s := &Site{Log: slog.New(slog.NewTextHandler(&logs, &slog.HandlerOptions{Level: slog.LevelDebug})), Catalog: i18n.New("en")}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	r := httptest.NewRequest("GET", "/api/v1/me", nil).WithContext(ctx)
	w := httptest.NewRecorder()
	s.Error(w, r, fmt.Errorf("store: %w", context.Canceled))
	if strings.Contains(logs.String(), "level=ERROR") || w.Body.Len() != 0 {
		t.Errorf("a client that went away: logged %q, wrote %q", logs.String(), w.Body.String())
	}
	// The same error while the client still waits is ours: logged.
	logs.Reset()
	s.Error(httptest.NewRecorder(), httptest.NewRequest("GET", "/api/v1/me", nil), fmt.Errorf("store: %w", context.Canceled))
	if !strings.Contains(logs.String(), "level=ERROR") {
		t.Errorf("a cancelled query with the client waiting was not logged: %q", logs.String())
	}
}

// Writing to a connection the client has closed is no server error either.
func TestBrokenPipeIsClientGone(t *testing.T) {
	r := httptest.NewRequest("GET", "/taxes", nil)
	for _, err := range []error{
		&net.OpError{Op: "write", Net: "tcp", Err: os.NewSyscallError("write", syscall.EPIPE)},
		fmt.Errorf("render: %w", &net.OpError{Op: "write", Net: "tcp", Err: os.NewSyscallError("write", syscall.ECONNRESET)}),
	} {
		if !ClientGone(r, err) {
			t.Errorf("ClientGone(%v) = false", err)
		}
	}
	if ClientGone(r, fmt.Errorf("store: disk full")) {
		t.Error("an error of ours counts as the client gone")
	}
}
