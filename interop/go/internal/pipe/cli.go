//
// Copyright 2026 The npipe authors
//
// Licensed under the Apache License, Version 2.0 (the "License"); you may not use this file except in compliance
// with the License. You may obtain a copy of the License at
//
//     https://www.apache.org/licenses/LICENSE-2.0
//
// Unless required by applicable law or agreed to in writing, software distributed under the License is distributed
// on an "AS IS" BASIS, WITHOUT WARRANTIES OR CONDITIONS OF ANY KIND, either express or implied. See the License for
// the specific language governing permissions and limitations under the License.
//

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
