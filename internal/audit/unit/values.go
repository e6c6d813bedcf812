package unit

import "strings"

// service is the section the sandboxing directives live in.
const service = "Service"

// parseBool reads systemd's boolean spellings (parse_boolean), in any case.
func parseBool(v string) (val, ok bool) {
	switch strings.ToLower(v) {
	case "1", "yes", "y", "true", "t", "on":
		return true, true
	case "0", "no", "n", "false", "f", "off":
		return false, true
	}
	return false, false
}

// setting is the effective value of one directive after every assignment.
type setting struct {
	value   string      // normalised value; "" when never set
	src     *Assignment // the assignment that set it; nil for the default
	ignored []Assignment
}

// where says where the value came from, for Actual strings.
func (s setting) where() string {
	if s.src == nil {
		return "not set"
	}
	return s.src.Where()
}

// eval folds the assignments of key with norm, which returns the normalised
// value and false for a value systemd would reject and ignore. An empty
// assignment resets to the default when resets is true (enum and list
// directives); for plain booleans systemd rejects it, so it is ignored.
func (u *Unit) eval(key string, resets bool, norm func(string) (string, bool)) setting {
	var s setting
	for _, a := range u.Assignments(service, key) {
		if a.Value == "" && resets {
			s.value, s.src = "", nil
			continue
		}
		v, ok := norm(a.Value)
		if !ok {
			s.ignored = append(s.ignored, a)
			continue
		}
		a := a
		s.value, s.src = v, &a
	}
	return s
}

// normBool maps a boolean to "yes" or "no".
func normBool(v string) (string, bool) {
	b, ok := parseBool(v)
	if !ok {
		return "", false
	}
	if b {
		return "yes", true
	}
	return "no", true
}

// normEnum accepts a boolean or one of names (case-sensitive, as systemd's
// string tables are).
func normEnum(names ...string) func(string) (string, bool) {
	return func(v string) (string, bool) {
		for _, n := range names {
			if v == n {
				return v, true
			}
		}
		return normBool(v)
	}
}

// normList accepts any non-empty list that parses; its content is not
// judged, only that a restriction exists.
func normList(v string) (string, bool) {
	w, ok := Words(v)
	if !ok || len(w) == 0 {
		return "", false
	}
	return v, true
}

func (u *Unit) boolean(key string) setting { return u.eval(key, false, normBool) }

// capabilities returns the effective CapabilityBoundingSet.
func (u *Unit) capabilities() capState {
	c := newCapState()
	for _, a := range u.Assignments(service, "CapabilityBoundingSet") {
		c.apply(a)
	}
	return c
}

// homePaths lists the paths under /home, /root or /run/user that the
// service needs (working directory, binary, HOME), which ProtectHome hides.
func (u *Unit) homePaths() []string {
	var out []string
	add := func(p string) {
		p = strings.TrimLeft(p, "-+!@:")
		for _, h := range []string{"/home", "/root", "/run/user"} {
			if p == h || strings.HasPrefix(p, h+"/") {
				out = append(out, p)
				return
			}
		}
	}
	if s := u.eval("WorkingDirectory", true, okAny); s.src != nil {
		add(s.value)
	}
	for _, key := range []string{"ExecStart", "ExecStartPre"} {
		for _, a := range u.Assignments(service, key) {
			if w, ok := Words(a.Value); ok && len(w) > 0 {
				add(w[0])
			}
		}
	}
	for _, a := range u.Assignments(service, "Environment") {
		w, _ := Words(a.Value)
		for _, kv := range w {
			if v, ok := strings.CutPrefix(kv, "HOME="); ok {
				add(v)
			}
		}
	}
	return out
}

func okAny(v string) (string, bool) { return v, true }

// unbound leaves out the paths a BindPaths= or BindReadOnlyPaths= mounts
// back in: with ProtectHome=tmpfs they are visible again (systemd.exec).
// An empty assignment resets its list, as systemd reads it.
func (u *Unit) unbound(paths []string) []string {
	var dests []string
	for _, key := range []string{"BindPaths", "BindReadOnlyPaths"} {
		var own []string
		for _, a := range u.Assignments(service, key) {
			if strings.TrimSpace(a.Value) == "" {
				own = nil
				continue
			}
			words, _ := Words(a.Value)
			for _, w := range words {
				w = strings.TrimPrefix(w, "-")
				src, rest, _ := strings.Cut(w, ":")
				dest := src
				if d, _, _ := strings.Cut(rest, ":"); d != "" {
					dest = d
				}
				own = append(own, strings.TrimSuffix(dest, "/"))
			}
		}
		dests = append(dests, own...)
	}
	var out []string
	for _, p := range paths {
		covered := false
		for _, d := range dests {
			if d != "" && (p == d || strings.HasPrefix(p, d+"/")) {
				covered = true
			}
		}
		if !covered {
			out = append(out, p)
		}
	}
	return out
}
