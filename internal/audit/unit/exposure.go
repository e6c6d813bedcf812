package unit

import (
	"fmt"
	"strings"

	"github.com/hardscan/hardscan/internal/check"
	"github.com/hardscan/hardscan/scan/finding"
)

// extra is a sandboxing directive beyond the guide, scored in the exposure
// summary. The weights are ours: how much of the kernel or system the
// directive keeps away from a compromised service.
type extra struct {
	key    string
	weight int
	on     func(*Unit) (bool, setting)
	advice string // the line to add
	why    string // what it protects, for the message
}

func boolOn(key string) func(*Unit) (bool, setting) {
	return func(u *Unit) (bool, setting) {
		s := u.boolean(key)
		return s.value == "yes", s
	}
}

// enumOn is on when the value is a true boolean or one of the names.
func enumOn(key string, names ...string) func(*Unit) (bool, setting) {
	return func(u *Unit) (bool, setting) {
		s := u.eval(key, true, normEnum(names...))
		if s.value == "yes" {
			return true, s
		}
		for _, n := range names {
			if s.value == n {
				return true, s
			}
		}
		return false, s
	}
}

// listOn is on when a non-empty list survives the last reset; list lines
// accumulate, and "~" lists count too, since any filter restricts something.
func listOn(key string) func(*Unit) (bool, setting) {
	return func(u *Unit) (bool, setting) {
		var s setting
		var vals []string
		for _, a := range u.Assignments(service, key) {
			if a.Value == "" {
				s, vals = setting{ignored: s.ignored}, nil
				continue
			}
			if _, ok := normList(a.Value); !ok {
				s.ignored = append(s.ignored, a)
				continue
			}
			a := a
			vals = append(vals, a.Value)
			s.src = &a
		}
		s.value = clip(strings.Join(vals, " "))
		return s.src != nil, s
	}
}

var extras = []extra{
	{"ProtectKernelTunables", 4, boolOn("ProtectKernelTunables"), "ProtectKernelTunables=true", "/proc/sys and /sys become read-only"},
	{"ProtectKernelModules", 4, boolOn("ProtectKernelModules"), "ProtectKernelModules=true", "no kernel module can be loaded"},
	{"ProtectKernelLogs", 2, boolOn("ProtectKernelLogs"), "ProtectKernelLogs=true", "the kernel log stays unreadable"},
	{"ProtectControlGroups", 3, enumOn("ProtectControlGroups", "private", "strict"), "ProtectControlGroups=true", "the cgroup tree becomes read-only"},
	{"ProtectClock", 2, boolOn("ProtectClock"), "ProtectClock=true", "the system clock cannot be changed"},
	{"ProtectHostname", 1, enumOn("ProtectHostname", "private"), "ProtectHostname=true", "the host name cannot be changed"},
	{"ProtectProc", 1, enumOn("ProtectProc", "invisible", "noaccess", "ptraceable"), "ProtectProc=invisible", "other users' processes are hidden"},
	{"ProcSubset", 1, enumOn("ProcSubset", "pid"), "ProcSubset=pid", "/proc shows only processes, not kernel knobs"},
	{"RestrictAddressFamilies", 4, listOn("RestrictAddressFamilies"), "RestrictAddressFamilies=AF_INET AF_INET6 AF_UNIX", "only the socket families the service needs are allowed"},
	{"RestrictNamespaces", 3, enumOn("RestrictNamespaces", "cgroup", "ipc", "net", "mnt", "pid", "user", "uts"), "RestrictNamespaces=true", "no new namespaces can be created"},
	{"RestrictRealtime", 1, boolOn("RestrictRealtime"), "RestrictRealtime=true", "realtime scheduling cannot starve the machine"},
	{"RestrictSUIDSGID", 2, boolOn("RestrictSUIDSGID"), "RestrictSUIDSGID=true", "no setuid or setgid file can be created"},
	{"LockPersonality", 1, boolOn("LockPersonality"), "LockPersonality=true", "the execution domain is locked"},
	{"MemoryDenyWriteExecute", 2, boolOn("MemoryDenyWriteExecute"), "MemoryDenyWriteExecute=true", "no memory is writable and executable (test it first: JIT runtimes may need it)"},
	{"SystemCallFilter", 5, listOn("SystemCallFilter"), "SystemCallFilter=@system-service", "only the system calls a service needs are allowed"},
	{"SystemCallArchitectures", 1, enumOn("SystemCallArchitectures", "native"), "SystemCallArchitectures=native", "system calls of foreign architectures are refused"},
	{"PrivateUsers", 3, enumOn("PrivateUsers", "self", "identity", "full"), "PrivateUsers=true", "the service sees no other users"},
	{"RemoveIPC", 1, boolOn("RemoveIPC"), "RemoveIPC=true", "IPC objects are removed when the service stops"},
}

// guideWeights weighs the guide's directives in the same score.
var guideWeights = map[string]int{
	"PrivateTmp": 3, "ProtectHome": 3, "ProtectSystem": 4, "PrivateDevices": 3,
	"NoNewPrivileges": 4, "CapabilityBoundingSet": 5, "User": 6,
}

// exposure scores the unit from 0 (everything on) to 10 (nothing on), like
// systemd-analyze security's overall exposure, and returns the summary
// followed by one finding per extra directive (pass when on, info when off).
func exposure(u *Unit) []finding.Finding {
	total, missing := 0, 0
	var off []string
	var per []finding.Finding
	score := func(key string, w int, on bool) {
		total += w
		if !on {
			missing += w
			off = append(off, key)
		}
	}
	score("User", guideWeights["User"], u.nonRoot())
	guide := map[string]bool{
		"PrivateTmp":            u.boolean("PrivateTmp").value == "yes",
		"ProtectHome":           protectsHome(u),
		"ProtectSystem":         protectsSystem(u),
		"PrivateDevices":        u.boolean("PrivateDevices").value == "yes",
		"NoNewPrivileges":       u.boolean("NoNewPrivileges").value == "yes",
		"CapabilityBoundingSet": u.capabilities().set&(1<<capSysAdmin) == 0,
	}
	for _, k := range []string{"PrivateTmp", "ProtectHome", "ProtectSystem", "PrivateDevices", "NoNewPrivileges", "CapabilityBoundingSet"} {
		score(k, guideWeights[k], guide[k])
	}
	for _, e := range extras {
		on, s := e.on(u)
		score(e.key, e.weight, on)
		f := finding.Finding{ID: check.Unit(e.key), Reason: check.OK, Expected: e.advice, Actual: actual(s, "off"), Vars: map[string]string{"directive": e.key, "line": e.advice}}
		if on {
			f.Message = "on: " + e.why + "."
		} else {
			f.Severity, f.Reason = finding.Info, check.Off
			f.Message = fmt.Sprintf("beyond the guide: add %s to the [Service] section so that %s%s.", e.advice, e.why, ignoredNote(s))
		}
		per = append(per, f)
	}
	val := float64(missing) * 10 / float64(total)
	sum := finding.Finding{
		ID: check.UnitExposure, Reason: check.Score, Severity: finding.Info,
		Expected: "0.0 (lower is better)", Actual: fmt.Sprintf("%.1f", val),
	}
	if len(off) == 0 {
		sum.Message = "exposure 0.0 of 10: every sandboxing directive hardscan knows is on."
	} else {
		sum.Message = fmt.Sprintf("exposure %.1f of 10 (like systemd-analyze security, lower is better): consider %s in the [Service] section.",
			val, strings.Join(off, ", "))
	}
	return append([]finding.Finding{sum}, per...)
}

// nonRoot reports whether the service runs as an unprivileged user.
func (u *Unit) nonRoot() bool {
	if u.boolean("DynamicUser").value == "yes" {
		return true
	}
	s := u.eval("User", true, okAny)
	return s.src != nil && s.value != "root" && s.value != "0"
}

func protectsHome(u *Unit) bool {
	v := u.eval("ProtectHome", true, normEnum("read-only", "tmpfs")).value
	return v == "yes" || v == "read-only" || v == "tmpfs"
}

func protectsSystem(u *Unit) bool {
	v := u.eval("ProtectSystem", true, normEnum("full", "strict")).value
	return v == "full" || v == "strict"
}
