// Package migrations embeds advisor-desk's schema migrations.
package migrations

import (
	"embed"

	"github.com/ccicma/platform/pkg/pgdb"
)

//go:embed *.sql
var files embed.FS

// Set is advisor-desk's own migration set.
func Set() pgdb.Migrations {
	return pgdb.Migrations{Name: "advisor_desk", FS: files, Dir: "."}
}
