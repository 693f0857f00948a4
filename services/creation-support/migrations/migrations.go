// Package migrations embeds creation-support's schema migrations.
package migrations

import (
	"embed"

	"github.com/ccicma/platform/pkg/pgdb"
)

//go:embed *.sql
var files embed.FS

// Set is creation-support's own migration set.
func Set() pgdb.Migrations {
	return pgdb.Migrations{Name: "creation_support", FS: files, Dir: "."}
}
