// Package migrations embeds intake's schema migrations.
package migrations

import (
	"embed"

	"github.com/ccicma/platform/pkg/pgdb"
)

//go:embed *.sql
var files embed.FS

// Set is intake's own migration set.
func Set() pgdb.Migrations {
	return pgdb.Migrations{Name: "intake", FS: files, Dir: "."}
}
