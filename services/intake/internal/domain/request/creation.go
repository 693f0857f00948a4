package request

import (
	"fmt"
	"strings"
	"time"

	"github.com/ccicma/platform/pkg/events"
	"github.com/ccicma/platform/pkg/refdata"

	"github.com/ccicma/platform/services/intake/internal/domain/check"
	"github.com/ccicma/platform/services/intake/internal/domain/routing"
)

// Limits of a creation request's fields (MaxNameLen and MaxHeadcount, shared
// by every kind, are in common.go).
const (
	MaxDescriptionLen = 4000
)

// LegalForms are the legal forms a project may consider.
var LegalForms = map[string]string{
	"EI": "Entreprise individuelle (dont micro-entreprise)", "EURL": "EURL", "SARL": "SARL",
	"SASU": "SASU", "SAS": "SAS", "SA": "SA", "SNC": "SNC", "SCOP": "SCOP", "AUTRE": "Autre", "NSP": "Ne sait pas encore",
}

// CreationInput is a creation project as typed by the applicant.
type CreationInput struct {
	FirstName, LastName, Email, Phone string
	Description                       string
	NAFCode                           string
	LegalForm                         string
	Postcode                          string
	CommuneCode                       string
	PlannedStart                      string // YYYY-MM-DD, optional
	PlannedHeadcount                  int
	SIRET                             string
}

// Creation is a validated creation request.
type Creation struct {
	ID               string
	Applicant        Applicant
	Description      string
	NAFCode          string // canonical, empty if unknown
	LegalForm        string
	Commune          refdata.Commune
	PlannedStart     *time.Time
	PlannedHeadcount int
	SIRET            string
	Routing          events.Routing
	// RoutingBasis is what the routing relied on, kept for advisors.
	RoutingBasis routing.Basis
	SubmittedAt  time.Time
}

// NewCreation validates input and routes the request. All problems are
// reported at once.
func NewCreation(id string, in CreationInput, ref Reference, router routing.Router, now time.Time) (Creation, error) {
	var ps Problems
	c := Creation{ID: id, SubmittedAt: now.UTC(), PlannedHeadcount: in.PlannedHeadcount}
	c.Applicant = applicant(&ps, ContactInput{FirstName: in.FirstName, LastName: in.LastName, Email: in.Email, Phone: in.Phone})
	c.Description = strings.TrimSpace(in.Description)
	if err := check.Text(in.Description, 10, MaxDescriptionLen); err != nil {
		ps.add("project.description", "length", fmt.Sprintf("Décrivez le projet en 10 à %d caractères.", MaxDescriptionLen))
	}
	if in.NAFCode != "" {
		c.NAFCode = nafSubclass(&ps, "project.naf_code", in.NAFCode, ref)
	}
	if in.LegalForm != "" {
		if _, ok := LegalForms[in.LegalForm]; !ok {
			ps.add("project.legal_form", "invalid", "Forme juridique inconnue.")
		}
		c.LegalForm = in.LegalForm
	}
	c.Commune = commune(&ps, "project", in.Postcode, in.CommuneCode, ref)
	if in.PlannedStart != "" {
		t, err := time.Parse(time.DateOnly, in.PlannedStart)
		if err != nil {
			ps.add("project.planned_start", "format", "Date attendue au format AAAA-MM-JJ.")
		} else {
			c.PlannedStart = &t
		}
	}
	headcount(&ps, "project.planned_headcount", in.PlannedHeadcount)
	if in.SIRET != "" {
		c.SIRET = siret(&ps, "project.siret", in.SIRET)
	}
	if err := ps.err(); err != nil {
		return Creation{}, err
	}
	decision := router.Decide(routing.Input{Request: routing.RequestCreation, NAFCode: c.NAFCode, Headcount: c.PlannedHeadcount,
		Departement: c.Commune.Departement, EPCI: c.Commune.EPCI})
	c.Routing, c.RoutingBasis = decision.Routing, decision.Basis()
	return c, nil
}

// Submitted is the event announcing the request, without personal data.
func (c Creation) Submitted() events.CreationSubmitted {
	nafVersion := ""
	if c.NAFCode != "" {
		nafVersion = refdata.NAFVersion
	}
	return events.CreationSubmitted{
		RequestID: c.ID, NAFCode: c.NAFCode, NAFVersion: nafVersion, CommuneCode: c.Commune.Code,
		Departement: c.Commune.Departement, LegalForm: c.LegalForm, PlannedHeadcount: c.PlannedHeadcount,
		HasSIRET: c.SIRET != "", Routing: c.Routing, SubmittedAt: c.SubmittedAt,
	}
}
