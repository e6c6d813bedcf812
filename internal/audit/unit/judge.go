package unit

import (
	"fmt"
	"path/filepath"
	"strings"
	"unicode/utf8"

	"github.com/hardscan/hardscan/internal/check"
	"github.com/hardscan/hardscan/scan/finding"
)

// Judge returns the unit's findings: the guide's six directives
// (unit.PrivateTmp, unit.ProtectHome, unit.ProtectSystem,
// unit.PrivateDevices, unit.NoNewPrivileges, unit.CapabilityBoundingSet),
// the exposure summary and its directives, and one unit.syntax finding per
// file that had lines systemd would ignore. Subjects are empty except for
// unit.syntax, whose subject is the file.
func Judge(u *Unit) []finding.Finding {
	if u == nil {
		return nil
	}
	fs := []finding.Finding{
		judgeBool(u, "PrivateTmp", "the service gets its own /tmp and /var/tmp",
			"the service shares /tmp and /var/tmp with every other process"),
		judgeProtectHome(u),
		judgeProtectSystem(u),
		judgeBool(u, "PrivateDevices", "the service sees only pseudo devices such as /dev/null",
			"the service can reach physical devices in /dev"),
		judgeBool(u, "NoNewPrivileges", "no child process can gain privileges through setuid binaries",
			"child processes can gain privileges through setuid binaries"),
		judgeCaps(u),
	}
	fs = append(fs, exposure(u)...)
	fs = append(fs, syntaxFindings(u)...)
	// The fix is a drop-in made with systemctl edit: it names the unit and
	// writes one line.
	for i, f := range fs {
		if f.Vars == nil {
			continue
		}
		if _, ok := f.Vars["line"]; !ok {
			f = f.With("line", f.Vars["directive"]+"="+f.Vars["value"])
		}
		fs[i] = f.With("unit", filepath.Base(u.Path))
	}
	return fs
}

// caveats are the guide's warnings, added to a failing directive's advice.
var caveats = map[string]string{
	"PrivateDevices":  " (it can break hardware access, e.g. on a Raspberry Pi: test it there)",
	"NoNewPrivileges": " (it breaks a setuid sendmail: send mail over SMTP instead)",
}

func judgeBool(u *Unit, key, good, bad string) finding.Finding {
	s := u.boolean(key)
	f := finding.Finding{ID: check.Unit(key), Reason: check.OK, Expected: "true", Actual: actual(s, "no"), Vars: map[string]string{"directive": key, "value": "true"}}
	if s.value == "yes" {
		f.Message = good + "."
		return f
	}
	f.Severity, f.Reason = finding.Fail, check.Off
	f.Message = fmt.Sprintf("%s: add %s=true to the [Service] section%s%s.", bad, key, caveats[key], ignoredNote(s))
	return f
}

func judgeProtectHome(u *Unit) finding.Finding {
	s := u.eval("ProtectHome", true, normEnum("read-only", "tmpfs"))
	f := finding.Finding{ID: check.Unit("ProtectHome"), Reason: check.OK, Expected: "true, read-only or tmpfs", Actual: actual(s, "no"), Vars: map[string]string{"directive": "ProtectHome", "value": "true"}}
	homes := u.homePaths()
	if s.value == "tmpfs" {
		homes = u.unbound(homes)
	}
	switch {
	case s.value == "no" || s.value == "":
		f.Severity, f.Reason = finding.Fail, check.Off
		if len(homes) > 0 {
			f.Reason = check.OffHomeUsed
			f.Vars = map[string]string{"directive": "ProtectHome", "value": "tmpfs", "home": homes[0]}
			f.Message = fmt.Sprintf("the service can read every home directory, and it lives under /home itself (%s), "+
				"so ProtectHome=true would hide it: move it out of /home, or add ProtectHome=tmpfs and BindPaths=%s to the [Service] section%s.",
				homes[0], homes[0], ignoredNote(s))
		} else {
			f.Message = "the service can read every home directory: add ProtectHome=true to the [Service] section " +
				"(if its user's home is under /home, move it first)" + ignoredNote(s) + "."
		}
	case s.value != "read-only" && len(homes) > 0:
		f.Severity, f.Reason = finding.Warn, check.HidesService
		f.Vars = map[string]string{"directive": "ProtectHome", "value": s.value, "home": homes[0]}
		f.Message = fmt.Sprintf("ProtectHome=%s hides %s, which the service uses: move the service out of /home, "+
			"or add BindPaths=%s to the [Service] section.", s.value, homes[0], homes[0])
	default:
		f.Message = "/home, /root and /run/user are hidden from the service or read-only."
	}
	return f
}

func judgeProtectSystem(u *Unit) finding.Finding {
	s := u.eval("ProtectSystem", true, normEnum("full", "strict"))
	f := finding.Finding{ID: check.Unit("ProtectSystem"), Reason: check.OK, Expected: "full or strict", Actual: actual(s, "no"), Vars: map[string]string{"directive": "ProtectSystem", "value": "full"}}
	switch s.value {
	case "full", "strict":
		f.Message = "/usr, /boot and /etc are read-only for the service."
	case "yes":
		f.Severity, f.Reason = finding.Fail, check.Weak
		f.Message = "ProtectSystem=true leaves /etc writable: put ProtectSystem=full (or strict) in the [Service] section" + ignoredNote(s) + "."
	default:
		f.Severity, f.Reason = finding.Fail, check.Off
		f.Message = "the service can write to /usr, /boot and /etc: add ProtectSystem=full to the [Service] section" + ignoredNote(s) + "."
	}
	return f
}

func judgeCaps(u *Unit) finding.Finding {
	c := u.capabilities()
	f := finding.Finding{ID: check.Unit("CapabilityBoundingSet"), Reason: check.OK, Expected: "CAP_SYS_ADMIN removed (~CAP_SYS_ADMIN)", Vars: map[string]string{"directive": "CapabilityBoundingSet", "value": "~CAP_SYS_ADMIN"}}
	f.Actual = c.set.String()
	if len(c.last) > 0 {
		var ws []string
		last := c.last
		if len(last) > 3 {
			last = last[len(last)-3:]
			ws = append(ws, "...")
		}
		for _, a := range last {
			ws = append(ws, a.Where())
		}
		f.Actual += " (" + strings.Join(ws, ", ") + ")"
	} else {
		f.Actual += " (not set)"
	}
	unknown := ""
	if len(c.unknown) > 0 {
		names := c.unknown
		if len(names) > 5 {
			names = append(names[:5:5], "...")
		}
		unknown = fmt.Sprintf("; systemd ignores the unknown capabilities %s", clip(strings.Join(names, " ")))
	}
	if c.set&(1<<capSysAdmin) == 0 {
		f.Message = "CAP_SYS_ADMIN is not in the service's capability bounding set" + unknown + "."
		return f
	}
	f.Severity, f.Reason = finding.Fail, check.CapSysAdmin
	why := "the service keeps CAP_SYS_ADMIN"
	if n := len(c.last); n > 0 && strings.TrimSpace(c.last[n-1].Value) == "~" {
		why = "a lone CapabilityBoundingSet=~ at " + c.last[n-1].Where() + " restores every capability"
	}
	f.Message = why + ": add CapabilityBoundingSet=~CAP_SYS_ADMIN to the [Service] section (after any reset)" + unknown + "."
	return f
}

// actual formats a setting's value with where it came from.
func actual(s setting, def string) string {
	if s.src == nil {
		return "not set (default " + def + ")"
	}
	return s.value + " (" + s.where() + ")"
}

// ignoredNote mentions values systemd rejected, which admins believe are
// in effect.
func ignoredNote(s setting) string {
	if len(s.ignored) == 0 {
		return ""
	}
	a := s.ignored[len(s.ignored)-1]
	return fmt.Sprintf("; %s=%q at %s is not a valid value and systemd ignores it", a.Key, clip(a.Value), a.Where())
}

// clip shortens a file's value for a message.
func clip(v string) string {
	const max = 40
	if len(v) <= max {
		return v
	}
	cut := max
	for cut > 0 && !utf8.RuneStart(v[cut]) {
		cut-- // never split a character
	}
	return v[:cut] + "..."
}

// syntaxFindings reports the lines systemd would ignore, one finding per
// file so that a garbage file gives one finding, not thousands.
func syntaxFindings(u *Unit) []finding.Finding {
	var fs []finding.Finding
	byFile := map[string][]Skip{}
	var order []string
	for _, s := range u.skips {
		if _, ok := byFile[s.File]; !ok {
			order = append(order, s.File)
		}
		byFile[s.File] = append(byFile[s.File], s)
	}
	for _, file := range order {
		sk := byFile[file]
		var parts []string
		for i, s := range sk {
			if i == 3 {
				parts = append(parts, fmt.Sprintf("and %d more", len(sk)-3))
				break
			}
			parts = append(parts, fmt.Sprintf("line %d: %s", s.Line, s.Reason))
		}
		fs = append(fs, finding.Finding{
			ID: check.UnitSyntax, Reason: check.IgnoredLines, Severity: finding.Info, Subject: file,
			Expected: "valid unit syntax", Actual: fmt.Sprintf("%d lines ignored", len(sk)),
			Message: fmt.Sprintf("systemd ignores these lines, so what they set is not in effect: %s; fix them.", strings.Join(parts, "; ")),
		})
	}
	return fs
}
