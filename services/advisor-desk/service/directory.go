package service

import (
	"log/slog"

	"github.com/ccicma/platform/pkg/auth"
	"github.com/ccicma/platform/pkg/refdata"

	"github.com/ccicma/platform/services/advisor-desk/internal/adapters/postgres"
	"github.com/ccicma/platform/services/advisor-desk/internal/app"
	"github.com/ccicma/platform/services/advisor-desk/internal/ports/httpapi"
)

// directoryRoutes wires the directory admin API: its use cases over the
// store, checked against the reference data.
func directoryRoutes(store *postgres.Store, places *refdata.Data, verifier *auth.Verifier, now app.Clock,
	log *slog.Logger) *httpapi.DirectoryRoutes {
	return &httpapi.DirectoryRoutes{
		Read:    app.ReadDirectory{Directory: store},
		Put:     app.PutAdvisor{Directory: store, Places: places, Now: now},
		Absence: app.SetAbsence{Directory: store, Now: now},
		Import:  app.ImportDirectory{Directory: store, Places: places, Now: now},
		Auth:    verifier,
		Log:     log,
	}
}
