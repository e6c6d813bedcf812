package htmlmeta

import (
	"bytes"

	"golang.org/x/net/html"
)

// maxNonces bounds what ScriptNonces returns: a page with thousands of
// scripts needs only the distinct few to compare with its CSP.
const maxNonces = 64

// ScriptNonces returns the distinct nonce attributes of the <script>
// elements of an HTML document (head and body), in document order. body
// is already bounded by the reader that fetched it.
func ScriptNonces(body []byte) []string {
	z := html.NewTokenizer(bytes.NewReader(body))
	seen := map[string]bool{}
	var out []string
	for {
		switch z.Next() {
		case html.ErrorToken:
			return out
		case html.StartTagToken, html.SelfClosingTagToken:
			name, hasAttr := z.TagName()
			if string(name) != "script" || !hasAttr {
				continue
			}
			for more := true; more; {
				var k, v []byte
				k, v, more = z.TagAttr()
				if string(k) == "nonce" {
					if n := string(v); n != "" && !seen[n] && len(out) < maxNonces {
						seen[n] = true
						out = append(out, n)
					}
					break // only the first of repeated attributes counts
				}
			}
		}
	}
}
