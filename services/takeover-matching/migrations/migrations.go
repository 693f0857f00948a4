// Package migrations embeds takeover-matching's schema migrations.
package migrations

import (
	"embed"

	"github.com/ccicma/platform/pkg/pgdb"
)

//go:embed *.sql
var files embed.FS

// Set is takeover-matching's own migration set.
func Set() pgdb.Migrations {
	return pgdb.Migrations{Name: "takeover_matching", FS: files, Dir: "."}
}
