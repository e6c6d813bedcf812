package cli

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// hardscan's direct dependencies are the ones the project allows, each with
// the reason it earns its place; adding one is a decision to write down, not
// an accident of an import.
func TestDirectDependencies(t *testing.T) {
	raw, err := os.ReadFile(filepath.Join("..", "..", "go.mod"))
	if err != nil {
		t.Fatal(err)
	}
	allowed := map[string]bool{
		"github.com/spf13/pflag":            true,
		"github.com/olekukonko/tablewriter": true,
		"golang.org/x/net":                  true,
		// Tests only: validates every report against docs/report.schema.json
		// (draft 2020-12) as a dashboard would; a validator of our own would
		// test our reading of the spec, not the schema.
		"github.com/santhosh-tekuri/jsonschema/v6": true,
		// The terminal's width for the table and --help; the Go team's own
		// ioctl wrapper beats one per platform of ours.
		"golang.org/x/term": true,
		// Tests only: the Prometheus project's own parser (expfmt) and
		// lint (promlint) check our exposition as Prometheus reads it.
		"github.com/prometheus/client_golang": true,
		"github.com/prometheus/client_model":  true,
		"github.com/prometheus/common":        true,
		// Tests only: drives headless Chromium through the DevTools
		// protocol for the browser oracle (internal/oracle); a CDP client
		// of our own would be thousands of lines of generated types.
		"github.com/chromedp/chromedp": true,
		"github.com/chromedp/cdproto":  true,
		// Decodes Content-Encoding: br bodies, as browsers do, so that a
		// brotli page's <meta> policies are read. Pure Go and widely used;
		// a brotli decoder of our own (RFC 7932's dictionary and context
		// modelling) would be thousands of lines to get wrong.
		"github.com/andybalholm/brotli": true,
	}
	inBlock := false
	for _, line := range strings.Split(string(raw), "\n") {
		line = strings.TrimSpace(line)
		switch {
		case line == "require (":
			inBlock = true
			continue
		case line == ")":
			inBlock = false
			continue
		case strings.HasPrefix(line, "require "):
			line = strings.TrimPrefix(line, "require ")
		case !inBlock:
			continue
		}
		fields := strings.Fields(line)
		if len(fields) < 2 || strings.Contains(line, "// indirect") {
			continue
		}
		if !allowed[fields[0]] {
			t.Errorf("direct dependency %s is not one of the allowed ones", fields[0])
		}
	}
}

// The Prometheus libraries are for tests: the binary does not link them.
func TestBinaryLeavesPrometheusOut(t *testing.T) {
	out, err := exec.Command("go", "list", "-deps", "../..").Output()
	if err != nil {
		t.Skipf("go list: %v", err)
	}
	for _, pkg := range strings.Fields(string(out)) {
		if strings.HasPrefix(pkg, "github.com/prometheus/") {
			t.Errorf("hardscan links %s", pkg)
		}
	}
}

// chromedp drives the browser oracle's tests: the binary does not link it.
func TestBinaryLeavesChromedpOut(t *testing.T) {
	out, err := exec.Command("go", "list", "-deps", ".").Output()
	if err != nil {
		t.Skipf("go list: %v", err)
	}
	for _, pkg := range strings.Fields(string(out)) {
		if strings.HasPrefix(pkg, "github.com/chromedp/") || strings.HasPrefix(pkg, "github.com/go-json-experiment/") {
			t.Errorf("hardscan links %s", pkg)
		}
	}
}
