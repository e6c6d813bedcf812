package suggest

import "testing"

func TestClosest(t *testing.T) {
	flags := []string{"color", "concurrency", "config", "insecure", "profile"}
	for _, tc := range []struct{ typed, want string }{
		{"colour", "color"},    // British spelling: one edit
		{"Profil", "profile"},  // case is ignored
		{"x", ""},              // one letter suggests nothing
		{"something-else", ""}, // too far from every candidate
		{"concurency", "concurrency"},
	} {
		if got := Closest(tc.typed, flags); got != tc.want {
			t.Errorf("Closest(%q) = %q, want %q", tc.typed, got, tc.want)
		}
	}
	if d := Distance("kitten", "sitting"); d != 3 {
		t.Errorf("Distance(kitten, sitting) = %d, want 3", d)
	}
}
