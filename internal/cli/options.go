package cli

import (
	"errors"

	"github.com/hardscan/hardscan/scan"
)

// usageOf turns a scan.OptionError into the command's usage error (exit 2,
// with its hint); other errors pass through.
func usageOf(err error) error {
	var oe *scan.OptionError
	if errors.As(err, &oe) {
		return &usageError{msg: oe.Msg, hint: oe.Hint}
	}
	return err
}
