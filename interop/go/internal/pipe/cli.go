//go:build windows

package pipe

import (
	"fmt"
	"os"
)

// Main runs a peer's command on its arguments; a failure prints FAIL and the reason, and exits 1.
func Main(run func(args []string) error) {
	if err := run(os.Args[1:]); err != nil {
		fmt.Println("FAIL", err)
		os.Exit(1)
	}
}

// ParseMode reads a pipe mode argument: byte (false) or message (true).
func ParseMode(s string) (bool, error) {
	switch s {
	case "byte":
		return false, nil
	case "message":
		return true, nil
	}
	return false, fmt.Errorf("mode must be byte or message, not %q", s)
}
