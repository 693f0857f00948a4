package httpapi

import (
	"time"

	"github.com/ccicma/platform/services/difficulty-alert/internal/domain/prevention"
)

// caseJSON is a prevention case as the API sends it.
type caseJSON struct {
	CaseID               string      `json:"case_id"`
	RequestID            string      `json:"request_id"`
	Chamber              string      `json:"chamber"`
	SecondaryChamber     string      `json:"secondary_chamber,omitempty"`
	AdvisorIDs           []string    `json:"advisor_ids"`
	Status               string      `json:"status"`
	Level                string      `json:"level"`
	Score                int         `json:"score"`
	Kinds                []string    `json:"kinds"`
	QuestionnaireVersion string      `json:"questionnaire_version"`
	NAFCode              string      `json:"naf_code,omitempty"`
	NAFVersion           string      `json:"naf_version,omitempty"`
	Departement          string      `json:"departement"`
	Routing              routingJSON `json:"routing"`
	ReportedAt           time.Time   `json:"reported_at"`
	OpenedAt             time.Time   `json:"opened_at"`
}

type routingJSON struct {
	LeadChamber      string `json:"lead_chamber"`
	SecondaryChamber string `json:"secondary_chamber,omitempty"`
	RuleID           string `json:"rule_id"`
	Reason           string `json:"reason"`
	RulesVersion     string `json:"rules_version,omitempty"`
	OutOfTerritory   bool   `json:"out_of_territory"`
	EPCI             string `json:"epci,omitempty"`
}

func caseJSONOf(c prevention.Case) caseJSON {
	advisors := c.AdvisorIDs
	if advisors == nil {
		advisors = []string{}
	}
	return caseJSON{
		CaseID: c.ID, RequestID: c.RequestID, Chamber: c.Chamber, SecondaryChamber: c.SecondaryChamber, AdvisorIDs: advisors,
		Status: string(c.Status), Level: c.Level, Score: c.Score, Kinds: c.Kinds, QuestionnaireVersion: c.QuestionnaireVersion,
		NAFCode: c.NAFCode, NAFVersion: c.NAFVersion, Departement: c.Departement,
		Routing: routingJSON{LeadChamber: c.Routing.LeadChamber, SecondaryChamber: c.Routing.SecondaryChamber, RuleID: c.Routing.RuleID,
			Reason: c.Routing.Reason, RulesVersion: c.Routing.RulesVersion, OutOfTerritory: c.Routing.OutOfTerritory, EPCI: c.Routing.EPCI},
		ReportedAt: c.ReportedAt, OpenedAt: c.OpenedAt,
	}
}

// caseList is a page of cases, newest first; NextBefore, when set, asks
// for the next page (?before=).
type caseList struct {
	Cases      []caseJSON `json:"difficulty_cases"`
	NextBefore string     `json:"next_before,omitempty"`
}
