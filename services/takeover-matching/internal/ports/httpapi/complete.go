package httpapi

import (
	"errors"
	"net/http"

	"github.com/ccicma/platform/pkg/auth"
	"github.com/ccicma/platform/pkg/httpserver"

	"github.com/ccicma/platform/services/takeover-matching/internal/domain/takeover"
)

// maxCriteriaBytes bounds a completion's body: 20 sectors and 50 areas
// hold in a few kilobytes.
const maxCriteriaBytes = 16 << 10

// criteriaJSON is the body of PUT /api/v1/buyer-searches/{id}/criteria:
// the codes of the intake form's buyer search (bands, not amounts).
type criteriaJSON struct {
	Sectors          []string `json:"sectors"`
	CommuneCodes     []string `json:"commune_codes"`
	EPCICodes        []string `json:"epci_codes"`
	Departements     []string `json:"departements"`
	Mobility         string   `json:"mobility"`
	BudgetBand       string   `json:"budget_band"`
	ContributionBand string   `json:"personal_contribution_band"`
	HeadcountMin     int      `json:"headcount_min"`
	HeadcountMax     int      `json:"headcount_max"`
	DealTypes        []string `json:"deal_types"`
	Timeline         string   `json:"timeline"`
	Experience       string   `json:"experience"`
}

// completeSearch completes a draft search: 200 with the search, now open
// and matched; 400 naming each bad criterion; 409 when it is no longer a
// draft.
func (rt Routes) completeSearch(w http.ResponseWriter, r *http.Request) {
	p, ok := auth.PrincipalOf(w, r, rt.Log)
	if !ok {
		return
	}
	var in criteriaJSON
	if !httpserver.ReadJSON(w, r, maxCriteriaBytes, &in) {
		return
	}
	s, err := rt.Completer.Complete(r.Context(), p, r.PathValue("id"), takeover.Criteria{
		Sectors: in.Sectors, CommuneCodes: in.CommuneCodes, EPCICodes: in.EPCICodes, Departements: in.Departements,
		Mobility: in.Mobility, BudgetBand: in.BudgetBand, ContributionBand: in.ContributionBand,
		HeadcountMin: in.HeadcountMin, HeadcountMax: in.HeadcountMax, DealTypes: in.DealTypes,
		Timeline: in.Timeline, Experience: in.Experience,
	})
	var invalid takeover.InvalidCriteria
	switch {
	case errors.As(err, &invalid):
		errs := make([]httpserver.FieldError, len(invalid))
		for i, f := range invalid {
			errs[i] = httpserver.FieldError{Field: f.Field, Code: f.Code, Message: f.Detail}
		}
		httpserver.WriteProblem(w, r, httpserver.Problem{Status: http.StatusBadRequest, Title: "Critères invalides", Errors: errs})
	case errors.Is(err, takeover.ErrNotDraft):
		httpserver.WriteProblem(w, r, httpserver.Problem{Status: http.StatusConflict, Title: "Recherche déjà complétée",
			Detail: "Les critères d'une recherche ouverte ne se complètent plus."})
	case err != nil:
		rt.fail(w, r, "complete search", "Recherche de repreneur inconnue", err)
	default:
		httpserver.WriteJSON(w, http.StatusOK, searchView(s))
	}
}
