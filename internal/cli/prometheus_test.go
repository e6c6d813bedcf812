package cli

// A real Prometheus (Debian's prometheus) scrapes two `hardscan serve`
// processes with the configuration README documents
// (contrib/prometheus/prometheus.yml), sharded by hashmod.

import (
	"crypto/md5"
	"encoding/binary"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/hardscan/hardscan/fixtures/vhost"
)

const scrapeConfigFile = "../../contrib/prometheus/prometheus.yml"

// hashmodShard is the shard Prometheus' hashmod relabelling gives a
// value: the low 8 bytes of its MD5, big-endian, modulo n.
func hashmodShard(value string, n uint64) uint64 {
	sum := md5.Sum([]byte(value))
	return binary.BigEndian.Uint64(sum[8:]) % n
}

// promQuery asks Prometheus' HTTP API for an instant vector.
func promQuery(t *testing.T, base, query string) []map[string]string {
	t.Helper()
	resp, err := http.Get(base + "/api/v1/query?query=" + url.QueryEscape(query))
	if err != nil {
		t.Fatalf("query %s: %v", query, err)
	}
	defer resp.Body.Close()
	raw, _ := io.ReadAll(io.LimitReader(resp.Body, 1<<20))
	var r struct {
		Status string
		Data   struct {
			Result []struct {
				Metric map[string]string
				Value  [2]any
			}
		}
	}
	if err := json.Unmarshal(raw, &r); err != nil || r.Status != "success" {
		t.Fatalf("query %s: %s (%v)", query, raw, err)
	}
	var out []map[string]string
	for _, s := range r.Data.Result {
		s.Metric["__value__"] = fmt.Sprint(s.Value[1])
		out = append(out, s.Metric)
	}
	return out
}

func TestRealPrometheusShards(t *testing.T) {
	bin, err := exec.LookPath("prometheus")
	if err != nil {
		t.Skip("prometheus not installed (Debian package prometheus)")
	}
	site := startVhost(t, vhost.Options{})
	dir := t.TempDir()
	ca, err := site.WriteCA(dir)
	if err != nil {
		t.Fatal(err)
	}
	// Two exporters, each a hardscan process, on free loopback ports.
	var exporters []string
	for range 2 {
		addr := "127.0.0.1:" + freePort(t)
		args := []string{"serve", "--listen", addr, "--allow", "*.test", "--cacert", ca, "--backend-port", "0"}
		for _, r := range site.Resolve() {
			args = append(args, "--resolve", r)
		}
		// The targets resolve to loopback, which an exporter that guards
		// its addresses connects to only when told.
		if serveFlagSet().Lookup("allow-private") != nil {
			args = append(args, "--allow-private")
		}
		startDaemon(t, runSelf(t, "", args...), addr, "", 5*time.Second)
		exporters = append(exporters, addr)
	}

	// Targets on both shards.
	targets := []string{"a.test", "b.test", "c.test", "d.test", "e.test", "f.test"}
	shards := map[uint64]int{}
	for _, tg := range targets {
		shards[hashmodShard(tg, 2)]++
	}
	if len(shards) != 2 {
		t.Fatalf("the targets all hash to one shard: %v", shards)
	}
	sd := filepath.Join(dir, "sd")
	if err := os.MkdirAll(sd, 0o700); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(sd, "targets.yml"), []byte("- targets: ["+strings.Join(targets, ", ")+"]\n"), 0o600); err != nil {
		t.Fatal(err)
	}

	// README's configuration, with the test's addresses, paths and a
	// scrape every second: each replaced text must be there.
	raw, err := os.ReadFile(scrapeConfigFile)
	if err != nil {
		t.Fatal(err)
	}
	cfg := string(raw)
	for _, r := range [][2]string{
		{"scanner0.internal:9731", exporters[0]},
		{"scanner1.internal:9731", exporters[1]},
		{"/etc/prometheus/hardscan/*.yml", filepath.Join(sd, "*.yml")},
		{"scrape_interval: 1h", "scrape_interval: 1s"},
		{"scrape_timeout: 50s", "scrape_timeout: 1s"},
	} {
		if !strings.Contains(cfg, r[0]) {
			t.Fatalf("%s has no %q", scrapeConfigFile, r[0])
		}
		cfg = strings.ReplaceAll(cfg, r[0], r[1])
	}
	cfg = "global:\n  scrape_interval: 1s\n  evaluation_interval: 1s\n" + cfg
	rules, err := os.ReadFile(rulesFile)
	if err != nil {
		t.Fatal(err)
	}
	for name, content := range map[string][]byte{"prometheus.yml": []byte(cfg), "hardscan.rules.yml": rules} {
		if err := os.WriteFile(filepath.Join(dir, name), content, 0o600); err != nil {
			t.Fatal(err)
		}
	}
	web := "127.0.0.1:" + freePort(t)
	cmd := exec.Command(bin, "--config.file="+filepath.Join(dir, "prometheus.yml"),
		"--storage.tsdb.path="+filepath.Join(dir, "data"), "--web.listen-address="+web,
		"--log.level=warn")
	out := startDaemon(t, cmd, web, "", 10*time.Second)
	base := "http://" + web
	for deadline := time.Now().Add(30 * time.Second); ; {
		resp, err := http.Get(base + "/-/ready")
		if err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				break
			}
		}
		if time.Now().After(deadline) {
			t.Fatalf("prometheus not ready after 30s\n%s", out.String())
		}
		time.Sleep(100 * time.Millisecond)
	}

	// Wait until every target's series came in, then every series is
	// there once, from the job of its shard.
	var got []map[string]string
	for deadline := time.Now().Add(30 * time.Second); ; {
		got = promQuery(t, base, `hardscan_scan_success`)
		if len(got) >= len(targets) || time.Now().After(deadline) {
			break
		}
		time.Sleep(200 * time.Millisecond)
	}
	// A scrape or two later, anything scraped twice would show.
	time.Sleep(2 * time.Second)
	got = promQuery(t, base, `hardscan_scan_success`)
	seen := map[string]string{}
	for _, s := range got {
		tg := strings.TrimSuffix(strings.TrimPrefix(s["url"], "https://"), "/")
		if prev, dup := seen[tg]; dup {
			t.Errorf("%s has two series: jobs %s and %s", tg, prev, s["job"])
		}
		seen[tg] = s["job"]
		if want := fmt.Sprintf("hardscan-%d", hashmodShard(s["instance"], 2)); s["job"] != want || s["instance"] != tg {
			t.Errorf("%s: job %s, instance %s; want job %s, instance %s", s["url"], s["job"], s["instance"], want, tg)
		}
		if s["__value__"] != "1" {
			t.Errorf("%s: hardscan_scan_success %s, want 1", tg, s["__value__"])
		}
	}
	var names []string
	for tg := range seen {
		names = append(names, tg)
	}
	sort.Strings(names)
	if strings.Join(names, " ") != strings.Join(targets, " ") {
		t.Errorf("series for %q, want each of %q once\nprometheus:\n%s", names, targets, out.String())
	}
	// The findings too: one hsts verdict per target.
	if n := len(promQuery(t, base, `hardscan_check_severity{check="hsts"}`)); n != len(targets) {
		t.Errorf("%d hsts series, want %d", n, len(targets))
	}
	up := promQuery(t, base, `up{job="hardscan-exporter"}`)
	if len(up) != 2 {
		t.Errorf("up{job=hardscan-exporter}: %v, want both exporters", up)
	}
	for _, s := range up {
		if s["__value__"] != "1" {
			t.Errorf("exporter %s: up %s", s["instance"], s["__value__"])
		}
	}
}
