package polisexport

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"path/filepath"
	"strconv"

	"github.com/civitas-city/civitas/internal/consult/opinion"
)

// MathFixture is the part of Pol.is's stored math result (math-pca2.json)
// that the reader and the exact checks use. Vectors are in Pol.is's internal
// sign (agree = −1).
type MathFixture struct {
	ModOut        []int64 `json:"mod-out"`
	InConv        []int64 `json:"in-conv"`
	TIDs          []int64 `json:"tids"`
	GroupClusters []struct {
		ID      int        `json:"id"`
		Members []int64    `json:"members"`
		Center  [2]float64 `json:"center"`
	} `json:"group-clusters"`
	BaseClusters struct {
		ID      []int64   `json:"id"`
		Members [][]int64 `json:"members"`
		X       []float64 `json:"x"`
		Y       []float64 `json:"y"`
	} `json:"base-clusters"`
	PCA struct {
		Center []float64   `json:"center"`
		Comps  [][]float64 `json:"comps"`
	} `json:"pca"`
	Repness   map[string][]MathRepness `json:"repness"`
	Consensus struct {
		Agree    []MathConsensus `json:"agree"`
		Disagree []MathConsensus `json:"disagree"`
	} `json:"consensus"`
	GroupAwareConsensus map[string]float64 `json:"group-aware-consensus"`
}

// MathRepness is one stored representative statement.
type MathRepness struct {
	TID       int64  `json:"tid"`
	RepfulFor string `json:"repful-for"`
	BestAgree bool   `json:"best-agree"`
}

// MathConsensus is one stored consensus entry.
type MathConsensus struct {
	TID int64 `json:"tid"`
}

// Groups flattens the group clusters through the base clusters: pid → group.
func (m *MathFixture) Groups() map[int64]int {
	members := make(map[int64][]int64)
	for i, id := range m.BaseClusters.ID {
		if i < len(m.BaseClusters.Members) {
			members[id] = m.BaseClusters.Members[i]
		}
	}
	out := make(map[int64]int)
	for _, g := range m.GroupClusters {
		for _, b := range g.Members {
			for _, p := range members[b] {
				out[p] = g.ID
			}
		}
	}
	return out
}

// ReadMath reads a math-pca2.json file.
func ReadMath(path string) (*MathFixture, error) {
	data, err := readLimited(path)
	if err != nil {
		return nil, err
	}
	var m MathFixture
	if err := json.Unmarshal(data, &m); err != nil {
		return nil, jsonError(path, data, err)
	}
	return &m, nil
}

func lineAt(data []byte, off int64) int {
	off = min(max(off, 0), int64(len(data)))
	return bytes.Count(data[:off], []byte("\n")) + 1
}

func jsonError(name string, data []byte, err error) error {
	if se, ok := errors.AsType[*json.SyntaxError](err); ok {
		return errorf(name, lineAt(data, se.Offset), "%v", err)
	}
	if te, ok := errors.AsType[*json.UnmarshalTypeError](err); ok {
		return errorf(name, lineAt(data, te.Offset), "%v", err)
	}
	return errorf(name, 0, "%v", err)
}

// eachElement decodes a top-level JSON array one element at a time, giving
// each element's line.
func eachElement(name string, data []byte, fn func(raw map[string]json.RawMessage, line int) error) error {
	dec := json.NewDecoder(bytes.NewReader(data))
	tok, err := dec.Token()
	if err != nil {
		return jsonError(name, data, err)
	}
	if d, ok := tok.(json.Delim); !ok || d != '[' {
		return errorf(name, 1, "expected a JSON array")
	}
	for dec.More() {
		off := dec.InputOffset()
		// Skip the separator and blanks so the line is the element's own.
		for off < int64(len(data)) && (data[off] == ',' || data[off] == ' ' || data[off] == '\n' || data[off] == '\r' || data[off] == '\t') {
			off++
		}
		var raw map[string]json.RawMessage
		if err := dec.Decode(&raw); err != nil {
			return jsonError(name, data, err)
		}
		if err := fn(raw, lineAt(data, off)); err != nil {
			return err
		}
	}
	if _, err := dec.Token(); err != nil && err != io.EOF {
		return jsonError(name, data, err)
	}
	return nil
}

// number reads the first present key as a number; JSON strings holding
// numbers are accepted (one fixture stores timestamps as strings).
func number(raw map[string]json.RawMessage, keys ...string) (float64, string, bool, error) {
	for _, k := range keys {
		v, ok := raw[k]
		if !ok || string(v) == "null" {
			continue
		}
		var s string
		if json.Unmarshal(v, &s) == nil {
			f, err := strconv.ParseFloat(s, 64)
			return f, k, true, err
		}
		var f float64
		err := json.Unmarshal(v, &f)
		return f, k, true, err
	}
	return 0, keys[0], false, nil
}

func flag(raw map[string]json.RawMessage, key string) (bool, error) {
	v, ok := raw[key]
	if !ok || string(v) == "null" {
		return false, nil
	}
	var b bool
	if json.Unmarshal(v, &b) == nil {
		return b, nil
	}
	f, _, _, err := number(raw, key)
	return f != 0, err
}

func readFixture(dir string) (*Conversation, error) {
	conv := &Conversation{}
	vpath := filepath.Join(dir, "votes.json")
	data, err := readLimited(vpath)
	if err != nil {
		return nil, err
	}
	err = eachElement(vpath, data, func(raw map[string]json.RawMessage, line int) error {
		var vals [4]float64
		for i, keys := range [][]string{{"participant_id", "pid"}, {"statement_id", "tid"}, {"vote"}, {"modified", "created"}} {
			f, k, ok, err := number(raw, keys...)
			if err != nil {
				return errorf(vpath, line, "%s: %v", k, err)
			}
			if !ok && i < 3 {
				return errorf(vpath, line, "vote has no %s", k)
			}
			vals[i] = f
		}
		if vals[0] < 0 || vals[0] != float64(int64(vals[0])) || vals[1] < 0 || vals[1] != float64(int64(vals[1])) {
			return errorf(vpath, line, "participant and statement ids must be non-negative integers")
		}
		if vals[2] != 1 && vals[2] != 0 && vals[2] != -1 {
			return errorf(vpath, line, "vote %v is not -1, 0 or 1", vals[2])
		}
		conv.Votes = append(conv.Votes, opinion.Vote{PID: int64(vals[0]), TID: int64(vals[1]), Value: int(vals[2]), Time: int64(vals[3])})
		return nil
	})
	if err != nil {
		return nil, err
	}
	conv.History = conv.Votes

	var math *MathFixture
	mpath := filepath.Join(dir, "math-pca2.json")
	if exists(mpath) {
		if math, err = ReadMath(mpath); err != nil {
			return nil, err
		}
		conv.Groups = math.Groups()
	}
	cpath := filepath.Join(dir, "comments.json")
	if exists(cpath) {
		data, err := readLimited(cpath)
		if err != nil {
			return nil, err
		}
		err = eachElement(cpath, data, func(raw map[string]json.RawMessage, line int) error {
			tid, k, ok, err := number(raw, "statement_id", "tid")
			if err != nil || !ok {
				return errorf(cpath, line, "comment has no numeric %s", k)
			}
			mod, k, _, err := number(raw, "moderated", "mod")
			if err != nil {
				return errorf(cpath, line, "%s: %v", k, err)
			}
			meta, err := flag(raw, "is_meta")
			if err != nil {
				return errorf(cpath, line, "is_meta: %v", err)
			}
			if mod == -1 || meta {
				conv.ModOut = append(conv.ModOut, int64(tid))
			}
			return nil
		})
		if err != nil {
			return nil, err
		}
	}
	if math != nil && math.ModOut != nil {
		// Pol.is's own moderated-out list, as its math used it (doc §9.1).
		conv.ModOut = math.ModOut
	}
	return conv, nil
}
