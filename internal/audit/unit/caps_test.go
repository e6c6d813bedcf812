package unit

import (
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
)

func TestLoadRefuses(t *testing.T) {
	dir := t.TempDir()
	write := func(name, data string) string {
		p := filepath.Join(dir, name)
		os.MkdirAll(filepath.Dir(p), 0o755)
		os.WriteFile(p, []byte(data), 0o600)
		return p
	}
	prose := write("prose.service", "just words\n[not closed\n")
	onlyUnknown := write("odd.service", "[Foo]\nBar=1\n")
	fifoDropIn := write("f.service", "[Service]\nExecStart=/bin/true\n")
	os.MkdirAll(fifoDropIn+".d", 0o755)
	if err := syscall.Mkfifo(filepath.Join(fifoDropIn+".d", "x.conf"), 0o600); err != nil {
		t.Fatal(err)
	}
	fifoDir := write("g.service", "[Service]\nExecStart=/bin/true\n")
	if err := syscall.Mkfifo(fifoDir+".d", 0o600); err != nil {
		t.Fatal(err)
	}
	tests := []struct{ name, path, want string }{
		{"prose", prose, "not a systemd unit file"},
		{"no known section", onlyUnknown, "not a systemd unit file"},
		// why: a FIFO drop-in would block the read forever.
		{"a FIFO drop-in", fifoDropIn, "not a regular file (a FIFO)"},
		{"a FIFO named like a drop-in folder", fifoDir, "not a directory"},
	}
	for _, tt := range tests {
		_, err := Load(tt.path, Options{})
		if err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("%s: err = %v, want %q", tt.name, err, tt.want)
		}
	}
	ok := write("ok.service", "[Unit]\nDescription=x\n")
	if _, err := Load(ok, Options{}); err != nil {
		t.Errorf("a [Unit]-only file: %v", err)
	}
}
