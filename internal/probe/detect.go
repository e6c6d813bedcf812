package probe

import (
	"context"
	"encoding/json"
	"net/url"
	"regexp"
	"sort"
	"strings"

	"github.com/hardscan/hardscan/scan/result"
)

// nodeInfoLinks is /.well-known/nodeinfo (NodeInfo protocol).
type nodeInfoLinks struct {
	Links []struct {
		Rel  string `json:"rel"`
		Href string `json:"href"`
	} `json:"links"`
}

// nodeInfo is the part of a NodeInfo document that names the software.
type nodeInfo struct {
	Software struct {
		Name    string `json:"name"`
		Version string `json:"version"`
	} `json:"software"`
}

const nodeInfoSchema = "http://nodeinfo.diaspora.software/ns/schema/"

// detect learns the software from NodeInfo, then /api/v1/instance. It
// follows a NodeInfo link only to the same host over HTTPS, so that a scan
// never wanders to hosts nobody asked it to touch.
func (c *Session) detect(ctx context.Context, u *url.URL, verify bool) *result.Software {
	get := func(path string) []byte {
		ref, err := url.Parse(path)
		if err != nil {
			return nil
		}
		target := u.ResolveReference(ref)
		if target.Scheme != "https" || !sameHost(target, u) {
			return nil
		}
		ch, err := c.get(ctx, request{url: target, verify: verify, readBody: true, noSecrets: true})
		if err != nil || ch.Final().Status != 200 || ch.Truncated {
			return nil
		}
		return ch.Body
	}
	var links nodeInfoLinks
	if err := json.Unmarshal(get("/.well-known/nodeinfo"), &links); err == nil {
		// Prefer the newest schema the instance offers.
		sort.SliceStable(links.Links, func(i, j int) bool { return links.Links[i].Rel > links.Links[j].Rel })
		for _, l := range links.Links {
			if !strings.HasPrefix(l.Rel, nodeInfoSchema) {
				continue
			}
			var ni nodeInfo
			if err := json.Unmarshal(get(l.Href), &ni); err == nil && ni.Software.Name != "" {
				return &result.Software{Name: strings.ToLower(ni.Software.Name), Version: ni.Software.Version}
			}
		}
	}
	var inst struct {
		Version string `json:"version"`
	}
	if err := json.Unmarshal(get("/api/v1/instance"), &inst); err == nil && inst.Version != "" {
		return fromInstanceVersion(inst.Version)
	}
	return nil
}

// compatible matches the Mastodon-API version string of Pleroma and Akkoma:
// "2.7.2 (compatible; Pleroma 2.7.0)".
var compatible = regexp.MustCompile(`\(compatible; (\w+) ([^)\s]+)\)`)

func fromInstanceVersion(v string) *result.Software {
	if m := compatible.FindStringSubmatch(v); m != nil {
		return &result.Software{Name: strings.ToLower(m[1]), Version: m[2]}
	}
	// Mastodon reports its own version plainly.
	return &result.Software{Name: "mastodon", Version: strings.Fields(v)[0]}
}

// serverSoftware is the last resort: a Server header naming the software.
func serverSoftware(ch *Chain) *result.Software {
	server := strings.ToLower(ch.Final().Header.Get("Server"))
	name, version, _ := strings.Cut(server, "/")
	switch name {
	case "mastodon", "gotosocial", "pleroma", "akkoma", "misskey":
		return &result.Software{Name: name, Version: version}
	}
	return nil
}
