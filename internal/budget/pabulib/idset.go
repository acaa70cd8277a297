package pabulib

import "hash/maphash"

// idTable finds strings (project and voter ids) by value: an open-addressing hash table.
// It does what a map[string]int does for the reader, faster on the hot path of a large
// file (a lookup per listed project and per voter): a slot is 8 bytes, half of them hash
// bits that settle most probes without comparing strings, and the strings stay where they
// already are.
type idTable struct {
	seed  maphash.Seed
	slots []uint64 // hash<<32 | index+1; 0 = empty
	keys  []string
	mask  uint64
}

func newIDTable(n int) *idTable {
	size := 16
	for size < 2*n {
		size *= 2
	}
	return &idTable{seed: maphash.MakeSeed(), slots: make([]uint64, size), keys: make([]string, 0, n), mask: uint64(size - 1)}
}

// find returns the index of key, or -1.
func (t *idTable) find(key string) int {
	h := maphash.String(t.seed, key)
	tag := h &^ (1<<32 - 1)
	for i := h & t.mask; ; i = (i + 1) & t.mask {
		s := t.slots[i]
		if s == 0 {
			return -1
		}
		if s&^(1<<32-1) == tag && t.keys[uint32(s)-1] == key {
			return int(uint32(s) - 1)
		}
	}
}

// add adds key, unless present, and returns its index and whether it was new.
func (t *idTable) add(key string) (int, bool) {
	if 2*(len(t.keys)+1) > len(t.slots) {
		t.grow()
	}
	h := maphash.String(t.seed, key)
	tag := h &^ (1<<32 - 1)
	for i := h & t.mask; ; i = (i + 1) & t.mask {
		s := t.slots[i]
		if s == 0 {
			t.keys = append(t.keys, key)
			t.slots[i] = tag | uint64(len(t.keys))
			return len(t.keys) - 1, true
		}
		if s&^(1<<32-1) == tag && t.keys[uint32(s)-1] == key {
			return int(uint32(s) - 1), false
		}
	}
}

func (t *idTable) grow() {
	old := t.keys
	*t = idTable{seed: t.seed, slots: make([]uint64, 2*len(t.slots)), keys: make([]string, 0, 2*len(old)), mask: uint64(2*len(t.slots) - 1)}
	for _, k := range old {
		t.add(k)
	}
}
