package unit

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/hardscan/hardscan/scan/finding"
)

// guideIDs are the six directives of the hardening guide.
var guideIDs = []string{"unit.PrivateTmp", "unit.ProtectHome", "unit.ProtectSystem",
	"unit.PrivateDevices", "unit.NoNewPrivileges", "unit.CapabilityBoundingSet"}

func byID(t *testing.T, fs []finding.Finding) map[string]finding.Finding {
	t.Helper()
	m := map[string]finding.Finding{}
	for _, f := range fs {
		k := f.Key()
		if _, dup := m[k]; dup {
			t.Errorf("two findings for %s %q", f.ID, f.Subject)
		}
		m[k] = f
		if f.ID != "unit.syntax" {
			m[f.ID] = f
		}
	}
	return m
}

// expect compares the guide's verdicts; fails lists the ids that must fail,
// every other guide id must pass.
func expect(t *testing.T, got []finding.Finding, fails ...string) map[string]finding.Finding {
	t.Helper()
	m := byID(t, got)
	for _, id := range guideIDs {
		want := finding.Pass
		for _, f := range fails {
			if f == id {
				want = finding.Fail
			}
		}
		f, ok := m[id]
		if !ok {
			t.Errorf("%s: missing", id)
			continue
		}
		if f.Severity != want {
			t.Errorf("%s = %s, want %s (%s)", id, f.Severity, want, f.Message)
		}
	}
	return m
}

func TestReferenceUnits(t *testing.T) {
	tests := []struct {
		file, why string
		fails     []string
	}{
		{"pleroma-source-2.7.service", "FACTS: v2.7 unit has PrivateDevices=false and no NoNewPrivileges",
			[]string{"unit.PrivateDevices", "unit.NoNewPrivileges"}},
		{"pleroma-source-epmd.service", "same unit with NoNewPrivileges=true",
			[]string{"unit.PrivateDevices"}},
		{"pleroma-otp-release.service", "OTP release unit keeps NoNewPrivileges=true",
			[]string{"unit.PrivateDevices"}},
		{"akkoma.service", "Akkoma's unit as shipped: PrivateDevices=false, no NoNewPrivileges line",
			[]string{"unit.PrivateDevices", "unit.NoNewPrivileges"}},
		{"mastodon-web.service", "strict sandbox, empty CapabilityBoundingSet, but no ProtectHome (lives in /home)",
			[]string{"unit.ProtectHome"}},
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			u, err := Load(filepath.Join("testdata", tt.file), Options{})
			if err != nil {
				t.Fatal(err)
			}
			m := expect(t, Judge(u), tt.fails...)
			if _, ok := m["unit.exposure"]; !ok {
				t.Error("no unit.exposure")
			}
		})
	}
}

func TestMastodonHomeCaveat(t *testing.T) {
	// why: the ProtectHome message must say the service lives under /home.
	u, err := Load("testdata/mastodon-web.service", Options{})
	if err != nil {
		t.Fatal(err)
	}
	f := byID(t, Judge(u))["unit.ProtectHome"]
	if !strings.Contains(f.Message, "/home/mastodon") {
		t.Errorf("message does not name the home path: %s", f.Message)
	}
}

// The fix for a service under /home (ProtectHome=tmpfs with BindPaths=)
// must then pass: systemd.exec mounts the bound paths back over the tmpfs.
func TestProtectHomeTmpfsWithBindPaths(t *testing.T) {
	dir := t.TempDir()
	base := "[Service]\nUser=mastodon\nWorkingDirectory=/home/mastodon/live\nExecStart=/home/mastodon/.rbenv/shims/bundle exec puma\nProtectHome=tmpfs\n"
	for _, tc := range []struct {
		why, extra, reason string
	}{
		{"the home is bound back in", "BindPaths=/home/mastodon\n", "ok"},
		{"a read-only bind counts too", "BindReadOnlyPaths=-/home/mastodon:/home/mastodon:rbind\n", "ok"},
		{"a bind of another path does not", "BindPaths=/home/other\n", "hides-service"},
		{"an empty assignment resets the list", "BindPaths=/home/mastodon\nBindPaths=\n", "hides-service"},
	} {
		path := filepath.Join(dir, "m.service")
		if err := os.WriteFile(path, []byte(base+tc.extra), 0o600); err != nil {
			t.Fatal(err)
		}
		u, err := Load(path, Options{})
		if err != nil {
			t.Fatal(err)
		}
		if f := byID(t, Judge(u))["unit.ProtectHome"]; f.Reason != tc.reason {
			t.Errorf("%s: reason %q (%s), want %q", tc.why, f.Reason, f.Message, tc.reason)
		}
	}
}

func TestExposureOrdersUnits(t *testing.T) {
	// why: Mastodon's unit enables most directives, Pleroma's few; the score must say so.
	score := func(file string) float64 {
		u, err := Load("testdata/"+file, Options{})
		if err != nil {
			t.Fatal(err)
		}
		f := byID(t, Judge(u))["unit.exposure"]
		if f.Severity != finding.Info {
			t.Errorf("exposure severity %s", f.Severity)
		}
		v, err := strconv.ParseFloat(f.Actual, 64)
		if err != nil || v < 0 || v > 10 {
			t.Fatalf("bad score %q", f.Actual)
		}
		return v
	}
	m, p := score("mastodon-web.service"), score("pleroma-source-2.7.service")
	if !(m < 3 && p > 6) {
		t.Errorf("mastodon %.1f, pleroma %.1f: want mastodon < 3 < 6 < pleroma", m, p)
	}
}

// writeTree creates files (path relative to dir -> content) and returns dir.
func writeTree(t *testing.T, files map[string]string) string {
	t.Helper()
	dir := t.TempDir()
	for p, c := range files {
		full := filepath.Join(dir, p)
		if err := os.MkdirAll(filepath.Dir(full), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(full, []byte(c), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

func TestDropIns(t *testing.T) {
	ref, err := os.ReadFile("testdata/pleroma-otp-release.service")
	if err != nil {
		t.Fatal(err)
	}
	unit := string(ref) // passes all but PrivateDevices
	tests := []struct {
		why   string
		files map[string]string // under lib/ (the unit's dir) and etc/ (a root)
		fails []string
	}{
		{"a drop-in setting ProtectHome=false makes ProtectHome fail",
			map[string]string{"lib/pleroma.service.d/override.conf": "[Service]\nProtectHome=false\n"},
			[]string{"unit.PrivateDevices", "unit.ProtectHome"}},
		{"drop-ins under the root directory apply too",
			map[string]string{"etc/pleroma.service.d/override.conf": "[Service]\nPrivateDevices=yes\n"},
			nil},
		{"units/README: a lone ~ after ~CAP_SYS_ADMIN restores every capability",
			map[string]string{"etc/pleroma.service.d/caps.conf": "[Service]\nCapabilityBoundingSet=~\n"},
			[]string{"unit.PrivateDevices", "unit.CapabilityBoundingSet"}},
		{"lexical order of file names across directories: 20-on.conf wins over 10-off.conf",
			map[string]string{
				"etc/pleroma.service.d/10-off.conf": "[Service]\nPrivateDevices=no\n",
				"lib/pleroma.service.d/20-on.conf":  "[Service]\nPrivateDevices=on\n",
			}, nil},
		{"lexical order: 20-off.conf applies after 10-on.conf",
			map[string]string{
				"lib/pleroma.service.d/10-on.conf":  "[Service]\nPrivateDevices=on\n",
				"etc/pleroma.service.d/20-off.conf": "[Service]\nPrivateDevices=off\n",
			}, []string{"unit.PrivateDevices"}},
		{"systemd: a same-named drop-in in a higher-priority directory masks the other",
			map[string]string{
				"lib/pleroma.service.d/override.conf": "[Service]\nNoNewPrivileges=no\n",
				"etc/pleroma.service.d/override.conf": "[Service]\n# nothing\n",
			}, []string{"unit.PrivateDevices"}},
		{"only *.conf files are drop-ins",
			map[string]string{"lib/pleroma.service.d/override.conf.bak": "[Service]\nPrivateTmp=no\n"},
			[]string{"unit.PrivateDevices"}},
		{"a drop-in's [Unit] section does not set service directives",
			map[string]string{"lib/pleroma.service.d/x.conf": "[Unit]\nPrivateTmp=no\n"},
			[]string{"unit.PrivateDevices"}},
	}
	for _, tt := range tests {
		t.Run(tt.why, func(t *testing.T) {
			tt.files["lib/pleroma.service"] = unit
			dir := writeTree(t, tt.files)
			u, err := Load(filepath.Join(dir, "lib/pleroma.service"), Options{DropInRoots: []string{filepath.Join(dir, "etc")}})
			if err != nil {
				t.Fatal(err)
			}
			expect(t, Judge(u), tt.fails...)
		})
	}
}

func TestTemplateDropIn(t *testing.T) {
	// why: systemd.unit(5): foo@bar.service also reads foo@.service.d.
	dir := writeTree(t, map[string]string{
		"app@one.service":         "[Service]\nPrivateTmp=yes\n",
		"app@.service.d/off.conf": "[Service]\nPrivateTmp=no\n",
	})
	u, err := Load(filepath.Join(dir, "app@one.service"), Options{})
	if err != nil {
		t.Fatal(err)
	}
	if f := byID(t, Judge(u))["unit.PrivateTmp"]; f.Severity != finding.Fail {
		t.Errorf("PrivateTmp = %s, want fail from the template drop-in", f.Severity)
	}
}

func TestLoadErrors(t *testing.T) {
	_, err := Load("testdata/no-such.service", Options{})
	if !errors.Is(err, fs.ErrNotExist) || !strings.Contains(err.Error(), "no-such.service") {
		t.Errorf("err = %v, want a wrapped not-exist naming the file", err)
	}
}

func TestDropInDirOnce(t *testing.T) {
	// why: a unit under /etc/systemd/system with that same root must not
	// apply its drop-ins twice.
	dir := writeTree(t, map[string]string{
		"a.service":          "[Service]\nPrivateTmp=yes\n",
		"a.service.d/x.conf": "[Service]\nCapabilityBoundingSet=CAP_CHOWN\n",
	})
	u, err := Load(filepath.Join(dir, "a.service"), Options{DropInRoots: []string{dir, dir + "/"}})
	if err != nil {
		t.Fatal(err)
	}
	if len(u.Files) != 2 {
		t.Errorf("files %v, want the unit and one drop-in", u.Files)
	}
}

func TestHostileUnit(t *testing.T) {
	// why: BRIEF: never panic, bound work on 100 KB values.
	inputs := []string{
		"[Service]\nCapabilityBoundingSet=" + strings.Repeat("CAP_CHOWN ", 10_000),
		"[Service]\n" + strings.Repeat("CapabilityBoundingSet=~CAP_KILL\n", 10_000),
		"[Service]\nPrivateTmp=" + strings.Repeat("\\\n", 50_000) + "yes",
		strings.Repeat("[", 100_000),
		"[Service]\nSystemCallFilter=\"" + strings.Repeat("a", 100_000),
		"\x00\xff[Service]\x00=\x00",
	}
	for _, in := range inputs {
		fs := Judge(ParseUnit(NamedData{"x.service", []byte(in)}))
		byID(t, fs)
		for _, f := range fs {
			if len(f.Actual) > 300 || len(f.Message) > 2000 {
				t.Errorf("%s: unbounded text (%d, %d bytes)", f.ID, len(f.Actual), len(f.Message))
			}
		}
	}
}
