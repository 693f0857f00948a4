// Package migrations embeds difficulty-alert's schema migrations.
package migrations

import (
	"embed"

	"github.com/ccicma/platform/pkg/pgdb"
)

//go:embed *.sql
var files embed.FS

// Set is difficulty-alert's own migration set.
func Set() pgdb.Migrations {
	return pgdb.Migrations{Name: "difficulty_alert", FS: files, Dir: "."}
}
