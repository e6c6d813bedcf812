package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
)

// memoryMain is the memory mode (-mode memory): at each size it scans the
// same list with -f ndjson and with -f json and compares their peak RSS.
// ndjson keeps no target; json streams too, in input order, holding only
// the targets that finished before a slower one ahead of them, so its
// peak should stay within 1.5 times ndjson's.
func memoryMain(ns []int, conc int, prof string, keep bool) error {
	dir, bin, cleanup, err := prepare(keep)
	if err != nil {
		return err
	}
	defer cleanup()
	srv, err := startGoLab(dir, false, "")
	if err != nil {
		return err
	}
	defer srv.close()
	var rows []row
	for _, n := range ns {
		list := filepath.Join(dir, fmt.Sprintf("list-%d.txt", n))
		if err := writeList(list, hostNames(n)); err != nil {
			return err
		}
		fmt.Fprintf(os.Stderr, "%d targets: hardscan -f ndjson ...\n", n)
		nd, err := runHardscan(srv, bin, list, dir, n, conc, prof)
		if err != nil {
			return err
		}
		nd.tool = "ndjson"
		fmt.Fprintf(os.Stderr, "%d targets: hardscan -f json ...\n", n)
		js, err := runJSON(srv, bin, list, dir, n, conc, prof)
		if err != nil {
			return err
		}
		rows = append(rows, nd, js)
	}
	printRows(rows)
	fmt.Println()
	for i := 0; i+1 < len(rows); i += 2 {
		fmt.Printf("n=%d: peak RSS json / ndjson = %.2f (goal <= 1.50)\n", rows[i].n, float64(rows[i+1].rssKB)/float64(rows[i].rssKB))
	}
	return nil
}

// runJSON scans the list with -f json and checks that the report holds
// every target, in input order.
func runJSON(l lab, bin, list, dir string, n, conc int, prof string) (row, error) {
	out := filepath.Join(dir, "out.json")
	args := []string{"-i", list, "-c", fmt.Sprint(conc), "-f", "json", "-o", out, "-p", prof,
		"--cacert", l.caFile(), "--backend-port", "0", "--no-progress", "--fail-on", "never"}
	for _, r := range l.resolve() {
		args = append(args, "--resolve", r)
	}
	if err := l.reset(); err != nil {
		return row{}, err
	}
	cmd := exec.Command(bin, args...)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	u, err := child(cmd)
	if err != nil && cmd.ProcessState.ExitCode() != 3 {
		return row{}, fmt.Errorf("hardscan -f json: %w: %s", err, stderr.String())
	}
	r, err := serverRow(l, "json", n)
	if err != nil {
		return row{}, err
	}
	r.wall, r.rssKB, r.cpu = u.wall, u.rssKB, u.cpu
	count, errs, err := readJSONTargets(out, n)
	if err != nil {
		return row{}, err
	}
	if count != n {
		return row{}, fmt.Errorf("hardscan -f json reported %d targets of %d", count, n)
	}
	r.errors = errs
	return r, nil
}

// readJSONTargets decodes the report's targets one at a time, checking
// their order against writeList's names.
func readJSONTargets(path string, n int) (count, errs int, err error) {
	f, err := os.Open(path)
	if err != nil {
		return 0, 0, err
	}
	defer f.Close()
	dec := json.NewDecoder(f)
	for {
		tok, err := dec.Token()
		if err != nil {
			return 0, 0, fmt.Errorf("%s: no targets: %w", path, err)
		}
		if tok == "targets" {
			break
		}
	}
	if _, err := dec.Token(); err != nil {
		return 0, 0, err
	}
	for dec.More() {
		var t struct {
			URL   string  `json:"url"`
			Error *string `json:"error"`
		}
		if err := dec.Decode(&t); err != nil {
			return 0, 0, fmt.Errorf("%s target %d: %w", path, count, err)
		}
		if want := fmt.Sprintf("h%06d.test", count); !strings.Contains(t.URL, want) {
			return 0, 0, fmt.Errorf("%s: target %d is %s, want %s: not in input order", path, count, t.URL, want)
		}
		count++
		if t.Error != nil {
			errs++
		}
	}
	return count, errs, nil
}
