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

	"github.com/hardscan/hardscan/internal/localfile"
)

// maxFileSize bounds what is read of one unit file or drop-in; systemd's
// own limit on a line is 1 MiB, and real units are a few KiB.
const maxFileSize = 4 << 20

// MaxDropIns and MaxTotalSize bound the work of one unit: real units have a
// handful of drop-ins of a few lines, while a directory of hostile ones
// would otherwise multiply the per-file cap.
const (
	MaxDropIns   = 256
	MaxTotalSize = 8 << 20
)

// knownSections are the sections of systemd's unit types (systemd.unit(5)
// and the type pages); a file with none of them is not a unit.
var knownSections = map[string]bool{
	"Unit": true, "Install": true, "Service": true, "Socket": true, "Mount": true, "Automount": true,
	"Swap": true, "Path": true, "Timer": true, "Slice": true, "Scope": true,
}

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
		return nil, fmt.Errorf("read unit: %w", err)
	}
	u := &Unit{Path: path, Files: []string{path}}
	u.add(path, data)
	if !u.isUnit() {
		return nil, fmt.Errorf("%s: not a systemd unit file: no [Unit], [Service] or [Install] section with a Key=Value line", path)
	}
	dropins, err := dropInPaths(path, opt.DropInRoots)
	if err != nil {
		return nil, fmt.Errorf("find drop-ins of %s: %w", path, err)
	}
	if len(dropins) > MaxDropIns {
		return nil, fmt.Errorf("%s: %d drop-ins, more than the cap of %d", path, len(dropins), MaxDropIns)
	}
	total := int64(len(data))
	for _, p := range dropins {
		data, err := readFile(p)
		if err != nil {
			return nil, fmt.Errorf("read drop-in: %w", err)
		}
		if total += int64(len(data)); total > MaxTotalSize {
			return nil, fmt.Errorf("%s: the unit and its drop-ins are larger than the %d MiB total cap (at %s)", path, MaxTotalSize>>20, p)
		}
		u.Files = append(u.Files, p)
		u.add(p, data)
	}
	return u, nil
}

// isUnit reports whether the parsed unit file has at least one assignment
// in a section systemd knows: what tells a unit from any other text file.
func (u *Unit) isUnit() bool {
	for _, a := range u.assigns {
		if knownSections[a.Section] {
			return true
		}
	}
	return false
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

// readFile reads a unit or drop-in without blocking on a FIFO or device.
func readFile(path string) ([]byte, error) {
	return localfile.Read(path, maxFileSize)
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
			entries, err := readDir(dir)
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
				if len(chosen) > MaxDropIns {
					return nil, fmt.Errorf("more than %d drop-ins, the cap (in %s)", MaxDropIns, dir)
				}
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

// readDir lists a drop-in directory, reading at most a few times the
// drop-in cap of entries: a directory of a million files is refused, not
// listed.
func readDir(dir string) ([]os.DirEntry, error) {
	f, err := localfile.OpenDir(dir)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	var out []os.DirEntry
	for {
		es, err := f.ReadDir(256)
		out = append(out, es...)
		if err == io.EOF || (err == nil && len(es) == 0) {
			return out, nil
		}
		if err != nil {
			return nil, err
		}
		if len(out) > 16*MaxDropIns {
			return nil, fmt.Errorf("more than %d entries in %s, the cap", 16*MaxDropIns, dir)
		}
	}
}

func baseName(p string) string {
	if p == "" {
		return "(unit)"
	}
	return filepath.Base(p)
}

func itoa(n int) string { return strconv.Itoa(n) }
