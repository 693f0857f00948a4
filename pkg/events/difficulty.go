package events

import (
	"errors"
	"time"

	"github.com/google/uuid"
)

// Sources of a prevention case: what made difficulty-alert open it.
const (
	// DifficultySourceSelfReport: the business reported its difficulties
	// through intake's self-diagnosis (intake.difficulty.reported).
	DifficultySourceSelfReport = "self_report"
	// DifficultySourceAdvisorObservation: a creation advisor saw
	// difficulties at a post-creation checkpoint
	// (creation.case.difficulty_seen).
	DifficultySourceAdvisorObservation = "advisor_observation"
)

// DifficultyCaseOpened (difficulty.case.opened.v1): difficulty-alert opened a
// prevention case, for a difficulty report or for difficulties a creation
// advisor saw at a post-creation checkpoint, and assigned it to prevention
// advisors of the routed chambers. It carries no SIRET, no free text and no
// questionnaire answers: the case is confidential, and only the assigned
// advisors and the joint prevention cell read it, through difficulty-alert's
// API, each read audited. Subject: the case id.
type DifficultyCaseOpened struct {
	// CaseID is difficulty-alert's id of the case (UUIDv7).
	CaseID string `json:"case_id"`
	// RequestID is the intake report the case comes from.
	RequestID string `json:"request_id"`
	// Chamber is the lead chamber (CCI or CMA).
	Chamber string `json:"chamber"`
	// SecondaryChamber is the other routed chamber, if any.
	SecondaryChamber string `json:"secondary_chamber,omitempty"`
	// AdvisorIDs are the prevention advisors assigned, lead chamber's first;
	// empty when none was available, in which case the prevention cell must
	// pick the case up.
	AdvisorIDs []string `json:"advisor_ids,omitempty"`
	// Level is none, vigilance or call_back (always call_back for an
	// advisor's observation: the prevention cell calls back).
	Level string `json:"level"`
	// Source is what opened the case: self_report (a difficulty report) or
	// advisor_observation (a post-creation checkpoint), so that the
	// notification can say where the case comes from. Absent in events
	// emitted before it existed, which all came from self reports.
	Source string `json:"source,omitempty"`
	// Departement is the business's département.
	Departement string `json:"departement"`
	// OpenedAt is when the case was opened.
	OpenedAt time.Time `json:"opened_at"`
}

// EventName implements Payload.
func (DifficultyCaseOpened) EventName() Name {
	return Name{Producer: "difficulty", Aggregate: "case", Verb: "opened", Version: 1}
}

// Validate checks the invariants consumers rely on.
func (p *DifficultyCaseOpened) Validate() error {
	errs := []error{validAggregate("case_id", p.CaseID, p.RequestID, p.Chamber), required("departement", p.Departement)}
	switch p.Level {
	case DifficultyNone, DifficultyVigilance, DifficultyCallBack:
	default:
		errs = append(errs, errors.New("level must be none, vigilance or call_back"))
	}
	switch p.Source {
	case "", DifficultySourceSelfReport, DifficultySourceAdvisorObservation:
	default:
		errs = append(errs, errors.New("source must be self_report or advisor_observation"))
	}
	return errors.Join(errs...)
}

// Alert levels of a business's difficulty score, as the State's
// early-warning programme names them: "aucune alerte", "risque modéré",
// "risque fort".
const (
	BusinessLevelNone     = "none"
	BusinessLevelModerate = "moderate"
	BusinessLevelHigh     = "high"
)

// DifficultyBusinessLevelChanged (difficulty.business.level_changed.v1):
// difficulty-alert rescored a business (a new signal, or the daily decay)
// and its alert level changed, up or down. It names the business by its
// opaque number in difficulty-alert, never by its SIREN, SIRET or name:
// that a business is in difficulty is confidential, and the prevention
// cell reads the business, its score and the explanation through
// difficulty-alert's API, each read audited. Subject: the business
// number, no territory.
type DifficultyBusinessLevelChanged struct {
	// BusinessID is difficulty-alert's opaque number of the business (a
	// UUID).
	BusinessID string `json:"business_id"`
	// PreviousLevel is the level before: none, moderate or high (none for
	// a business scored for the first time).
	PreviousLevel string `json:"previous_level"`
	// Level is the new level: none, moderate or high, never PreviousLevel.
	Level string `json:"level"`
	// RulesVersion is the edition of the scoring rules that scored it.
	RulesVersion string `json:"rules_version"`
	// ChangedAt is when the business was rescored.
	ChangedAt time.Time `json:"changed_at"`
}

// EventName implements Payload.
func (DifficultyBusinessLevelChanged) EventName() Name {
	return Name{Producer: "difficulty", Aggregate: "business", Verb: "level_changed", Version: 1}
}

// Validate checks the invariants consumers rely on.
func (p *DifficultyBusinessLevelChanged) Validate() error {
	var errs []error
	if _, err := uuid.Parse(p.BusinessID); err != nil {
		errs = append(errs, errors.New("business_id must be a UUID"))
	}
	valid := func(l string) bool {
		return l == BusinessLevelNone || l == BusinessLevelModerate || l == BusinessLevelHigh
	}
	if !valid(p.PreviousLevel) || !valid(p.Level) {
		errs = append(errs, errors.New("previous_level and level must be none, moderate or high"))
	} else if p.PreviousLevel == p.Level {
		errs = append(errs, errors.New("level must differ from previous_level"))
	}
	errs = append(errs, required("rules_version", p.RulesVersion))
	if p.ChangedAt.IsZero() {
		errs = append(errs, errors.New("changed_at is required"))
	}
	return errors.Join(errs...)
}
