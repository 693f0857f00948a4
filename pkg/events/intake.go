package events

import (
	"errors"
	"time"

	"github.com/google/uuid"
)

// Chamber codes used in payloads.
const (
	ChamberCCI = "CCI" // chambre de commerce et d'industrie
	ChamberCMA = "CMA" // chambre de métiers et de l'artisanat
)

// Routing is the "aiguillage" decision intake took for a request: which
// chamber leads, which one (if any) follows, and why.
type Routing struct {
	// LeadChamber is CCI or CMA; empty when neither chamber is competent.
	LeadChamber string `json:"lead_chamber,omitempty"`
	// SecondaryChamber is the other chamber when both are competent.
	SecondaryChamber string `json:"secondary_chamber,omitempty"`
	// RuleID names the routing rule that fired, e.g. "artisanal-always-small".
	RuleID string `json:"rule_id"`
	// Reason is a French sentence an advisor can read.
	Reason string `json:"reason"`
	// OutOfTerritory is set when the commune lies outside the served
	// départements: the request is accepted and flagged for forwarding.
	OutOfTerritory bool `json:"out_of_territory,omitempty"`
}

// CreationSubmitted (intake.creation.submitted.v1): an entrepreneur submitted
// a creation project. Subject: the request id.
type CreationSubmitted struct {
	// RequestID is intake's id of the submission (UUIDv7).
	RequestID string `json:"request_id"`
	// NAFCode is the activity's NAF sub-class ("47.11F"); empty if unknown.
	NAFCode string `json:"naf_code,omitempty"`
	// NAFVersion names the nomenclature of NAFCode, e.g. "NAFRev2".
	NAFVersion string `json:"naf_version,omitempty"`
	// CommuneCode is the INSEE code of the commune of the project.
	CommuneCode string `json:"commune_code"`
	// Departement is the département code of the commune.
	Departement string `json:"departement"`
	// LegalForm is the legal form considered (code list of intake), if any.
	LegalForm string `json:"legal_form,omitempty"`
	// PlannedHeadcount is the number of employees planned at start.
	PlannedHeadcount int `json:"planned_headcount"`
	// HasSIRET tells whether the applicant already has an establishment.
	HasSIRET bool `json:"has_siret"`
	// Routing is the chamber decision.
	Routing Routing `json:"routing"`
	// SubmittedAt is when intake accepted the request.
	SubmittedAt time.Time `json:"submitted_at"`
}

// EventName implements Payload.
func (CreationSubmitted) EventName() Name {
	return Name{Producer: "intake", Aggregate: "creation", Verb: "submitted", Version: 1}
}

// Validate checks the invariants consumers rely on.
func (p *CreationSubmitted) Validate() error {
	var errs []error
	if _, err := uuid.Parse(p.RequestID); err != nil {
		errs = append(errs, errors.New("request_id must be a UUID"))
	}
	if p.CommuneCode == "" || p.Departement == "" {
		errs = append(errs, errors.New("commune_code and departement are required"))
	}
	if p.Routing.RuleID == "" {
		errs = append(errs, errors.New("routing.rule_id is required"))
	}
	if c := p.Routing.LeadChamber; c != "" && c != ChamberCCI && c != ChamberCMA {
		errs = append(errs, errors.New("routing.lead_chamber must be CCI, CMA or empty"))
	}
	return errors.Join(errs...)
}
