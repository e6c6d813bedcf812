package profile

import (
	"bytes"
	"encoding/json"
	"testing"
)

// FuzzParse: no profile file makes Parse panic, and a profile it accepts
// survives a JSON round trip unchanged (what --show-profile / -p rely on).
// Seeds: testdata/fuzz/FuzzParse holds the built-in profiles.
func FuzzParse(f *testing.F) {
	f.Add([]byte(`{"name":"x","overrides":[{"id":"hsts","severity":"info"}]}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		p, err := Parse(bytes.NewReader(data))
		if err != nil {
			return
		}
		again, err := json.Marshal(p)
		if err != nil {
			t.Fatalf("marshal an accepted profile: %v", err)
		}
		q, err := Parse(bytes.NewReader(again))
		if err != nil {
			t.Fatalf("an accepted profile, written back, no longer parses: %v\n%s", err, again)
		}
		if back, _ := json.Marshal(q); !bytes.Equal(back, again) {
			t.Fatalf("round trip changed the profile:\n%s\n%s", again, back)
		}
	})
}
