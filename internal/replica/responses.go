package replica

import (
	"bufio"
	"bytes"
	"embed"
	"fmt"
	"io"
	"net/http"
)

//go:embed responses
var recorded embed.FS

// Recorded is one recorded response head.
type Recorded struct {
	Status int
	Header http.Header
}

// Response reads responses/NAME: an HTTP/1.1 response head (.http).
func Response(name string) (Recorded, error) {
	raw, err := recorded.ReadFile("responses/" + name)
	if err != nil {
		return Recorded{}, fmt.Errorf("recorded response %s: %w", name, err)
	}
	resp, err := http.ReadResponse(bufio.NewReader(bytes.NewReader(raw)), nil)
	if err != nil {
		return Recorded{}, fmt.Errorf("recorded response %s: %w", name, err)
	}
	_, _ = io.Copy(io.Discard, resp.Body)
	_ = resp.Body.Close()
	return Recorded{Status: resp.StatusCode, Header: resp.Header}, nil
}

// Document reads responses/NAME as it is (a NodeInfo JSON document).
func Document(name string) ([]byte, error) {
	b, err := recorded.ReadFile("responses/" + name)
	if err != nil {
		return nil, fmt.Errorf("recorded document %s: %w", name, err)
	}
	return b, nil
}
