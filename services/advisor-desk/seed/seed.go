// Package seed embeds the demo advisor directory used when no
// ADVISORS_FILE is configured.
package seed

import _ "embed"

// Advisors is the demo directory (JSON array of directory entries).
//
//go:embed advisors.json
var Advisors []byte
