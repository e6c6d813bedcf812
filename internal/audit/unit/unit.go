// Package unit audits a systemd service unit, with its drop-ins, against the
// sandboxing directives of Pleroma's hardening guide (unit.<Directive>) and
// summarises its wider exposure in the spirit of systemd-analyze security
// (unit.exposure). It reads files only; it never talks to systemd.
package unit

import (
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
)

// maxFileSize bounds what is read of one unit file or drop-in; systemd's
// own limit on a line is 1 MiB, and real units are a few KiB.
const maxFileSize = 4 << 20

// Options says where to look for drop-ins.
type Options struct {
	// DropInRoots are directories searched for NAME.service.d/*.conf besides
	// the unit's own directory; the CLI passes /etc/systemd/system. An
	// earlier root has priority over a later one, and every root over the
	// unit's own directory, as /etc has over /usr/lib in systemd.
	DropInRoots []string
}

// Unit is a parsed unit file with its drop-ins applied.
type Unit struct {
	Path  string   // the unit file as given to Load
	Files []string // the unit file, then each drop-in, in the order applied

	assigns []Assignment
	skips   []Skip
}

// Assignments returns every assignment of key in section, in the order
// systemd applies them (unit file first, then drop-ins).
func (u *Unit) Assignments(section, key string) []Assignment {
	var out []Assignment
	for _, a := range u.assigns {
		if a.Section == section && a.Key == key {
			out = append(out, a)
		}
	}
	return out
}

// Skips returns the lines that could not be used, as systemd would ignore
// them.
func (u *Unit) Skips() []Skip { return u.skips }

// Load reads the unit file at path and applies its drop-ins: every
// NAME.service.d/*.conf (and, for an instance foo@bar.service, foo@.service.d)
// in the unit's directory and opt.DropInRoots, in lexical order of file name.
// When the same file name exists in several directories, only the one with
// the highest priority is used (see Options), which is how an /etc drop-in
// masks a vendor one. A missing or unreadable file is an error; a malformed
// one loads with its bad lines recorded as skips.
func Load(path string, opt Options) (*Unit, error) {
	data, err := readFile(path)
	if err != nil {
		return nil, fmt.Errorf("read unit %s: %w", path, err)
	}
	u := &Unit{Path: path, Files: []string{path}}
	u.add(path, data)
	dropins, err := dropInPaths(path, opt.DropInRoots)
	if err != nil {
		return nil, fmt.Errorf("find drop-ins of %s: %w", path, err)
	}
	for _, p := range dropins {
		data, err := readFile(p)
		if err != nil {
			return nil, fmt.Errorf("read drop-in %s: %w", p, err)
		}
		u.Files = append(u.Files, p)
		u.add(p, data)
	}
	return u, nil
}

// ParseUnit builds a Unit from in-memory files, the unit first and then
// its drop-ins in the order to apply them; name labels each file.
func ParseUnit(files ...NamedData) *Unit {
	u := &Unit{}
	for i, f := range files {
		if i == 0 {
			u.Path = f.Name
		}
		u.Files = append(u.Files, f.Name)
		u.add(f.Name, f.Data)
	}
	return u
}

// NamedData is one file's name and contents, for ParseUnit.
type NamedData struct {
	Name string
	Data []byte
}

func (u *Unit) add(name string, data []byte) {
	as, skips := Parse(name, data)
	u.assigns = append(u.assigns, as...)
	u.skips = append(u.skips, skips...)
}

func readFile(path string) ([]byte, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	data, err := io.ReadAll(io.LimitReader(f, maxFileSize+1))
	if err != nil {
		return nil, err
	}
	if len(data) > maxFileSize {
		return nil, fmt.Errorf("larger than %d bytes", maxFileSize)
	}
	return data, nil
}

// dropInPaths lists the drop-ins to apply, sorted by file name.
func dropInPaths(unitPath string, roots []string) ([]string, error) {
	name := filepath.Base(unitPath)
	dirNames := []string{name + ".d"}
	if at := strings.IndexByte(name, '@'); at >= 0 {
		if tmpl := name[:at+1] + name[strings.LastIndexByte(name, '.'):]; tmpl != name {
			dirNames = append(dirNames, tmpl+".d")
		}
	}
	dirs := append(append([]string{}, roots...), filepath.Dir(unitPath))
	seenDir := map[string]bool{}
	chosen := map[string]string{} // file name -> path of the highest priority
	for _, root := range dirs {
		key := filepath.Clean(root)
		if abs, err := filepath.Abs(root); err == nil {
			key = abs
		}
		if seenDir[key] {
			continue
		}
		seenDir[key] = true
		for _, dn := range dirNames {
			dir := filepath.Join(root, dn)
			entries, err := os.ReadDir(dir)
			if errors.Is(err, os.ErrNotExist) {
				continue
			}
			if err != nil {
				return nil, err
			}
			for _, e := range entries {
				fn := e.Name()
				if !strings.HasSuffix(fn, ".conf") || strings.HasPrefix(fn, ".") {
					continue
				}
				if _, done := chosen[fn]; done {
					continue
				}
				p := filepath.Join(dir, fn)
				if st, err := os.Stat(p); err != nil || st.IsDir() {
					continue // a dangling link or a directory is no drop-in
				}
				chosen[fn] = p
			}
		}
	}
	names := make([]string, 0, len(chosen))
	for fn := range chosen {
		names = append(names, fn)
	}
	sort.Strings(names)
	out := make([]string, len(names))
	for i, fn := range names {
		out[i] = chosen[fn]
	}
	return out, nil
}

func baseName(p string) string {
	if p == "" {
		return "(unit)"
	}
	return filepath.Base(p)
}

func itoa(n int) string { return strconv.Itoa(n) }
