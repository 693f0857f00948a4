package web

import (
	"embed"
	"io/fs"

	"github.com/ccicma/platform/pkg/dsfr"
)

// staticFS holds intake's own static files; the DSFR subset comes from
// pkg/dsfr, served beside them under dsfr/.
//
//go:embed static
var staticFS embed.FS

// staticFiles serves them under /static/{version}/... (see dsfr.Static).
type staticFiles = dsfr.Static

func newStaticFiles() *staticFiles {
	own, _ := fs.Sub(staticFS, "static") // a constant, valid path
	return dsfr.NewStatic(own)
}
