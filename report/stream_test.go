package report

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"

	"github.com/hardscan/hardscan/scan/result"
)

func TestFormats(t *testing.T) {
	for _, f := range Formats() {
		if err := Write(io.Discard, f, fixture(), Options{}); err != nil {
			t.Errorf("%s: %v", f, err)
		}
		if _, err := NewWriter(io.Discard, f, Options{}); err != nil {
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
	s, err := NewWriter(&buf, "ndjson", Options{})
	if err != nil {
		t.Fatal(err)
	}
	r := fixture()
	for i, target := range r.Targets {
		if err := s.Target(target); err != nil {
			t.Fatal(err)
		}
		// ndjson: one line per target as each target finishes.
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
	s, err := NewWriter(&buf, "table", Options{})
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
	// The new file's mode is the umask's: TestNewFileKeepsToUmask.

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

func TestStreamJSON(t *testing.T) {
	r := fixture()
	r.Changes = []result.Change{{URL: "https://a.test/", ID: "hsts", Was: "pass", Now: "fail"}}
	for _, empty := range []bool{false, true} {
		rr := *r
		if empty {
			rr.Targets = nil
		}
		var buf bytes.Buffer
		s, err := NewWriter(&buf, "json", Options{})
		if err != nil {
			t.Fatal(err)
		}
		if err := s.Start(&rr); err != nil {
			t.Fatal(err)
		}
		for i, target := range rr.Targets {
			before := buf.Len()
			if err := s.Target(target); err != nil {
				t.Fatal(err)
			}
			// why: json streams too; a target is written when handed over.
			if buf.Len() == before {
				t.Fatalf("target %d not written at once", i)
			}
		}
		if err := s.Close(&rr); err != nil {
			t.Fatal(err)
		}
		var whole bytes.Buffer
		if err := Write(&whole, "json", &rr, Options{}); err != nil {
			t.Fatal(err)
		}
		if buf.String() != whole.String() {
			t.Errorf("empty=%v: the stream and Write disagree:\n%s\n---\n%s", empty, buf.String(), whole.String())
		}
		var back result.Report
		if err := json.Unmarshal(buf.Bytes(), &back); err != nil {
			t.Fatalf("empty=%v: not JSON: %v\n%s", empty, err, buf.String())
		}
		if len(back.Targets) != len(rr.Targets) || back.SchemaVersion != rr.SchemaVersion || len(back.Changes) != 1 || back.Incomplete {
			t.Errorf("empty=%v: read back %+v", empty, back)
		}
		if empty && !strings.Contains(buf.String(), `"targets": [],`) {
			t.Errorf("an empty run's targets are not []:\n%s", buf.String())
		}
	}
}

func TestStreamJSONIncomplete(t *testing.T) {
	// why: on exit 130 a streamed report is complete and marked incomplete
	// (docs/contract.md, "Exit status").
	var buf bytes.Buffer
	s, _ := NewWriter(&buf, "json", Options{})
	r := fixture()
	s.Target(r.Targets[0])
	r.Incomplete = true
	if err := s.Close(r); err != nil {
		t.Fatal(err)
	}
	var back map[string]any
	if err := json.Unmarshal(buf.Bytes(), &back); err != nil {
		t.Fatal(err)
	}
	if back["incomplete"] != true || len(back["targets"].([]any)) != 1 {
		t.Errorf("got %v", back)
	}
}

func TestStreamJSONWriteError(t *testing.T) {
	s, _ := NewWriter(failWriter{}, "json", Options{})
	if err := s.Target(fixture().Targets[0]); err == nil || !strings.Contains(err.Error(), "disk full") {
		t.Fatalf("err = %v", err)
	}
	if err := s.Close(fixture()); err == nil {
		t.Fatal("Close after a write error succeeded")
	}
}

func TestCreateChecksBeforeWriting(t *testing.T) {
	dir := t.TempDir()
	ro := filepath.Join(dir, "ro")
	os.Mkdir(ro, 0o500)
	fifo := filepath.Join(dir, "fifo")
	if err := syscall.Mkfifo(fifo, 0o600); err != nil {
		t.Fatal(err)
	}
	tests := []struct{ name, path, want string }{
		{"a directory", dir, "is a directory"},
		{"a missing folder", filepath.Join(dir, "missing", "r.json"), "the folder " + filepath.Join(dir, "missing") + " does not exist"},
		// why: a FIFO with no reader would block open(2) forever.
		{"a FIFO nothing reads", fifo, "a FIFO that nothing reads"},
	}
	if os.Geteuid() != 0 { // root writes into a 0500 folder
		tests = append(tests, struct{ name, path, want string }{"a read-only folder", filepath.Join(ro, "r.json"), "permission denied"})
	}
	for _, tt := range tests {
		f, err := Create(tt.path)
		if err == nil {
			f.Abort()
			t.Errorf("%s: Create succeeded", tt.name)
			continue
		}
		if !strings.Contains(err.Error(), tt.want) {
			t.Errorf("%s: err = %v, want %q", tt.name, err, tt.want)
		}
	}
}

func TestCreateRemovesStaleTemps(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "r.json")
	// A killed run's temp file: nobody holds its lock.
	stale := filepath.Join(dir, ".r.json.tmp-123")
	os.WriteFile(stale, []byte("half"), 0o644)
	other := filepath.Join(dir, ".other.json.tmp-1")
	os.WriteFile(other, []byte("x"), 0o644)
	// A live run's temp file: locked.
	live, err := Create(path)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(stale); !os.IsNotExist(err) {
		t.Errorf("stale temp file kept: %v", err)
	}
	f, err := Create(path)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(live.tmp); err != nil {
		t.Errorf("a live run's temp file was removed: %v", err)
	}
	if _, err := os.Stat(other); err != nil {
		t.Errorf("another report's temp file was removed: %v", err)
	}
	io.WriteString(f, "done")
	if err := f.Commit(); err != nil {
		t.Fatal(err)
	}
	live.Abort()
	entries, _ := os.ReadDir(dir)
	if len(entries) != 2 {
		t.Errorf("left: %v", entries)
	}
}

func TestCreateDevFull(t *testing.T) {
	if _, err := os.Stat("/dev/full"); err != nil {
		t.Skip("no /dev/full")
	}
	f, err := Create("/dev/full")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Abort()
	// why: the first write that fails must say so, not a buffer's flush later.
	if _, err := f.Write([]byte("{")); err == nil || !strings.Contains(err.Error(), "no space left") {
		t.Fatalf("err = %v", err)
	}
}

func TestCreateWritesThroughLinkToDevice(t *testing.T) {
	// why: -o /dev/stdout is a link to a special file; replacing the link
	// (as root, in /dev) would break the system, not write the report.
	link := filepath.Join(t.TempDir(), "out")
	if err := os.Symlink(os.DevNull, link); err != nil {
		t.Fatal(err)
	}
	if err := WriteFileAtomic(link, func(w io.Writer) error { _, err := io.WriteString(w, "x"); return err }); err != nil {
		t.Fatal(err)
	}
	if fi, err := os.Lstat(link); err != nil || fi.Mode()&os.ModeSymlink == 0 {
		t.Errorf("the link was replaced: %v %v", fi.Mode(), err)
	}
}
