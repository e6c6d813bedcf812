package cli

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/hardscan/hardscan/scan/result"
)

// This file holds the one way the tests run hardscan against a test server:
// startServer starts any of them (a replica site, a hostile server, the vhost
// replica, a real nginx's backend) and returns the flags that aim a scan at
// it; runCLI runs the command in process, as a user does, and checks what
// every run must give. The helpers in the other test files only add what
// their area needs (a time bound, a stdin, a stdout of their own).

// startServer starts a test server with start, stops it when the test ends, and
// returns it with the flags args gives for it (--resolve, --cacert).
func startServer[S interface{ Close() }](t *testing.T, start func() (S, error), args func(s S, dir string) ([]string, error)) (S, []string) {
	t.Helper()
	s, err := start()
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(s.Close)
	flags, err := args(s, t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	return s, flags
}

// runCLI runs hardscan in process with stdin (nil: empty) and returns what
// a user sees. stdout, when given, receives the output instead of the
// outcome. Tests that read the report ask for JSON (see jsonFirst); stdout
// must be valid UTF-8, and a JSON report valid JSON.
func runCLI(t *testing.T, stdin io.Reader, stdout io.Writer, args ...string) outcome {
	t.Helper()
	if stdin == nil {
		stdin = strings.NewReader("")
	}
	var out, errBuf bytes.Buffer
	w := io.Writer(&out)
	if stdout != nil {
		w = stdout
	}
	code := run(context.Background(), jsonFirst(args), stdin, w, &errBuf)
	o := outcome{code: code, stdout: out.String(), stderr: errBuf.String()}
	if !utf8.Valid(out.Bytes()) {
		t.Errorf("stdout is not valid UTF-8")
	}
	if strings.HasPrefix(strings.TrimSpace(o.stdout), "{") {
		var r result.Report
		if err := json.Unmarshal(out.Bytes(), &r); err != nil {
			t.Fatalf("stdout is not a JSON report: %v\n%.2000s", err, o.stdout)
		}
		o.report = &r
	}
	return o
}
