package web

import (
	"context"
	"net/http"
	"slices"

	"github.com/ccicma/platform/pkg/auth"

	"github.com/ccicma/platform/services/advisor-desk/internal/adapters/peers"
	"github.com/ccicma/platform/services/advisor-desk/internal/domain/casefile"
)

// pipelineView is the data of pipeline.html: the open cases of the
// manager's chamber, per stage and per advisor.
type pipelineView struct {
	Chamber   string
	Stages    []stageCount // the chamber's totals per stage, in the journey's order
	Rows      []pipelineRow
	Total     int
	Truncated bool
}

// pipelineRow is an advisor's open cases per stage, in Stages' order.
type pipelineRow struct {
	Advisor string
	Counts  []int
	Total   int
}

// pipeline shows a manager their chamber's pipeline; others get a 403.
func (s *site) pipeline(w http.ResponseWriter, r *http.Request) {
	p, tok, ok := s.session(r)
	if !ok {
		clearCookie(w, r, SessionCookie, "/")
		http.Redirect(w, r, "/connexion", http.StatusSeeOther)
		return
	}
	c := caseRequest{p: p, formToken: tok, bearer: sessionValue(r)}
	if !p.Has(auth.RoleManager) {
		s.renderCase(w, r, c, http.StatusForbidden, "error", "Accès refusé", errorPage{Heading: "Accès refusé",
			Text: "Le pilotage des dossiers est réservé aux responsables de chambre."})
		return
	}
	cases, truncated, err := s.allCases(r.Context(), c.bearer, peers.CaseFilter{})
	if err != nil {
		s.caseError(w, r, c, err)
		return
	}
	ours := slices.DeleteFunc(cases, func(cs peers.CreationCase) bool {
		return cs.Chamber != p.Chamber || cs.Status == casefile.StatusClosed
	})
	v := s.pipelineOf(r.Context(), ours)
	v.Chamber, v.Truncated = p.Chamber, truncated
	s.renderCase(w, r, c, http.StatusOK, "pipeline", "Pilotage des dossiers de création", v)
}

// pipelineOf counts the cases per stage and advisor; a case without an
// advisor counts under "Non attribué".
func (s *site) pipelineOf(ctx context.Context, cases []peers.CreationCase) pipelineView {
	v := pipelineView{Stages: stageCounts(cases, sortDue), Total: len(cases)}
	col := map[string]int{}
	for i, st := range v.Stages {
		col[st.Code] = i
	}
	byAdvisor := map[string]*pipelineRow{}
	var order []string
	for _, cs := range cases {
		row, ok := byAdvisor[cs.AdvisorID]
		if !ok {
			row = &pipelineRow{Counts: make([]int, len(v.Stages))}
			byAdvisor[cs.AdvisorID] = row
			order = append(order, cs.AdvisorID)
		}
		row.Counts[col[cs.Stage]]++
		row.Total++
	}
	slices.Sort(order)
	for _, id := range order {
		row := byAdvisor[id]
		row.Advisor = s.advisorName(ctx, id)
		if id == "" {
			row.Advisor = "Non attribué"
		}
		v.Rows = append(v.Rows, *row)
	}
	for i := range v.Stages {
		v.Stages[i].Link = ""
	}
	return v
}
