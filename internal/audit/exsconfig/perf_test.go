package exsconfig

import (
	"fmt"
	"strings"
	"testing"
	"time"
)

func TestManyCallsLinear(t *testing.T) {
	// why: BRIEF: no quadratic blowups on 100 KB input; each config call
	// must not copy the whole environment.
	var b strings.Builder
	for i := 0; b.Len() < 100_000; i++ {
		fmt.Fprintf(&b, "config :pleroma, :k%d, 1\n", i)
	}
	start := time.Now()
	c, _ := Parse("x", []byte(b.String()))
	Judge(c)
	if d := time.Since(start); d > time.Second {
		t.Errorf("took %s", d)
	}
}
