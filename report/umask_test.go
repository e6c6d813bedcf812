package report

import (
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
)

// A new report file gets 0666 less the process umask, as any file a
// program creates: under a unit's UMask=0077 nobody else may read it. The
// umask is the whole process's, so each case runs in a child process.
func TestNewFileKeepsToUmask(t *testing.T) {
	if spec := os.Getenv("REPORT_UMASK_CHILD"); spec != "" {
		mask, path, _ := strings.Cut(spec, " ")
		m, _ := strconv.ParseUint(mask, 8, 32)
		syscall.Umask(int(m))
		err := WriteFileAtomic(path, func(w io.Writer) error { _, err := io.WriteString(w, "{}"); return err })
		if err != nil {
			fmt.Println(err)
			os.Exit(1)
		}
		os.Exit(0)
	}
	self, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		umask string
		want  os.FileMode
	}{{"077", 0o600}, {"022", 0o644}, {"002", 0o664}, {"027", 0o640}} {
		path := filepath.Join(t.TempDir(), "r.json")
		cmd := exec.Command(self, "-test.run=^TestNewFileKeepsToUmask$")
		cmd.Env = append(os.Environ(), "REPORT_UMASK_CHILD="+tc.umask+" "+path)
		if out, err := cmd.CombinedOutput(); err != nil {
			t.Fatalf("umask %s: %v\n%s", tc.umask, err, out)
		}
		fi, err := os.Stat(path)
		if err != nil {
			t.Fatalf("umask %s: %v", tc.umask, err)
		}
		if got := fi.Mode().Perm(); got != tc.want {
			t.Errorf("umask %s: new file mode %#o, want %#o", tc.umask, got, tc.want)
		}
	}
}
