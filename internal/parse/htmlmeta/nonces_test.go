package htmlmeta

import (
	"slices"
	"testing"
)

func TestScriptNonces(t *testing.T) {
	for _, tc := range []struct {
		name, html string
		want       []string
	}{
		{"head and body", `<html><head><script nonce="a1">x()</script></head><body><script src="/b.js" nonce=b2></script></body></html>`, []string{"a1", "b2"}},
		{"repeated once", `<script nonce="a1"></script><script nonce="a1"></script>`, []string{"a1"}},
		{"first attribute counts", `<script nonce="a1" nonce="z9"></script>`, []string{"a1"}},
		{"other elements and empty", `<style nonce="s1"></style><script nonce=""></script><script>x</script>`, nil},
		{"text that looks like a tag", `<script>var s = '<script nonce="fake">';</script>`, nil},
	} {
		if got := ScriptNonces([]byte(tc.html)); !slices.Equal(got, tc.want) {
			t.Errorf("%s: %q, want %q", tc.name, got, tc.want)
		}
	}
}
