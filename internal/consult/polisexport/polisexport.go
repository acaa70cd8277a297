// Package polisexport reads Pol.is conversations: open-data export
// directories (comments.csv with participants-votes.csv or votes.csv) and
// math-fixture directories (votes.json, comments.json, math-pca2.json), as
// described in shared/docs/consultation-algorithm.md §9.0. Votes come out in
// export sign (agree = +1).
package polisexport

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"

	"github.com/civitas-city/civitas/internal/consult/opinion"
)

// Error is a bad-input error naming the file and line.
type Error struct {
	File string
	Line int
	Msg  string
}

func (e *Error) Error() string {
	if e.Line > 0 {
		return fmt.Sprintf("%s:%d: %s", e.File, e.Line, e.Msg)
	}
	return fmt.Sprintf("%s: %s", e.File, e.Msg)
}

func errorf(file string, line int, format string, args ...any) *Error {
	return &Error{File: file, Line: line, Msg: fmt.Sprintf(format, args...)}
}

// Conversation is what the opinion map needs from a Pol.is directory.
type Conversation struct {
	Votes  []opinion.Vote
	ModOut []int64
	// Order is the participants' matrix row order (participants-votes.csv);
	// nil when only timed votes are available.
	Order []int64
	// Groups is Pol.is's own clustering, pid → group id; nil when the
	// directory has none.
	Groups map[int64]int
	// GroupInformedConsensus is comments.csv's group-informed-consensus
	// column, when present.
	GroupInformedConsensus map[int64]float64
	// History is every vote event with its time (votes.csv, or a fixture's
	// votes.json), for replaying the conversation; nil when not available.
	History []opinion.Vote
}

// Read reads a fixture directory (with votes.json) or an export directory.
func Read(dir string) (*Conversation, error) {
	if st, err := os.Stat(dir); err != nil {
		return nil, err
	} else if !st.IsDir() {
		return nil, &Error{File: dir, Msg: "not a directory"}
	}
	if exists(filepath.Join(dir, "votes.json")) {
		return readFixture(dir)
	}
	return readExport(dir)
}

func exists(p string) bool {
	_, err := os.Stat(p)
	return err == nil
}

func readExport(dir string) (*Conversation, error) {
	cpath := filepath.Join(dir, "comments.csv")
	f, err := openLimited(cpath)
	if err != nil {
		if errors.Is(err, fs.ErrNotExist) {
			return nil, &Error{File: cpath, Msg: "missing (need comments.csv with participants-votes.csv or votes.csv, or a fixture's votes.json)"}
		}
		return nil, err
	}
	comments, err := ReadComments(f, cpath)
	f.Close()
	if err != nil {
		return nil, err
	}
	conv := &Conversation{}
	for _, c := range comments {
		if c.Moderated == -1 || c.IsMeta {
			conv.ModOut = append(conv.ModOut, c.TID)
		}
		if c.HasGIC {
			if conv.GroupInformedConsensus == nil {
				conv.GroupInformedConsensus = make(map[int64]float64)
			}
			conv.GroupInformedConsensus[c.TID] = c.GIC
		}
	}
	pvPath := filepath.Join(dir, "participants-votes.csv")
	vPath := filepath.Join(dir, "votes.csv")
	switch {
	case exists(pvPath):
		f, err := openLimited(pvPath)
		if err != nil {
			return nil, err
		}
		defer f.Close()
		pv, err := ReadParticipantsVotes(f, pvPath)
		if err != nil {
			return nil, err
		}
		conv.Votes, conv.Order, conv.Groups = pv.Votes, pv.Order, pv.Groups
		if exists(vPath) {
			f, err := openLimited(vPath)
			if err != nil {
				return nil, err
			}
			defer f.Close()
			if conv.History, err = ReadVotes(f, vPath); err != nil {
				return nil, err
			}
		}
	case exists(vPath):
		f, err := openLimited(vPath)
		if err != nil {
			return nil, err
		}
		defer f.Close()
		if conv.Votes, err = ReadVotes(f, vPath); err != nil {
			return nil, err
		}
		conv.History = conv.Votes
	default:
		return nil, &Error{File: pvPath, Msg: "missing, and so is votes.csv"}
	}
	return conv, nil
}
