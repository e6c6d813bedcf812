package report

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/hardscan/hardscan/internal/result"
)

func TestFormats(t *testing.T) {
	for _, f := range Formats() {
		if err := Write(io.Discard, f, fixture(), Options{}); err != nil {
			t.Errorf("%s: %v", f, err)
		}
		if _, err := NewStream(io.Discard, f, Options{}); err != nil {
			t.Errorf("%s: %v", f, err)
		}
	}
	if err := Write(io.Discard, "sarif", fixture(), Options{}); err == nil || !strings.Contains(err.Error(), "json") {
		t.Errorf("unknown format: err = %v, want one naming the known formats", err)
	}
	if err := Write(io.Discard, "json", nil, Options{}); err != nil {
		t.Errorf("nil report: %v", err)
	}
}

func TestStreamNDJSON(t *testing.T) {
	var buf bytes.Buffer
	s, err := NewStream(&buf, "ndjson", Options{})
	if err != nil {
		t.Fatal(err)
	}
	r := fixture()
	for i, target := range r.Targets {
		if err := s.Target(target); err != nil {
			t.Fatal(err)
		}
		// SPEC: one line per target as each target finishes.
		if n := strings.Count(buf.String(), "\n"); n != i+1 {
			t.Fatalf("after %d targets, %d lines", i+1, n)
		}
	}
	if err := s.Close(r); err != nil {
		t.Fatal(err)
	}
	var whole bytes.Buffer
	if err := Write(&whole, "ndjson", r, Options{}); err != nil {
		t.Fatal(err)
	}
	if buf.String() != whole.String() {
		t.Error("the stream and Write disagree: Close must add nothing")
	}
	var back result.Target
	if err := json.Unmarshal([]byte(strings.Split(buf.String(), "\n")[0]), &back); err != nil || back.URL != r.Targets[0].URL {
		t.Errorf("first line: %v %q", err, back.URL)
	}
}

func TestStreamBuffered(t *testing.T) {
	var buf bytes.Buffer
	s, err := NewStream(&buf, "table", Options{})
	if err != nil {
		t.Fatal(err)
	}
	r := fixture()
	s.Target(r.Targets[0])
	if buf.Len() != 0 {
		t.Error("table wrote before Close")
	}
	if err := s.Close(r); err != nil {
		t.Fatal(err)
	}
	var whole bytes.Buffer
	Write(&whole, "table", r, Options{})
	if buf.String() != whole.String() {
		t.Error("the stream's Close and Write disagree")
	}
}

type failWriter struct{}

func (failWriter) Write([]byte) (int, error) { return 0, errors.New("disk full") }

func TestWriteError(t *testing.T) {
	if err := Write(failWriter{}, "json", fixture(), Options{}); err == nil || !strings.Contains(err.Error(), "disk full") {
		t.Errorf("err = %v, want the writer's error", err)
	}
}

func TestWriteFileAtomic(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "report.json")
	write := func(s string) func(io.Writer) error {
		return func(w io.Writer) error { _, err := io.WriteString(w, s); return err }
	}

	if err := WriteFileAtomic(path, write("one")); err != nil {
		t.Fatal(err)
	}
	if fi, _ := os.Stat(path); fi.Mode().Perm() != 0o644 {
		t.Errorf("new file mode %v, want 0644", fi.Mode().Perm())
	}

	os.Chmod(path, 0o600)
	if err := WriteFileAtomic(path, write("two")); err != nil {
		t.Fatal(err)
	}
	if b, _ := os.ReadFile(path); string(b) != "two" {
		t.Errorf("content %q", b)
	}
	if fi, _ := os.Stat(path); fi.Mode().Perm() != 0o600 {
		t.Errorf("mode %v, want the old file's 0600 kept", fi.Mode().Perm())
	}

	err := WriteFileAtomic(path, func(w io.Writer) error {
		io.WriteString(w, "partial")
		return errors.New("boom")
	})
	if err == nil || !strings.Contains(err.Error(), "boom") || !strings.Contains(err.Error(), path) {
		t.Errorf("err = %v, want boom wrapped with the path", err)
	}
	if b, _ := os.ReadFile(path); string(b) != "two" {
		t.Errorf("failed write changed the file to %q", b)
	}
	if entries, _ := os.ReadDir(dir); len(entries) != 1 {
		t.Errorf("temporary file left behind: %v", entries)
	}

	if err := WriteFileAtomic(dir, write("x")); err == nil {
		t.Error("writing over a directory succeeded")
	}
	if err := WriteFileAtomic(filepath.Join(dir, "missing", "r.json"), write("x")); err == nil {
		t.Error("writing into a missing directory succeeded")
	}
	if err := WriteFileAtomic(os.DevNull, write("x")); err != nil {
		t.Errorf("a special file is written directly: %v", err)
	}
}
