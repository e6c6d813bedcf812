package exsconfig

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestLoadCaps(t *testing.T) {
	dir := t.TempDir()
	var merges strings.Builder
	// why: each call on the same key merges into a keyword list that grows
	// by one pair, so n calls copy n²/2 pairs: work multiplied, not input.
	for i := range 1500 {
		fmt.Fprintf(&merges, "config :p, :k, [k%d: 1]\n", i)
	}
	tests := []struct {
		name, src, want string
	}{
		{"4 MiB of [", strings.Repeat("[", 4<<20), "cap of 250000 tokens"},
		{"merges that grow", merges.String(), "cap of 1000000 merged keyword pairs"},
		{"prose", "Hello, this is not Elixir.\n", "not an Elixir config file"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			path := filepath.Join(dir, "c.exs")
			os.WriteFile(path, []byte(tt.src), 0o600)
			_, _, err := Load(path)
			if err == nil || !strings.Contains(err.Error(), tt.want) || !strings.Contains(err.Error(), path) {
				t.Fatalf("err = %v, want %q naming the file", err, tt.want)
			}
			if tt.want != "not an Elixir config file" && !errors.Is(err, ErrTooComplex) {
				t.Errorf("err %v is not ErrTooComplex", err)
			}
		})
	}
}

func TestIsConfig(t *testing.T) {
	for src, want := range map[string]bool{
		"import Config\n":                     true, // an empty prod.secret.exs
		"use Mix.Config\n":                    true,
		"config :pleroma, :instance, name: 1": true,
		"# only a comment\n":                  false,
		"[1, 2, 3]\n":                         false,
	} {
		c, _ := Parse("x", []byte(src))
		if c.IsConfig() != want {
			t.Errorf("%q: IsConfig = %v, want %v", src, c.IsConfig(), want)
		}
	}
}
