package scan

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"iter"
	"net/url"
	"strings"
)

// maxLine caps one line of a -i list; a longer line is an error for that
// line alone, and the list goes on.
const maxLine = 64 << 10

// A List reads targets from a list, one a line, as hardscan -i reads a
// file (README "Use"): blank lines and # comments are skipped, and a line
// that is not a target is an Input carrying its error. It reads as the
// run goes, so a list of a million hosts is never held in memory.
type List struct {
	name    string
	r       *bufio.Reader
	line    int
	pending *listItem // read by Peek, not yet returned
}

// listItem is one target line, or the error of a line that could not be
// used (err set, raw its start).
type listItem struct {
	line int
	raw  string
	err  error
}

// NewList reads a list from r; name (a file's, "standard input") is the
// target's name in the report when r cannot be read.
func NewList(r io.Reader, name string) *List {
	return &List{name: name, r: bufio.NewReaderSize(r, maxLine)}
}

// All yields the list's targets in order; a read error ends it, as one
// last Input carrying the error. It is read once.
func (l *List) All() iter.Seq[Input] {
	return func(yield func(Input) bool) {
		for {
			it, ok, err := l.next()
			if err != nil {
				yield(Input{Raw: l.name, Err: err})
				return
			}
			if !ok {
				return
			}
			in := Input{Raw: it.raw, Line: it.line, Err: it.err}
			if in.Err == nil {
				if in.URL, in.Err = ParseTarget(it.raw); in.Err != nil {
					in.Raw = safeRaw(it.raw)
				}
			}
			if !yield(in) {
				return
			}
		}
	}
}

// Count reads the rest of the list and returns how many targets it holds
// (duplicates and bad lines too), without parsing them: the total of a
// progress line, from a second reader of the same file.
func (l *List) Count() int {
	n := 0
	for {
		_, ok, err := l.next()
		if err != nil || !ok {
			return n
		}
		n++
	}
}

// safeRaw keeps a bad line out of the report when it holds credentials.
func safeRaw(raw string) string {
	if u, err := url.Parse(raw); err == nil && u.User != nil {
		return u.Redacted()
	}
	return raw
}

// next returns the next target line, or ok false at the end; err is a
// read error that ends the list.
func (l *List) next() (it listItem, ok bool, err error) {
	if p := l.pending; p != nil {
		l.pending = nil
		return *p, true, nil
	}
	for {
		b, rerr := l.r.ReadSlice('\n')
		if len(b) == 0 && rerr == io.EOF {
			return listItem{}, false, nil
		}
		l.line++
		if rerr == bufio.ErrBufferFull {
			start := strings.ToValidUTF8(string(b[:64]), "?") + "..."
			for rerr == bufio.ErrBufferFull {
				_, rerr = l.r.ReadSlice('\n')
			}
			if rerr != nil && rerr != io.EOF {
				return listItem{}, false, fmt.Errorf("line %d: %w", l.line, rerr)
			}
			return listItem{line: l.line, raw: start, err: fmt.Errorf("longer than the %d KiB line cap", maxLine>>10)}, true, nil
		}
		if rerr != nil && rerr != io.EOF {
			return listItem{}, false, fmt.Errorf("line %d: %w", l.line, rerr)
		}
		text := strings.TrimSpace(string(b))
		if i := strings.Index(text, "#"); i == 0 || (i > 0 && (text[i-1] == ' ' || text[i-1] == '\t')) {
			text = strings.TrimSpace(text[:i])
		}
		if text == "" {
			continue
		}
		return listItem{line: l.line, raw: text}, true, nil
	}
}

// Peek reads ahead to the first target line, so that an empty or
// unreadable list is an error before any scan starts; All yields it first.
func (l *List) Peek() error {
	it, ok, err := l.next()
	if err != nil {
		return err
	}
	if !ok {
		return errors.New("no targets in the list")
	}
	l.pending = &it
	return nil
}
