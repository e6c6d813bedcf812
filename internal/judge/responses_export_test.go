package judge

import (
	"bytes"
	"encoding/json"
	"os"
	"sort"
	"testing"
)

// The table cases' responses, written to testdata/responses.json for the
// browser oracle (internal/oracle), which serves each to Chromium and
// checks these judges' verdicts against what it does. The file is made
// from the cases, never by hand: run go test -run ResponsesExport -update
// after changing a case.

type exportField struct {
	Name  string `json:"name"`
	Value string `json:"value"`
}

type exportHop struct {
	Path   string        `json:"path"`
	Status int           `json:"status"`
	Header []exportField `json:"header"`
}

type exportCase struct {
	Name    string      `json:"name"`
	Profile string      `json:"profile"`
	Host    string      `json:"host"`
	First   *exportHop  `json:"first,omitempty"`
	Root    exportHop   `json:"root"`
	Body    string      `json:"body,omitempty"`
	HTTP    *exportHop  `json:"http,omitempty"`
	Cookies []exportHop `json:"cookies,omitempty"`
}

func exportHopOf(t *testing.T, h hopLike) *exportHop {
	e := &exportHop{Path: h.path, Status: h.status}
	names := make([]string, 0, len(h.header))
	for n := range h.header {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		for _, v := range h.header[n] {
			e.Header = append(e.Header, exportField{n, v})
		}
	}
	return e
}

type hopLike struct {
	path   string
	status int
	header map[string][]string
}

func TestResponsesExport(t *testing.T) {
	var out []exportCase
	for _, c := range judgeCases() {
		if c.httpErr != nil {
			continue // no response to serve
		}
		o := observed(t, c)
		hop := func(i int) *exportHop {
			h := o.Root.Hops[i]
			return exportHopOf(t, hopLike{h.URL.RequestURI(), h.Status, h.Header})
		}
		e := exportCase{Name: c.name, Profile: c.profile, Host: o.URL.Host, Body: c.body}
		if len(o.Root.Hops) > 1 {
			e.First = hop(0)
		}
		e.Root = *hop(len(o.Root.Hops) - 1)
		if c.http != nil {
			h := o.HTTP.Hops[0]
			e.HTTP = exportHopOf(t, hopLike{h.URL.RequestURI(), h.Status, h.Header})
		}
		for _, ch := range o.CookieChains {
			h := ch.Hops[0]
			e.Cookies = append(e.Cookies, *exportHopOf(t, hopLike{h.URL.RequestURI(), h.Status, h.Header}))
		}
		out = append(out, e)
	}
	raw, err := json.MarshalIndent(out, "", " ")
	if err != nil {
		t.Fatal(err)
	}
	raw = append(raw, '\n')
	const path = "testdata/responses.json"
	if *update {
		if err := os.WriteFile(path, raw, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	have, err := os.ReadFile(path)
	if err != nil || !bytes.Equal(have, raw) {
		t.Fatalf("%s is not current (run go test -run ResponsesExport -update)", path)
	}
}
