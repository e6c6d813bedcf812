package cli

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// publicPackages are what other modules may import: the library's API.
var publicPackages = []string{"scan", "scan/finding", "scan/gate", "scan/result", "report"}

// TestAPIGolden keeps the exported API of the public packages in
// testdata/api.golden, as go doc -all prints it, so that it changes only on
// purpose: a change shows in the golden's diff.
func TestAPIGolden(t *testing.T) {
	goTool, err := exec.LookPath("go")
	if err != nil {
		t.Skip("go is not on PATH: cannot run go doc")
	}
	root, err := filepath.Abs(filepath.Join("..", ".."))
	if err != nil {
		t.Fatal(err)
	}
	var got strings.Builder
	for i, pkg := range publicPackages {
		cmd := exec.Command(goTool, "doc", "-all", "./"+pkg)
		cmd.Dir = root
		cmd.Env = append(os.Environ(), "GOPROXY=off", "GOTOOLCHAIN=local", "GOWORK=off")
		out, err := cmd.Output()
		if err != nil {
			var stderr []byte
			if ee, ok := err.(*exec.ExitError); ok {
				stderr = ee.Stderr
			}
			t.Fatalf("go doc -all ./%s: %v\n%s", pkg, err, stderr)
		}
		if i > 0 {
			got.WriteString("\n")
		}
		got.WriteString("==== go doc -all ./" + pkg + "\n")
		got.Write(out)
	}
	golden := filepath.Join("testdata", "api.golden")
	if *update {
		if err := os.WriteFile(golden, []byte(got.String()), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(golden)
	if err != nil {
		t.Fatal(err)
	}
	if got.String() != string(want) {
		t.Errorf("the exported API differs from %s: if on purpose, run go test ./internal/cli -run APIGolden -update and read the diff\n%s",
			golden, firstDiff("go doc", got.String(), golden, string(want)))
	}
}

// TestEveryPackageHasDoc keeps a package comment on every package, so that
// go doc says what each one is for.
func TestEveryPackageHasDoc(t *testing.T) {
	goTool, err := exec.LookPath("go")
	if err != nil {
		t.Skip("go is not on PATH: cannot run go list")
	}
	cmd := exec.Command(goTool, "list", "-f", "{{if not .Doc}}{{.ImportPath}}{{end}}", "./...")
	cmd.Dir = filepath.Join("..", "..")
	cmd.Env = append(os.Environ(), "GOPROXY=off", "GOTOOLCHAIN=local", "GOWORK=off")
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("go list: %v", err)
	}
	if missing := strings.Fields(string(out)); len(missing) > 0 {
		t.Errorf("packages without a package comment: %s", strings.Join(missing, ", "))
	}
}
