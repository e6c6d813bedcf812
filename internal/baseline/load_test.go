package baseline

import (
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
)

func TestLoadIsBoundedAndSlim(t *testing.T) {
	dir := t.TempDir()
	fifo := filepath.Join(dir, "fifo")
	if err := syscall.Mkfifo(fifo, 0o600); err != nil {
		t.Fatal(err)
	}
	// why: a FIFO with no writer would block open(2) forever.
	if _, err := Load(fifo); err == nil || !strings.Contains(err.Error(), "not a regular file (a FIFO)") {
		t.Errorf("FIFO: err = %v", err)
	}
	if _, err := Load("/dev/zero"); err == nil || !strings.Contains(err.Error(), "not a regular file") {
		t.Errorf("/dev/zero: err = %v", err)
	}
	src := `{"schema_version": 2, "targets": [{"kind": "site", "url": "https://a.test/", "headers": {"x-a": ["1"]},
		"cookies": [{"name": "c"}], "findings": [{"id": "hsts", "severity": "fail", "subject": ""}]}], "changes": null}`
	path := filepath.Join(dir, "base.json")
	os.WriteFile(path, []byte(src), 0o600)
	r, err := Load(path)
	if err != nil {
		t.Fatal(err)
	}
	if len(r.Targets) != 1 || len(r.Targets[0].Findings) != 1 || r.Targets[0].URL != "https://a.test/" || r.SchemaVersion != 2 {
		t.Fatalf("loaded %+v", r)
	}
	// why: headers and cookies are most of a report and no comparison reads them.
	if r.Targets[0].Headers != nil || r.Targets[0].Cookies != nil {
		t.Errorf("headers or cookies kept: %+v", r.Targets[0])
	}
}
