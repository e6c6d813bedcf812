package finding

import (
	"encoding/json"
	"testing"
)

func TestSeverityJSON(t *testing.T) {
	raw, err := json.Marshal(Finding{ID: "hsts", Severity: Warn})
	if err != nil || string(raw) != `{"id":"hsts","reason":"","severity":"warn","subject":"","expected":"","actual":"","message":"","fix":null,"refs":null,"accepted":null}` {
		t.Fatalf("marshal: %s %v", raw, err)
	}
	var f Finding
	if err := json.Unmarshal([]byte(`{"severity":"FAIL"}`), &f); err != nil || f.Severity != Fail {
		t.Errorf("unmarshal FAIL: %v %v", f.Severity, err)
	}
	if err := json.Unmarshal([]byte(`{"severity":"loud"}`), &f); err == nil {
		t.Errorf("an unknown severity must not parse")
	}
	if _, err := json.Marshal(Finding{Severity: Severity(9)}); err == nil {
		t.Errorf("an invalid severity must not marshal")
	}
}

func TestOrderAndTally(t *testing.T) {
	if !(Pass < Info && Info < Warn && Warn < Fail) {
		t.Fatal("severities must order best to worst: --fail-on relies on it")
	}
	fs := []Finding{{Severity: Pass}, {Severity: Fail}, {Severity: Warn}, {Severity: Warn}}
	if c := Tally(fs); c != (Counts{Pass: 1, Warn: 2, Fail: 1}) {
		t.Errorf("Tally = %+v", c)
	}
	if w, ok := Worst(fs); !ok || w != Fail {
		t.Errorf("Worst = %v %v", w, ok)
	}
	if _, ok := Worst(nil); ok {
		t.Errorf("Worst(nil) must say there is none")
	}
}
