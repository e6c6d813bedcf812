package unit

import (
	"os"
	"path/filepath"
	"testing"
)

func FuzzParse(f *testing.F) {
	files, _ := filepath.Glob("testdata/*.service")
	for _, p := range files {
		if b, err := os.ReadFile(p); err == nil {
			f.Add(b)
		}
	}
	f.Add([]byte("[Service]\nA=b\\\n#c\n d\\\\\n[X]\nCapabilityBoundingSet=~\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		as, _ := Parse("f", data)
		again, skips := Parse("f", []byte(Format(as)))
		if len(skips) != 0 || len(again) != len(as) {
			t.Fatalf("round trip: %d assignments, %d skips; want %d, 0", len(again), len(skips), len(as))
		}
		for i := range as {
			a, b := as[i], again[i]
			if a.Section != b.Section || a.Key != b.Key || a.Value != b.Value {
				t.Fatalf("round trip: %+v became %+v", a, b)
			}
		}
		seen := map[string]bool{}
		for _, fd := range Judge(ParseUnit(NamedData{"f", data})) {
			if seen[fd.Key()] {
				t.Fatalf("duplicate finding %s", fd.ID)
			}
			seen[fd.Key()] = true
		}
	})
}
