package scan

import (
	"github.com/hardscan/hardscan/internal/audit/exsconfig"
	"github.com/hardscan/hardscan/internal/audit/unit"
	"github.com/hardscan/hardscan/internal/check"
	"github.com/hardscan/hardscan/internal/profile"
	"github.com/hardscan/hardscan/scan/result"
)

// AuditUnit audits the systemd unit file at path with its drop-ins under
// /etc/systemd/system, judged against the Scanner's profile when one is
// fixed, with the fixes attached. It reads only local files; an error is
// one that cannot be read, is beyond a cap or is not a unit.
func (s *Scanner) AuditUnit(path string) (*result.Target, error) {
	u, err := unit.Load(path, unit.Options{DropInRoots: []string{"/etc/systemd/system"}})
	if err != nil {
		return nil, err
	}
	t := result.NewLocal(result.KindUnit, path)
	t.Findings = append(t.Findings, unit.Judge(u)...)
	s.local(t)
	return t, nil
}

// AuditConfig audits a Pleroma or Akkoma config file (prod.secret.exs) at
// path, as AuditUnit audits a unit.
func (s *Scanner) AuditConfig(path string) (*result.Target, error) {
	cfg, skipped, err := exsconfig.Load(path)
	if err != nil {
		return nil, err
	}
	t := result.NewLocal(result.KindConfig, path)
	t.Findings = append(append(t.Findings, exsconfig.Judge(cfg)...), skipped...)
	s.local(t)
	return t, nil
}

// local judges an audited file's findings: the profile's overrides, and
// the fixes for Pleroma (a config file is Pleroma's or Akkoma's; both
// read config :pleroma).
func (s *Scanner) local(t *result.Target) {
	if s.profile != nil {
		s.profile.Apply(t.Findings, "")
	}
	check.Attach(t.Findings, check.Target{App: check.Pleroma})
}

// ConnsPerTarget is how many connections one target may hold at once:
// the HTTPS chain (a redirect to another host opens a second), plain
// HTTP, each cookie path at once, and the backend port. A program that
// runs many targets at once keeps Concurrency times this below its
// open-file limit.
func (s *Scanner) ConnsPerTarget() int {
	paths := 0
	count := func(p *profile.Profile) {
		n := len(p.CookiePaths)
		if s.authorized {
			n += len(p.AuthCookiePaths)
		}
		paths = max(paths, n)
	}
	if s.profile != nil {
		count(s.profile)
	} else {
		for _, name := range profile.Names() {
			if p, err := s.builtin(name); err == nil {
				count(p)
			}
		}
	}
	return 4 + paths
}
