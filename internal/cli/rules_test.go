package cli

// The alerting rules in contrib/prometheus, tested by promtool on series
// hardscan wrote: four hourly runs against loopback servers in known
// states, fed to `promtool test rules` as the textfile collector would
// have delivered them.

import (
	"encoding/json"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/hardscan/hardscan/fixtures/vhost"
	"github.com/hardscan/hardscan/scan/gate"
)

const rulesFile = "../../contrib/prometheus/hardscan.rules.yml"

// promtool's test format (prometheus/docs/configuration/unit_testing_rules).
type (
	ruleTests struct {
		RuleFiles          []string   `json:"rule_files"`
		EvaluationInterval string     `json:"evaluation_interval"`
		Tests              []ruleTest `json:"tests"`
	}
	ruleTest struct {
		Name          string        `json:"name"`
		Interval      string        `json:"interval"`
		InputSeries   []inputSeries `json:"input_series"`
		AlertRuleTest []alertTest   `json:"alert_rule_test"`
	}
	inputSeries struct {
		Series string `json:"series"`
		Values string `json:"values"`
	}
	alertTest struct {
		EvalTime  string     `json:"eval_time"`
		Alertname string     `json:"alertname"`
		ExpAlerts []expAlert `json:"exp_alerts"`
	}
	expAlert struct {
		ExpLabels      map[string]string `json:"exp_labels"`
		ExpAnnotations map[string]string `json:"exp_annotations"`
	}
)

// seriesOf turns runs of -f prometheus output, one an hour from 0h, into
// promtool's input series, labelled as the textfile collector's scrape
// labels them. promtool's clock starts at 0, so a value that is a time
// (a *_timestamp_seconds series) moves with it: run k is placed at k
// hours, and its times keep their distance from the end of that run.
func seriesOf(t *testing.T, runs []string) []inputSeries {
	t.Helper()
	values := map[string][]string{}
	for k, text := range runs {
		samples := parseProm(t, text)
		end := math.NaN()
		for _, s := range samples {
			if s.name == "hardscan_last_run_timestamp_seconds" {
				end = math.Floor(s.value)
			}
		}
		if math.IsNaN(end) {
			t.Fatalf("run %d has no hardscan_last_run_timestamp_seconds", k)
		}
		for _, s := range samples {
			v := s.value
			if strings.HasSuffix(s.name, "_timestamp_seconds") {
				v = v - end + float64(k*3600)
			}
			labels := map[string]string{"instance": "localhost:9100", "job": "node"}
			for l, lv := range s.labels {
				labels[l] = lv
			}
			key := selector(s.name, labels)
			if values[key] == nil {
				values[key] = make([]string, len(runs))
				for i := range values[key] {
					values[key][i] = "_"
				}
			}
			values[key][k] = strconv.FormatFloat(v, 'f', -1, 64)
		}
	}
	var out []inputSeries
	for key, vs := range values {
		out = append(out, inputSeries{Series: key, Values: strings.Join(vs, " ")})
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Series < out[j].Series })
	return out
}

// selector writes name{label="value",...} in PromQL, labels sorted.
func selector(name string, labels map[string]string) string {
	var ls []string
	for l, v := range labels {
		ls = append(ls, fmt.Sprintf("%s=%q", l, v))
	}
	sort.Strings(ls)
	return name + "{" + strings.Join(ls, ",") + "}"
}

// humanizeDuration is Prometheus' template function of that name, for
// durations of a day or more.
func humanizeDuration(v float64) string {
	d := int64(v)
	return fmt.Sprintf("%dd %dh %dm %ds", d/86400, d/3600%24, d/60%60, d%60)
}

// sampleOf is the value of the series name{url} in one run's output.
func sampleOf(t *testing.T, text, name, url string) (float64, bool) {
	t.Helper()
	for _, s := range parseProm(t, text) {
		if s.name == name && s.labels["url"] == url {
			return s.value, true
		}
	}
	return 0, false
}

func TestAlertRules(t *testing.T) {
	needPromtool(t)
	now := time.Now()
	// good: hardened (HSTS), a certificate for 90 days; bad: the same
	// instance with its security headers off and a certificate that ends
	// in 10 days; short: hardened, but its certificate ends in 3 days.
	good := startVhost(t, vhost.Options{Scenario: "pleroma-2.7-sts"})
	bad := startVhost(t, vhost.Options{Scenario: "pleroma-insecure", NotAfter: now.Add(10 * 24 * time.Hour)})
	short := startVhost(t, vhost.Options{Scenario: "pleroma-2.7-sts", NotAfter: now.Add(3 * 24 * time.Hour)})
	dir := t.TempDir()
	var common []string
	for _, s := range []*vhost.Server{good, bad, short} {
		sub := t.TempDir()
		ca, err := s.WriteCA(sub)
		if err != nil {
			t.Fatal(err)
		}
		common = append(common, "--cacert", ca)
	}
	resolve := func(host string, s *vhost.Server) []string {
		return []string{"--resolve", host + ":443:" + s.HTTPSAddr, "--resolve", host + ":80:" + s.HTTPAddr}
	}
	common = append(common, "--backend-port", "0", "--no-progress", "-f", "prometheus")
	common = append(common, resolve("c.test", short)...)
	// The first matching rule wins: the catch-all (the dead host, and
	// any backend port) comes after g.test's, which each run adds.
	catchAll := []string{"--resolve", "*:*:" + good.ClosedAddr}
	list := writeFile(t, "targets.txt", "g.test\nc.test\ndead.test\n")
	baseline := filepath.Join(dir, "accepted.json")

	// The admin accepts the state once (README, "Install"); then the timer
	// runs hourly: run 1 finds it as accepted, runs 2 to 4 find g.test
	// worse. dead.test is never reached.
	scan := func(server *vhost.Server, extra ...string) string {
		args := append([]string{"-i", list, "--baseline", baseline}, common...)
		args = append(append(append(args, resolve("g.test", server)...), catchAll...), extra...)
		o := runArgs(t, args...)
		if o.code != gate.ExitErrors {
			t.Fatalf("%v: exit %d (want 3: dead.test), stderr %q", extra, o.code, o.stderr)
		}
		return o.stdout
	}
	scan(good, "--accept")
	runs := []string{scan(good), scan(bad), scan(bad), scan(bad)}

	const g, c, dead = "https://g.test/", "https://c.test/", "https://dead.test/"
	at := func(h int, name string, alerts ...expAlert) alertTest {
		if alerts == nil {
			alerts = []expAlert{}
		}
		return alertTest{EvalTime: fmt.Sprintf("%dh", h), Alertname: name, ExpAlerts: alerts}
	}
	labels := func(url string, extra ...string) map[string]string {
		m := map[string]string{"instance": "localhost:9100", "job": "node", "url": url}
		for i := 0; i+1 < len(extra); i += 2 {
			if extra[i+1] != "" {
				m[extra[i]] = extra[i+1]
			}
		}
		return m
	}

	// The regressions: each check that run 2 reports changed and failing.
	// hsts must be one of them (bad sends no Strict-Transport-Security);
	// c.test, unchanged, has none.
	var regressed []expAlert
	hsts := false
	for _, s := range parseProm(t, runs[1]) {
		if s.name != "hardscan_check_change" || s.value <= 0 {
			continue
		}
		if s.labels["url"] != g {
			t.Errorf("%s changed on %s, which did not", s.labels["check"], s.labels["url"])
		}
		sev := -1.0
		for _, x := range parseProm(t, runs[1]) {
			if x.name == "hardscan_check_severity" && x.labels["url"] == s.labels["url"] && x.labels["check"] == s.labels["check"] && x.labels["subject"] == s.labels["subject"] {
				sev = x.value
			}
		}
		if sev != 3 {
			continue
		}
		hsts = hsts || s.labels["check"] == "hsts"
		check, subject := s.labels["check"], s.labels["subject"]
		summary := check + " fails on " + g
		if subject != "" {
			summary = check + " (" + subject + ") fails on " + g
		}
		regressed = append(regressed, expAlert{
			ExpLabels: labels(g, "severity", "warning", "check", check, "subject", subject),
			ExpAnnotations: map[string]string{
				"summary":     summary,
				"description": "hardscan's " + check + " check got worse on " + g + ": fix it, or accept it (hardscan --accept, or a silence).",
			},
		})
	}
	if !hsts {
		t.Fatalf("run 2 has no hsts regression on %s:\n%s", g, runs[1])
	}

	before, _ := sampleOf(t, runs[0], "hardscan_grade_score", g)
	after, ok := sampleOf(t, runs[1], "hardscan_grade_score", g)
	if !ok || after >= before {
		t.Fatalf("grade score of %s: %v then %v, want a drop", g, before, after)
	}
	dropped := expAlert{
		ExpLabels: labels(g, "severity", "warning"),
		ExpAnnotations: map[string]string{
			"summary":     "grade of " + g + " dropped to score " + strconv.FormatFloat(after, 'f', -1, 64),
			"description": "hardscan's grade of " + g + " is below its best of the last week; the failing checks say why (hardscan_check_severity == 3).",
		},
	}

	// The certificates' time left, as the rules see it at each run.
	left := func(run int, url string) float64 {
		v, ok := sampleOf(t, runs[run], "hardscan_tls_not_after_timestamp_seconds", url)
		end, _ := sampleOf(t, runs[run], "hardscan_last_run_timestamp_seconds", "")
		if !ok {
			t.Fatalf("run %d: no certificate expiry for %s", run+1, url)
		}
		return v - math.Floor(end)
	}
	cert := func(run int, url, sev string, days int) expAlert {
		d := "The certificate of " + url + " expires in " + humanizeDuration(left(run, url))
		if days == 21 {
			d += ": is its renewal (certbot, ACME) running?"
		} else {
			d += "."
		}
		return expAlert{
			ExpLabels: labels(url, "severity", sev),
			ExpAnnotations: map[string]string{
				"summary":     fmt.Sprintf("tls certificate of %s expires in less than %d days", url, days),
				"description": d,
			},
		}
	}
	unscannable := expAlert{
		ExpLabels: labels(dead, "severity", "warning"),
		ExpAnnotations: map[string]string{
			"summary":     "scan of " + dead + " failed in each of the last 3 runs",
			"description": "hardscan could not scan " + dead + " (DNS, connect, TLS or timeout) in 3 runs in a row: see hardscan's report or journal for the error.",
		},
	}

	tests := ruleTests{
		RuleFiles:          []string{mustAbs(t, rulesFile)},
		EvaluationInterval: "1m",
		Tests: []ruleTest{{
			Name:        "four hourly runs of hardscan",
			Interval:    "1h",
			InputSeries: seriesOf(t, runs),
			AlertRuleTest: []alertTest{
				at(0, "HardscanCheckRegressed"),
				at(1, "HardscanCheckRegressed", regressed...),
				at(3, "HardscanCheckRegressed", regressed...),
				at(0, "HardscanGradeDropped"),
				at(2, "HardscanGradeDropped", dropped),
				at(0, "HardscanCertificateExpiresSoon", cert(0, c, "warning", 21)),
				at(1, "HardscanCertificateExpiresSoon", cert(1, g, "warning", 21), cert(1, c, "warning", 21)),
				at(1, "HardscanCertificateExpiresVerySoon", cert(1, c, "critical", 7)),
				at(1, "HardscanTargetUnscannable"),
				at(2, "HardscanTargetUnscannable", unscannable),
				at(3, "HardscanTargetUnscannable", unscannable),
			},
		}, {
			// up is Prometheus' own series, not hardscan's: an exporter
			// that stops answering its /metrics scrape at 3m.
			Name:     "an exporter down",
			Interval: "1m",
			InputSeries: []inputSeries{
				{Series: `up{job="hardscan-exporter",instance="scanner0.internal:9731"}`, Values: "1 1 1 0x10"},
				{Series: `up{job="hardscan-exporter",instance="scanner1.internal:9731"}`, Values: "1x13"},
			},
			AlertRuleTest: []alertTest{
				{EvalTime: "6m", Alertname: "HardscanExporterDown", ExpAlerts: []expAlert{}},
				{EvalTime: "9m", Alertname: "HardscanExporterDown", ExpAlerts: []expAlert{{
					ExpLabels: map[string]string{"job": "hardscan-exporter", "instance": "scanner0.internal:9731", "severity": "critical"},
					ExpAnnotations: map[string]string{
						"summary":     "hardscan exporter scanner0.internal:9731 is down (up == 0)",
						"description": "Prometheus cannot scrape the hardscan exporter at scanner0.internal:9731: its targets are not scanned.",
					},
				}}},
			},
		}},
	}
	raw, err := json.MarshalIndent(tests, "", "  ")
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "tests.yml"), raw, 0o600); err != nil {
		t.Fatal(err)
	}
	promtool(t, dir, "test", "rules", "tests.yml")
	if t.Failed() {
		t.Logf("tests.yml:\n%s", raw)
	}
}

func startVhost(t *testing.T, opt vhost.Options) *vhost.Server {
	t.Helper()
	s, err := vhost.Start(opt)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(s.Close)
	return s
}

func mustAbs(t *testing.T, path string) string {
	t.Helper()
	abs, err := filepath.Abs(path)
	if err != nil {
		t.Fatal(err)
	}
	return abs
}
