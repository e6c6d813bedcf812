package htmlmeta

import (
	"errors"
	"io"
	"reflect"
	"strings"
	"testing"
	"testing/iotest"
)

const csp1 = "default-src 'none'; script-src 'self'"

func TestParse(t *testing.T) {
	tests := []struct {
		name, html string
		limit      int64
		want       Head
		truncated  bool
		why        string
	}{
		{"csp in head", `<!doctype html><html><head><meta http-equiv="Content-Security-Policy" content="` + csp1 + `"></head><body></body></html>`, 1 << 20,
			Head{CSP: []string{csp1}}, false, "HTML 4.2.5.3 Content security policy state: a meta in head is enforced"},
		{"http-equiv case", `<head><META HTTP-EQUIV="content-SECURITY-policy" CONTENT="img-src 'self'">`, 1 << 20,
			Head{CSP: []string{"img-src 'self'"}}, false, "HTML: http-equiv and attribute names are ASCII case-insensitive"},
		{"referrer", `<head><meta name="Referrer" content="no-referrer"><meta name=referrer content=same-origin></head>`, 1 << 20,
			Head{Referrer: []string{"no-referrer", "same-origin"}}, false, "HTML 4.2.5.1 referrer metadata name; later ones override, so keep order"},
		{"meta in body ignored", `<html><head></head><body><meta http-equiv="Content-Security-Policy" content="script-src *"></body>`, 1 << 20,
			Head{}, false, "HTML 4.2.5.3: CSP meta must be a child of head"},
		{"body start tag without head end", `<head><title>x</title><body><meta http-equiv="Content-Security-Policy" content="script-src *">`, 1 << 20,
			Head{}, false, "HTML 13.2.6.4.4: a body start tag ends the head"},
		{"div ends the head", `<head><div></div><meta http-equiv="Content-Security-Policy" content="script-src *">`, 1 << 20,
			Head{}, false, "HTML 13.2.6.4.4 anything else: a non-head start tag implies </head>"},
		{"text ends the head", `<html><meta http-equiv="Content-Security-Policy" content="a">hello<meta http-equiv="Content-Security-Policy" content="b">`, 1 << 20,
			Head{CSP: []string{"a"}}, false, "HTML 13.2.6.4.3/4: non-whitespace text implies </head> and <body>"},
		{"no head element", `<meta http-equiv="Content-Security-Policy" content="` + csp1 + `"><p>x`, 1 << 20,
			Head{CSP: []string{csp1}}, false, "HTML 13.2.6.4.3 before head: meta implies a head element"},
		{"empty content", `<head><meta http-equiv="Content-Security-Policy" content=""><meta http-equiv="Content-Security-Policy">`, 1 << 20,
			Head{}, false, "HTML 4.2.5.3: no or empty content attribute declares nothing"},
		{"first attribute wins", `<head><meta http-equiv="Content-Security-Policy" content="a" content="b">`, 1 << 20,
			Head{CSP: []string{"a"}}, false, "HTML 13.2.5.33: a duplicate attribute is dropped"},
		{"entities decoded", `<head><meta http-equiv="Content-Security-Policy" content="script-src &#39;self&#39;">`, 1 << 20,
			Head{CSP: []string{"script-src 'self'"}}, false, "HTML: attribute values are decoded character references"},
		{"head end tag inside script is text", `<head><script>"</head>"</script><meta http-equiv="Content-Security-Policy" content="a"></head>`, 1 << 20,
			Head{CSP: []string{"a"}}, false, "HTML 13.2.5 script data state: </head> inside a script is text"},
		{"template content is not head", `<head><template><meta http-equiv="Content-Security-Policy" content="a"></template><meta http-equiv="Content-Security-Policy" content="b">`, 1 << 20,
			Head{CSP: []string{"b"}}, false, "HTML 4.12.3: template contents are a separate fragment"},
		{"report-only in meta ignored", `<head><meta http-equiv="Content-Security-Policy-Report-Only" content="a">`, 1 << 20,
			Head{}, false, "CSP3 §3.3: Report-Only is not supported in meta"},
		{"bom", "\ufeff<meta http-equiv=\"Content-Security-Policy\" content=\"a\">", 1 << 20,
			Head{CSP: []string{"a"}}, false, "HTML decode: a BOM is consumed before tokenizing"},
		{"truncated", `<head><meta http-equiv="Content-Security-Policy" content="a"><title>` + strings.Repeat("x", 100), 80,
			Head{CSP: []string{"a"}}, true, "limit: reading stops at the limit and says so"},
		{"exact limit not truncated", `<head><meta name="referrer" content="a">`, int64(len(`<head><meta name="referrer" content="a">`)),
			Head{Referrer: []string{"a"}}, false, "limit: a document of exactly limit bytes is whole"},
		{"cut inside the tag", `<head><meta http-equiv="Content-Security-Policy" content="abcdef">`, 40,
			Head{}, true, "limit: a half-read tag is not reported"},
		{"garbage bytes", "\x00\xff\xfe<<<>>>\x01<meta", 1 << 20,
			Head{}, false, "robustness: binary data is text that ends the head"},
		{"empty", "", 1 << 20, Head{}, false, "robustness: empty body"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, trunc, err := Parse(strings.NewReader(tc.html), tc.limit)
			if err != nil {
				t.Fatalf("err = %v (%s)", err, tc.why)
			}
			if !reflect.DeepEqual(got, tc.want) || trunc != tc.truncated {
				t.Errorf("got %+v truncated=%v, want %+v truncated=%v (%s)", got, trunc, tc.want, tc.truncated, tc.why)
			}
		})
	}
}

func TestParseStopsReading(t *testing.T) {
	// why: the head ends at </head>; the rest of a large body is never read.
	r := io.MultiReader(strings.NewReader(`<head><meta name=referrer content=a></head>`), iotest.ErrReader(errors.New("should not be read")))
	h, trunc, err := Parse(r, 1<<20)
	if err != nil || trunc || len(h.Referrer) != 1 {
		t.Fatalf("got %+v %v %v", h, trunc, err)
	}
}

func TestParseReadError(t *testing.T) {
	// why: a broken connection is an error, not an empty head.
	r := io.MultiReader(strings.NewReader(`<head><title>x`), iotest.ErrReader(errors.New("boom")))
	_, _, err := Parse(r, 1<<20)
	if err == nil || !strings.Contains(err.Error(), "boom") {
		t.Fatalf("err = %v, want boom", err)
	}
}

func FuzzParse(f *testing.F) {
	f.Add(`<head><meta http-equiv="Content-Security-Policy" content="a"></head>`, int64(1<<20))
	f.Add(`<meta name=referrer content=x><body>`, int64(10))
	f.Add("\x00<template><meta", int64(5))
	f.Fuzz(func(t *testing.T, doc string, limit int64) {
		h, trunc, err := Parse(strings.NewReader(doc), limit)
		if err != nil {
			t.Fatalf("error from a strings.Reader: %v", err)
		}
		if trunc && int64(len(doc)) <= limit {
			t.Fatalf("truncated with len %d <= limit %d", len(doc), limit)
		}
		for _, v := range append(h.CSP, h.Referrer...) {
			if v == "" {
				t.Fatal("empty content reported")
			}
		}
		if !MayHaveMeta([]byte(doc)) && (len(h.CSP) > 0 || len(h.Referrer) > 0) {
			t.Fatalf("MayHaveMeta is false for a document Parse finds %+v in", h)
		}
	})
}

func TestMayHaveMeta(t *testing.T) {
	for _, tc := range []struct {
		doc  string
		want bool
	}{
		{"", false},
		{"<html><head><title>x</title></head>", false},
		{"<meta charset=utf-8>", true},
		{"<HEAD><META NAME=referrer CONTENT=x>", true},
		{"<<meta", true},
		{"<met", false},
		{"&lt;meta", false},
		{"< meta", false}, // not a tag: text
	} {
		if got := MayHaveMeta([]byte(tc.doc)); got != tc.want {
			t.Errorf("MayHaveMeta(%q) = %v, want %v", tc.doc, got, tc.want)
		}
	}
}
