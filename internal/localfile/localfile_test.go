package localfile

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

func TestRead(t *testing.T) {
	dir := t.TempDir()
	fifo := filepath.Join(dir, "fifo")
	if err := syscall.Mkfifo(fifo, 0o600); err != nil {
		t.Fatal(err)
	}
	small := filepath.Join(dir, "small")
	os.WriteFile(small, []byte("hello"), 0o600)
	big := filepath.Join(dir, "big")
	os.WriteFile(big, make([]byte, 2000), 0o600)

	tests := []struct {
		name, path string
		limit      int64
		want       string // "" for success; else a substring of the error
	}{
		{"a regular file within its cap", small, 5, ""},
		// why: a FIFO with no writer blocks open(2) and read(2) forever.
		{"a FIFO is refused at once", fifo, 10, "not a regular file (a FIFO)"},
		// why: /dev/zero never ends; a device is no admin's file.
		{"/dev/zero is refused", "/dev/zero", 10, "not a regular file (a character device)"},
		{"a directory is refused", dir, 10, "not a regular file (a directory)"},
		{"a file beyond the cap names it", big, 1024, "larger than the 1 KiB cap"},
		{"a file one byte over", small, 4, "larger than the 4-byte cap"},
		{"a missing file", filepath.Join(dir, "none"), 10, "no such file"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			done := make(chan struct{})
			var data []byte
			var err error
			go func() { data, err = Read(tt.path, tt.limit); close(done) }()
			select {
			case <-done:
			case <-time.After(5 * time.Second):
				t.Fatal("Read blocked")
			}
			if tt.want == "" {
				if err != nil || len(data) == 0 {
					t.Fatalf("Read = %q, %v", data, err)
				}
				return
			}
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("err = %v, want %q", err, tt.want)
			}
			var pe *fs.PathError
			if !errors.As(err, &pe) || pe.Path != tt.path {
				t.Errorf("err %v does not name the path", err)
			}
		})
	}
}

func TestReadFromGrowing(t *testing.T) {
	// why: /proc files and pipes report size 0; the cap must hold anyway.
	r, w, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	go func() {
		w.Write(make([]byte, 100<<10))
		w.Close()
	}()
	_, err = ReadFrom(r, "pipe", 64<<10)
	if !IsTooLarge(err) {
		t.Fatalf("err = %v, want too large", err)
	}
}
