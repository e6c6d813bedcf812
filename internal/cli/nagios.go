package cli

import (
	"context"
	"io"
	"strings"

	"github.com/hardscan/hardscan/scan/gate"
)

// wantsNagios reports whether args ask for -f nagios, read before the
// flags are parsed so that a bad flag, too, answers as a Nagios plugin.
func wantsNagios(args []string) bool {
	for i, a := range args {
		switch {
		case a == "--":
			return false
		case a == "-f" || a == "--format":
			if i+1 < len(args) && args[i+1] == "nagios" {
				return true
			}
		case a == "-fnagios" || a == "--format=nagios" || a == "-f=nagios":
			return true
		}
	}
	return false
}

// runNagios runs the scan as a Nagios plugin: the Nagios plugin
// guidelines make every usage error UNKNOWN (3), with a line on stdout,
// which is all Nagios and Icinga show. (The exit status of a scan, 0 to
// 3, is already Nagios' under -f nagios: see exitCode.)
func runNagios(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	rec := &usageRecorder{Writer: stderr}
	code := scanCommand(ctx, args, stdin, stdout, rec)
	if rec.msg == "" {
		return code
	}
	_, _ = io.WriteString(stdout, "HARDSCAN UNKNOWN - "+strings.ReplaceAll(rec.msg, "|", "/")+"\n")
	return gate.NagiosUnknown
}

// usageRecorder is stderr, noting the usage error fail reports to it.
type usageRecorder struct {
	io.Writer
	msg string
}

func (r *usageRecorder) recordUsage(msg string) { r.msg = msg }
