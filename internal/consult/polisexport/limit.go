package polisexport

import (
	"fmt"
	"io"
	"os"
)

// MaxFileBytes is the most Read reads of any one file, and MaxLineBytes of any one line.
// The largest open-data export we hold is 3.4 MB, its longest line a few kB; without
// limits a broken or hostile input (a device such as /dev/zero, a runaway quoted field)
// would fill memory before anything could be said about it.
const (
	MaxFileBytes = 128 << 20
	MaxLineBytes = 1 << 20
)

// maxFileBytes is MaxFileBytes, lowered by tests.
var maxFileBytes int64 = MaxFileBytes

// errTooLarge is what a limited file returns past the limit.
var errTooLarge = fmt.Errorf("larger than the limit of %d MB per file", MaxFileBytes>>20)

// limited reads at most maxFileBytes of r, in lines of at most MaxLineBytes, and then
// fails with errTooLarge or a lineTooLong.
type limited struct {
	r        io.Reader
	left     int64
	line     int // current line, 1-based
	lineSize int // bytes of the current line so far
}

// lineTooLong is the error of a line over MaxLineBytes.
type lineTooLong int

func (l lineTooLong) Error() string {
	return fmt.Sprintf("line %d is longer than the limit of %d MB", int(l), MaxLineBytes>>20)
}

func (l *limited) Read(p []byte) (int, error) {
	if l.left <= 0 {
		// One byte more tells a file of exactly the limit from a longer one.
		var b [1]byte
		if n, _ := l.r.Read(b[:]); n > 0 {
			return 0, errTooLarge
		}
		return 0, io.EOF
	}
	if int64(len(p)) > l.left {
		p = p[:l.left]
	}
	n, err := l.r.Read(p)
	l.left -= int64(n)
	for _, c := range p[:n] {
		if c == '\n' {
			l.line++
			l.lineSize = 0
		} else if l.lineSize++; l.lineSize > MaxLineBytes {
			return 0, lineTooLong(l.line + 1)
		}
	}
	return n, err
}

// openLimited opens a file to be read through the limit.
func openLimited(path string) (io.ReadCloser, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	return struct {
		io.Reader
		io.Closer
	}{&limited{r: f, left: maxFileBytes}, f}, nil
}

// readLimited reads a whole file through the limit.
func readLimited(path string) ([]byte, error) {
	f, err := openLimited(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	data, err := io.ReadAll(f)
	if _, long := err.(lineTooLong); err == errTooLarge || long {
		return nil, &Error{File: path, Msg: err.Error()}
	}
	return data, err
}
