// Package prevention is difficulty-alert's domain: prevention cases opened
// from difficulty reports (the business's self-diagnosis), from the
// difficulties a creation advisor saw at a post-creation checkpoint or
// between two, or a takeover advisor saw in a business for sale, and the
// rule that picks the prevention advisors of a new case. No I/O.
//
// A case is confidential from the first byte: it holds what the events
// carry (codes, score, level, routing, the creation case or the takeover
// offer it comes from; never the SIRET or SIREN, the commune, the
// applicant's contact details or free text), and only the assigned
// advisors and the prevention cell of the routed chambers read it (see
// package access).
package prevention

import (
	"errors"
	"fmt"
	"slices"
	"time"

	"github.com/ccicma/platform/pkg/events"
)

// Status is where a prevention case stands.
type Status string

// Statuses of a prevention case.
const (
	StatusOpened Status = "opened" // waiting for a prevention advisor to call back
)

// Source is what made difficulty-alert open a case.
type Source string

// Sources of a prevention case (events.DifficultySource*).
const (
	// SourceSelfReport: the business reported its difficulties through
	// intake's self-diagnosis; the case has its score, kinds, questionnaire
	// and intake's routing.
	SourceSelfReport Source = events.DifficultySourceSelfReport
	// SourceAdvisorObservation: a creation advisor saw difficulties at a
	// post-creation checkpoint or raised a concern between two, or a
	// takeover advisor raised one about a business for sale; the case has
	// the creation case (and the checkpoint, if seen at one), or the
	// takeover offer, instead, and its chambers are the creation case's or
	// the offer's.
	SourceAdvisorObservation Source = events.DifficultySourceAdvisorObservation
)

// Label names the source in French, for advisors. An advisor's
// observation reads as a creation advisor's at a checkpoint:
// Case.SourceLabel tells a concern (a creation advisor's between two
// checkpoints, a takeover advisor's) apart.
func (s Source) Label() string {
	switch s {
	case SourceSelfReport:
		return "Autodiagnostic de l'entreprise"
	case SourceAdvisorObservation:
		return "Signalé par le conseiller création lors du suivi post-création"
	case SourceScore:
		return "Niveau de risque de l'entreprise"
	}
	return string(s)
}

// ErrNoChamber reports a difficulty report routed to neither chamber
// (liberal professions, farming): intake told the applicant where to turn,
// and since only the routed chambers' prevention advisors may see a report,
// nobody here may: no case is opened.
var ErrNoChamber = errors.New("difficulty report routed to no chamber")

// Routing is the chamber decision intake took, kept so that an advisor can
// read why the case came to their chamber.
type Routing struct {
	LeadChamber      string
	SecondaryChamber string
	RuleID           string
	Reason           string
	RulesVersion     string
	OutOfTerritory   bool
	EPCI             string
}

// Report is what difficulty-alert knows of a difficulty report or of an
// advisor's observation: what opens a case.
type Report struct {
	Source               Source
	RequestID            string
	NAFCode              string
	NAFVersion           string
	Departement          string
	Kinds                []string
	QuestionnaireVersion string
	Score                int
	Level                string
	Routing              Routing
	// CreationCaseID and Checkpoint (its label, "1 an") say where a
	// creation advisor's observation was made (no checkpoint for a
	// concern raised between two); TakeoverOfferID, instead, the offer a
	// takeover advisor raised a concern about. Empty for a self report.
	CreationCaseID  string
	Checkpoint      string
	TakeoverOfferID string
	ReportedAt      time.Time
}

// ReportFrom reads a reported event.
func ReportFrom(p events.DifficultyReported) (Report, error) {
	if p.Routing.LeadChamber == "" {
		return Report{}, fmt.Errorf("report %s: %w", p.RequestID, ErrNoChamber)
	}
	r := p.Routing
	return Report{
		Source: SourceSelfReport, RequestID: p.RequestID, NAFCode: p.NAFCode, NAFVersion: p.NAFVersion, Departement: p.Departement,
		Kinds: slices.Clone(p.Kinds), QuestionnaireVersion: p.QuestionnaireVersion, Score: p.Score, Level: p.Level,
		Routing: Routing{
			LeadChamber: r.LeadChamber, SecondaryChamber: r.SecondaryChamber, RuleID: r.RuleID, Reason: r.Reason,
			RulesVersion: r.RulesVersion, OutOfTerritory: r.OutOfTerritory, EPCI: r.EPCI,
		},
		ReportedAt: p.ReportedAt.UTC(),
	}, nil
}

// ObservationFrom reads the difficulties a creation advisor saw at a
// post-creation checkpoint. The advisor saw them, so the prevention cell
// calls back (level call_back); there is no score, kind nor questionnaire.
// The chambers are the creation case's: the lead one and the one it is
// shared with, which intake routed the creation request to. The
// observation's time is when the checkpoint was recorded.
func ObservationFrom(p events.CreationCaseDifficultySeen) Report {
	return Report{
		Source: SourceAdvisorObservation, RequestID: p.RequestID, NAFCode: p.NAFCode, NAFVersion: p.NAFVersion,
		Departement: p.Departement, Level: events.DifficultyCallBack,
		Routing:        Routing{LeadChamber: p.Chamber, SecondaryChamber: p.SecondaryChamber, EPCI: p.EPCI},
		CreationCaseID: p.CaseID, Checkpoint: p.CheckpointLabel, ReportedAt: p.SeenAt.UTC(),
	}
}

// ConcernFrom reads the concern a takeover advisor raised about a business
// for sale. As a creation advisor's observation, it opens a case the
// prevention cell calls back (level call_back), without score nor
// questionnaire, for the offer's chambers (the lead one and the one it is
// shared with); its kinds are the concerns' codes (events.ConcernKinds),
// so that the prevention advisors read what was seen. The event names no
// NAF nomenclature: the case names none either.
func ConcernFrom(p events.TakeoverOfferDifficultySeen) Report {
	return Report{
		Source: SourceAdvisorObservation, RequestID: p.RequestID, NAFCode: p.NAFCode, Departement: p.Departement,
		Kinds: slices.Clone(p.Concerns), Level: events.DifficultyCallBack,
		Routing:         Routing{LeadChamber: p.Chamber, SecondaryChamber: p.SecondaryChamber, EPCI: p.EPCI},
		TakeoverOfferID: p.OfferID, ReportedAt: p.SeenAt.UTC(),
	}
}

// CreationConcernFrom reads the concern a creation advisor raised
// between two post-creation checkpoints. It opens a case as a
// checkpoint's difficulties do (level call_back, no score nor
// questionnaire, the creation case's chambers, linked to the creation
// case) but at no checkpoint, and, as a takeover advisor's concern, its
// kinds are the concerns' codes (events.ConcernKinds), so that the
// prevention advisors read what was seen. Its time is when the concern
// was raised.
func CreationConcernFrom(p events.CreationCaseConcernRaised) Report {
	return Report{
		Source: SourceAdvisorObservation, RequestID: p.RequestID, NAFCode: p.NAFCode, NAFVersion: p.NAFVersion,
		Departement: p.Departement, Kinds: slices.Clone(p.Concerns), Level: events.DifficultyCallBack,
		Routing:        Routing{LeadChamber: p.Chamber, SecondaryChamber: p.SecondaryChamber, EPCI: p.EPCI},
		CreationCaseID: p.CaseID, ReportedAt: p.RaisedAt.UTC(),
	}
}

// Chambers are the routed chambers, lead first.
func (r Report) Chambers() []string {
	if r.Routing.SecondaryChamber == "" || r.Routing.SecondaryChamber == r.Routing.LeadChamber {
		return []string{r.Routing.LeadChamber}
	}
	return []string{r.Routing.LeadChamber, r.Routing.SecondaryChamber}
}

// Case is a prevention case.
type Case struct {
	ID string
	// Source is what opened it; the fields of the other source are empty.
	Source Source
	// RequestID is the intake request: the difficulty report, or the
	// creation request of the case observed. A request has one case.
	RequestID string
	// Chamber is the lead chamber; SecondaryChamber the other routed one.
	Chamber          string
	SecondaryChamber string
	// AdvisorIDs are the assigned prevention advisors, at most one per
	// routed chamber, the lead chamber's first; empty when none was
	// available: the chambers' prevention cell then picks the case up.
	AdvisorIDs []string
	Status     Status
	Level      string
	// Score, Kinds and QuestionnaireVersion are the self-diagnosis's (a
	// self report's only), but for Kinds, which an advisor's concern (a
	// creation or a takeover advisor's) fills with its codes
	// (events.ConcernKinds).
	Score                int
	Kinds                []string
	QuestionnaireVersion string
	NAFCode              string
	NAFVersion           string
	Departement          string
	// Routing is intake's decision for a self report; for an observation,
	// the creation case's or the offer's chambers and EPCI only.
	Routing Routing
	// CreationCaseID and Checkpoint are the creation case and the
	// checkpoint ("6 mois") of a creation advisor's observation; a concern
	// raised between two checkpoints has the creation case alone.
	CreationCaseID string
	Checkpoint     string
	// TakeoverOfferID is the offer (takeover-matching) of a takeover
	// advisor's concern: an observation has it or a creation case, not
	// both.
	TakeoverOfferID string
	// ReportedAt is when the report was sent, the checkpoint recorded or
	// the concern (a creation or a takeover advisor's) raised.
	ReportedAt time.Time
	OpenedAt   time.Time
	// TakenBy and TakenAt: who took the case in charge, when (empty while
	// opened; kept once closed).
	TakenBy string
	TakenAt time.Time
	// ClosedBy (an advisor, or ClosedBySystem), ClosedAt and CloseReason,
	// once closed.
	ClosedBy    string
	ClosedAt    time.Time
	CloseReason CloseReason
	// SIREN is the business's, when known: a case opened by a score has
	// it; a case opened for a request learns it from the confidential
	// stream, unless the business has another open case. It stays in
	// difficulty-alert: no event carries it, and only the assigned
	// advisors and the cell read it.
	SIREN string
	// Actions are the actions recorded, oldest first (loaded with the case
	// itself, not in lists).
	Actions []Action
}

// SelfReport tells whether the case comes from the business's own report,
// which alone has a score, a questionnaire and intake's routing.
func (c Case) SelfReport() bool { return c.Source == SourceSelfReport }

// FromTakeover tells whether the case comes from a takeover advisor's
// concern about a business for sale.
func (c Case) FromTakeover() bool { return c.TakeoverOfferID != "" }

// FromCreationConcern tells whether the case comes from the concern a
// creation advisor raised between two post-creation checkpoints: it
// names its creation case, but no checkpoint.
func (c Case) FromCreationConcern() bool {
	return c.Source == SourceAdvisorObservation && c.CreationCaseID != "" && c.Checkpoint == ""
}

// FromConcern tells whether the case comes from an advisor's concern, a
// creation advisor's between two checkpoints or a takeover advisor's,
// whose kinds are the concerns' codes.
func (c Case) FromConcern() bool { return c.FromCreationConcern() || c.FromTakeover() }

// observedIn says, for an advisor's observation, where it was made, so
// that the notification names the right follow-up.
func (c Case) observedIn() string {
	switch {
	case c.FromTakeover():
		return events.ObservedInTakeoverOffer
	case c.CreationCaseID != "":
		return events.ObservedInCreationCase
	}
	return ""
}

// SourceLabel names, in French for advisors, where the case comes from:
// its source's label, but for an advisor's concern, which is an advisor's
// observation too but not one made at a checkpoint: a takeover
// advisor's, or a creation advisor's between two checkpoints.
func (c Case) SourceLabel() string {
	switch {
	case c.Source == SourceAdvisorObservation && c.FromTakeover():
		return "Signalé par le conseiller transmission-reprise"
	case c.FromCreationConcern():
		return "Signalé par le conseiller création entre deux points de suivi post-création"
	}
	return c.Source.Label()
}

// Chambers are the case's routed chambers, lead first.
func (c Case) Chambers() []string {
	if c.SecondaryChamber == "" {
		return []string{c.Chamber}
	}
	return []string{c.Chamber, c.SecondaryChamber}
}

// Open opens the case of a report or an observation, assigned to
// advisorIDs, and returns the event to emit.
func Open(r Report, caseID string, advisorIDs []string, now time.Time) (Case, events.DifficultyCaseOpened) {
	chambers := r.Chambers()
	c := Case{
		ID: caseID, Source: r.Source, RequestID: r.RequestID, Chamber: chambers[0], AdvisorIDs: slices.Clone(advisorIDs),
		Status: StatusOpened, Level: r.Level, Score: r.Score, Kinds: slices.Clone(r.Kinds),
		QuestionnaireVersion: r.QuestionnaireVersion, NAFCode: r.NAFCode, NAFVersion: r.NAFVersion,
		Departement: r.Departement, Routing: r.Routing, CreationCaseID: r.CreationCaseID, Checkpoint: r.Checkpoint,
		TakeoverOfferID: r.TakeoverOfferID, ReportedAt: r.ReportedAt, OpenedAt: now.UTC(),
	}
	if len(chambers) > 1 {
		c.SecondaryChamber = chambers[1]
	}
	return c, events.DifficultyCaseOpened{
		CaseID: c.ID, RequestID: c.RequestID, Chamber: c.Chamber, SecondaryChamber: c.SecondaryChamber,
		AdvisorIDs: slices.Clone(c.AdvisorIDs), Level: c.Level, Source: string(c.Source), ObservedIn: c.observedIn(),
		Departement: c.Departement, OpenedAt: c.OpenedAt,
	}
}
