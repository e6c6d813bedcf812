package cli

import (
	"bytes"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/hardscan/hardscan/fixtures/vhost"
	"github.com/hardscan/hardscan/scan/gate"
)

// embedMain is a program of another module that embeds hardscan as a
// library user would: the flags it takes are the command's own, so that
// both scan the same server the same way.
const embedMain = `package main

import (
	"context"
	"flag"
	"fmt"
	"net/url"
	"os"
	"time"

	"github.com/hardscan/hardscan/report"
	"github.com/hardscan/hardscan/scan"
)

type list []string

func (l *list) String() string     { return fmt.Sprint(*l) }
func (l *list) Set(v string) error { *l = append(*l, v); return nil }

func main() {
	opt := scan.DefaultOptions()
	opt.UserAgent = "hardscan/" + scan.Version
	flag.Var((*list)(&opt.Resolve), "resolve", "HOST:PORT:ADDR")
	flag.Var((*list)(&opt.CAFiles), "cacert", "CA file")
	flag.IntVar(&opt.BackendPort, "backend-port", opt.BackendPort, "backend port")
	flag.Parse()

	s, err := scan.New(opt)
	if err != nil {
		fmt.Fprintln(os.Stderr, "embed:", err)
		os.Exit(2)
	}
	rep := scan.NewReport(time.Now())
	for _, raw := range flag.Args() {
		u, err := url.Parse(raw)
		if err != nil {
			fmt.Fprintln(os.Stderr, "embed:", err)
			os.Exit(2)
		}
		ctx, cancel := context.WithTimeout(context.Background(), 2*opt.Timeout+time.Second)
		rep.Targets = append(rep.Targets, s.Scan(ctx, u))
		cancel()
	}
	rep.Finish()
	if err := report.Write(os.Stdout, "json", rep, report.Options{}); err != nil {
		fmt.Fprintln(os.Stderr, "embed:", err)
		os.Exit(1)
	}
}
`

// TestLibraryFromAnotherModule builds a module outside this one that
// imports scan and report through a replace directive, offline, and checks
// that its JSON report of a loopback replica is the command's -f json of
// the same replica, timings aside: the public packages are enough to do
// what the command does.
func TestLibraryFromAnotherModule(t *testing.T) {
	if testing.Short() {
		t.Skip("builds a module: not in -short")
	}
	goTool, err := exec.LookPath("go")
	if err != nil {
		t.Skip("go is not on PATH: cannot build a module outside this one")
	}
	root, err := filepath.Abs(filepath.Join("..", ".."))
	if err != nil {
		t.Fatal(err)
	}
	ourMod, err := os.ReadFile(filepath.Join(root, "go.mod"))
	if err != nil {
		t.Fatal(err)
	}
	goLine := regexp.MustCompile(`(?m)^go [0-9.]+$`).Find(ourMod)
	if goLine == nil {
		t.Fatal("go.mod has no go directive")
	}
	sum, err := os.ReadFile(filepath.Join(root, "go.sum"))
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	gomod := "module example.test/embed\n\n" + string(goLine) + "\n\n" +
		"require github.com/hardscan/hardscan v0.0.0-00010101000000-000000000000\n\n" +
		"replace github.com/hardscan/hardscan => " + root + "\n"
	for name, content := range map[string]string{"go.mod": gomod, "go.sum": string(sum), "main.go": embedMain} {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(content), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	bin := filepath.Join(dir, "embed")
	build := exec.Command(goTool, "build", "-o", bin, ".")
	build.Dir = dir
	// Offline: every module comes from the module cache this module's
	// own build filled, checked against the copied go.sum.
	build.Env = append(os.Environ(), "GOFLAGS=-mod=mod -buildvcs=false", "GOPROXY=off", "GOSUMDB=off",
		"GOWORK=off", "GOTOOLCHAIN=local")
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("go build of a module that imports scan and report: %v\n%s", err, out)
	}

	_, args := startServer(t, func() (*vhost.Server, error) { return vhost.Start(vhost.Options{}) },
		func(s *vhost.Server, dir string) ([]string, error) { return s.Args(dir) })
	targets := []string{"https://social.test/", "https://other.test/"}
	args = append(args, targets...)

	var lib, libErr bytes.Buffer
	embed := exec.Command(bin, args...)
	embed.Stdout, embed.Stderr = &lib, &libErr
	if err := embed.Run(); err != nil {
		t.Fatalf("the embedding program: %v\n%s", err, libErr.String())
	}
	o := runCLI(t, nil, nil, append([]string{"-f", "json", "--no-progress"}, args...)...)
	if o.code != gate.ExitOK && o.code != gate.ExitFindings {
		t.Fatalf("hardscan -f json exited %d: %s", o.code, o.stderr)
	}

	want, got := untimed(t, []byte(o.stdout)), untimed(t, lib.Bytes())
	if !reflect.DeepEqual(got, want) {
		t.Errorf("the library's JSON report differs from hardscan -f json (timings aside):\n%s", firstDiff("library", indent(t, got), "hardscan -f json", indent(t, want)))
	}
	if n := len(want["targets"].([]any)); n != len(targets) {
		t.Errorf("the report has %d targets, want %d", n, len(targets))
	}
}

// untimed decodes a JSON report without what differs from run to run: when
// it started, how long it took, and the servers' Date headers, which tick
// over between the two runs now and then.
func untimed(t *testing.T, raw []byte) map[string]any {
	t.Helper()
	var m map[string]any
	if err := json.Unmarshal(raw, &m); err != nil {
		t.Fatalf("not a JSON report: %v\n%.2000s", err, raw)
	}
	for _, k := range []string{"started_at", "duration_ms"} {
		if _, ok := m[k]; !ok {
			t.Errorf("the report has no %q", k)
		}
		delete(m, k)
	}
	dropDateHeaders(m)
	return m
}

// dropDateHeaders removes every recorded "date" header value list.
func dropDateHeaders(v any) {
	switch v := v.(type) {
	case map[string]any:
		for k, e := range v {
			if _, list := e.([]any); list && k == "date" {
				delete(v, k)
				continue
			}
			dropDateHeaders(e)
		}
	case []any:
		for _, e := range v {
			dropDateHeaders(e)
		}
	}
}

func indent(t *testing.T, v any) string {
	t.Helper()
	b, err := json.MarshalIndent(v, "", "  ")
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// firstDiff shows where two texts part, with a few lines of context.
func firstDiff(gotName, got, wantName, want string) string {
	g, w := strings.Split(got, "\n"), strings.Split(want, "\n")
	i := 0
	for i < len(g) && i < len(w) && g[i] == w[i] {
		i++
	}
	from := max(0, i-3)
	return gotName + ", line " + strconv.Itoa(i+1) + ":\n" + strings.Join(g[from:min(len(g), i+4)], "\n") +
		"\n" + wantName + ":\n" + strings.Join(w[from:min(len(w), i+4)], "\n")
}
