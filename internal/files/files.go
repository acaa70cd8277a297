// Package files stores uploads (photos, attachments) in the database, so
// every node serves every file and a database backup holds them all. Types
// are decided by the content, never by the name or the client's header.
package files

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"net/http"
	"path"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/civitas-city/civitas/internal/apperr"
	"github.com/civitas-city/civitas/internal/db"
)

// File is a stored upload.
type File struct {
	ID          string
	Owner       string // what it belongs to, e.g. "report:ID" or "project:ID"
	Name        string // the uploader's file name, cleaned
	ContentType string // sniffed from the content
	Size        int64
	SHA256      string
	CreatedAt   time.Time
	Data        []byte
}

// Policy limits what may be uploaded.
type Policy struct {
	MaxBytes int64
	Types    []string // allowed sniffed types
	// TypeMessage is the message key that names Types to the resident
	// when a file of another type comes.
	TypeMessage string
}

// Common policies.
var (
	Images = Policy{MaxBytes: 8 << 20, Types: []string{"image/jpeg", "image/png", "image/webp", "image/gif"},
		TypeMessage: "files.error.type_image"}
	Attachments = Policy{MaxBytes: 10 << 20, Types: []string{"application/pdf", "image/jpeg", "image/png", "image/webp"},
		TypeMessage: "files.error.type_attachment"}
)

// Check returns the sniffed type of data if the policy allows it, or an
// Invalid error whose message key says why (files.error.too_large, the
// policy's TypeMessage, files.error.empty).
func (p Policy) Check(data []byte) (string, error) {
	if len(data) == 0 {
		return "", apperr.Fieldf("file", "files.error.empty")
	}
	if int64(len(data)) > p.MaxBytes {
		return "", &apperr.Error{Kind: apperr.Invalid, Field: "file", Message: "files.error.too_large"}
	}
	ct := http.DetectContentType(data)
	ct, _, _ = strings.Cut(ct, ";")
	if !slices.Contains(p.Types, ct) {
		msg := p.TypeMessage
		if msg == "" {
			msg = "files.error.type"
		}
		return "", apperr.Fieldf("file", "%s", msg)
	}
	return ct, nil
}

// Save checks data against policy and stores it.
func Save(ctx context.Context, q db.Querier, owner, name string, data []byte, p Policy) (*File, error) {
	ct, err := p.Check(data)
	if err != nil {
		return nil, err
	}
	sum := sha256.Sum256(data)
	f := &File{
		ID: db.NewID(), Owner: owner, Name: cleanName(name), ContentType: ct,
		Size: int64(len(data)), SHA256: hex.EncodeToString(sum[:]), CreatedAt: db.TS(time.Now()), Data: data,
	}
	_, err = q.ExecContext(ctx, `INSERT INTO files (id, owner, name, content_type, size, sha256, created_at, data)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`, f.ID, f.Owner, f.Name, f.ContentType, f.Size, f.SHA256, f.CreatedAt, f.Data)
	if err != nil {
		return nil, fmt.Errorf("files: save: %w", db.MapError(err))
	}
	return f, nil
}

// Get returns a file with its content.
func Get(ctx context.Context, q db.Querier, id string) (*File, error) {
	var f File
	var created db.Time
	err := q.QueryRowContext(ctx, `SELECT id, owner, name, content_type, size, sha256, created_at, data FROM files WHERE id = $1`, id).
		Scan(&f.ID, &f.Owner, &f.Name, &f.ContentType, &f.Size, &f.SHA256, &created, &f.Data)
	if err != nil {
		return nil, db.MapError(err)
	}
	f.CreatedAt = created.Time
	return &f, nil
}

// List returns an owner's files without their content, oldest first.
func List(ctx context.Context, q db.Querier, owner string) ([]File, error) {
	return db.Query(ctx, q, func(row db.Scanner) (File, error) {
		var f File
		var created db.Time
		err := row.Scan(&f.ID, &f.Owner, &f.Name, &f.ContentType, &f.Size, &f.SHA256, &created)
		f.CreatedAt = created.Time
		return f, err
	}, `SELECT id, owner, name, content_type, size, sha256, created_at FROM files WHERE owner = $1 ORDER BY id`, owner)
}

// Delete removes an owner's file (e.g. a draft's attachment).
func Delete(ctx context.Context, q db.Querier, owner, id string) error {
	res, err := q.ExecContext(ctx, `DELETE FROM files WHERE id = $1 AND owner = $2`, id, owner)
	if err != nil {
		return err
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return db.ErrNotFound
	}
	return nil
}

// cleanName keeps a short, printable base name.
func cleanName(name string) string {
	name = path.Base(strings.ReplaceAll(name, "\\", "/"))
	name = strings.Map(func(r rune) rune {
		if r < 0x20 || r == 0x7f || r == '"' {
			return -1
		}
		return r
	}, name)
	for len(name) > 120 || !utf8.ValidString(name) {
		name = strings.ToValidUTF8(name[:min(len(name), 120)], "")
	}
	if name == "" || name == "." || name == "/" {
		name = "file"
	}
	return name
}
