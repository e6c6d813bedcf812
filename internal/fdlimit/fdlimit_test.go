package fdlimit

import (
	"syscall"
	"testing"
)

func TestConcurrency(t *testing.T) {
	tests := []struct {
		name      string
		want, per int
		limit     uint64
		expect    int
	}{
		{"plenty of descriptors leave -c alone", 32, 6, 1 << 20, 32},
		{"ulimit -n 256 and -c 512", 512, 6, 256, (256 - Reserve) / 6},
		{"a tiny limit still scans one at a time", 512, 6, 10, 1},
		{"an unknown limit leaves -c alone", 512, 6, 0, 512},
		{"an infinite limit leaves -c alone", 512, 6, 1 << 62, 512},
	}
	for _, tt := range tests {
		if got := Concurrency(tt.want, tt.per, tt.limit); got != tt.expect {
			t.Errorf("%s: got %d, want %d", tt.name, got, tt.expect)
		}
	}
}

func TestRaise(t *testing.T) {
	var rl syscall.Rlimit
	if err := syscall.Getrlimit(syscall.RLIMIT_NOFILE, &rl); err != nil {
		t.Skip(err)
	}
	if got := Raise(); got != rl.Max {
		t.Errorf("soft limit after Raise = %d, want the hard limit %d", got, rl.Max)
	}
}
