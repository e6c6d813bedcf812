package cli

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"strings"
)

// maxLine caps one line of a -i list; a longer line is an error for that
// line alone, and the list goes on.
const maxLine = 64 << 10

// listReader yields the targets of a -i file one line at a time: blank lines
// and # comments are skipped; a bad line becomes a job carrying its error.
type listReader struct {
	r       *bufio.Reader
	line    int
	pending *listItem // read by peek, not yet returned
}

// listItem is one target line, or the error of a line that could not be
// used (err set, raw its start).
type listItem struct {
	line int
	raw  string
	err  error
}

func newListReader(r io.Reader) *listReader {
	return &listReader{r: bufio.NewReaderSize(r, maxLine)}
}

// next returns the next target line, or ok false at the end; err is a
// read error that ends the list.
func (l *listReader) next() (it listItem, ok bool, err error) {
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

// peek reads ahead to the first target line, so that an empty or unreadable
// list is a usage error before any scan starts; next returns it first.
func (l *listReader) peek() error {
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
