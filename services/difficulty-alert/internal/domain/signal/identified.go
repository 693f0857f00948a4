package signal

import (
	"fmt"
	"strconv"
	"time"

	"github.com/ccicma/platform/pkg/events"
)

// Kinds of the signals that come from the confidential PREVENTION stream
// (events.StreamPrevention), where intake and creation-support name the
// business of a self-diagnosis report or of an advisor's observation (a
// creation advisor's at a checkpoint, a creation or a takeover advisor's
// concern).
const (
	// A self-diagnosis report, by the level intake's thresholds gave its
	// score: none, vigilance, call_back.
	KindSelfDiagnosisNone      Kind = "self_diagnosis_none"
	KindSelfDiagnosisVigilance Kind = "self_diagnosis_vigilance"
	KindSelfDiagnosisCallBack  Kind = "self_diagnosis_call_back"
	// KindCheckpointDifficulties: a creation advisor saw the business,
	// still active, in difficulty at a post-creation checkpoint.
	KindCheckpointDifficulties Kind = "checkpoint_difficulties"
	// KindAdvisorConcern: an advisor following the business saw it in
	// difficulty and raised a concern: a takeover advisor, following its
	// sale, or a creation advisor between two post-creation checkpoints.
	KindAdvisorConcern Kind = "advisor_concern"
)

// Provisional weights of these signals, as for the BODACC's: scoring
// will move them to its versioned data file.
const (
	// SelfReportValidity: a self-diagnosis counts for a year, the horizon
	// of its questions (the last twelve months' revenue, debts, delays).
	SelfReportValidity = 12 // months
	// ObservationStrength: an advisor's observation is a professional's
	// judgment without a score of its own; it weighs as a self-diagnosis
	// well into vigilance (intake's call-back threshold is 50).
	ObservationStrength = 60
	// ObservationValidity: until the next checkpoint, a year later at
	// most (6 months, then 1, 2 and 3 years after registration). A
	// takeover advisor's concern counts as long: a sale takes months, and
	// the advisor raises a new concern if the difficulties last.
	ObservationValidity = 12 // months
)

// FromSelfReport is the signal of a self-diagnosis report: source
// self_report, theme self_assessment, its kind from the level, its
// strength the score (1 at least: a report scoring 0 is still a report of
// difficulties), dated the day intake accepted it (UTC), known by the
// request id. An invalid event gives an error wrapping ErrInvalid,
// ErrSIREN or ErrSIRET.
func FromSelfReport(p events.PreventionReportIdentified) (Signal, error) {
	var kind Kind
	switch p.Level {
	case events.DifficultyNone:
		kind = KindSelfDiagnosisNone
	case events.DifficultyVigilance:
		kind = KindSelfDiagnosisVigilance
	case events.DifficultyCallBack:
		kind = KindSelfDiagnosisCallBack
	default:
		return Signal{}, fmt.Errorf("%w: self-diagnosis level %q", ErrInvalid, p.Level)
	}
	on := dayOf(p.IdentifiedAt)
	s := Signal{Source: SourceSelfReport, Kind: kind, Theme: ThemeSelfAssessment, SIREN: p.SIREN, SIRET: p.SIRET,
		On: on, Strength: max(p.Score, MinStrength), Expires: on.AddDate(0, SelfReportValidity, 0), Ref: p.RequestID,
		RequestID: p.RequestID}
	if err := s.Validate(); err != nil {
		return Signal{}, err
	}
	return s, nil
}

// FromObservation is the signal of a creation advisor's observation at a
// post-creation checkpoint: source advisor_observation, theme finances
// (the advisor saw difficulties of the business as a whole, and finances
// is where scoring counts such a general concern), strength
// ObservationStrength, dated the day of the checkpoint (UTC). It is known
// by the creation case and the checkpoint ("<case id>/<index>"): each
// checkpoint that sees difficulties is an observation of its own, a year
// apart, and a replay of one is the same signal.
func FromObservation(p events.PreventionObservationIdentified) (Signal, error) {
	return advisorSignal(KindCheckpointDifficulties, p.SIREN, "", p.ObservedAt, p.CaseID+"/"+strconv.Itoa(p.CheckpointIndex), p.RequestID)
}

// FromConcern is the signal of a takeover advisor's concern about a
// business for sale, weighed as a creation advisor's observation (a
// professional's judgment without a score of its own): source
// advisor_observation, theme finances, strength ObservationStrength, for
// ObservationValidity, dated the day the concern was raised (UTC), with
// the establishment for sale. It is known by the offer and the concern
// ("<offer id>/<concern id>"): each concern is a signal of its own, and a
// replay of one is the same signal.
func FromConcern(p events.PreventionConcernIdentified) (Signal, error) {
	return advisorSignal(KindAdvisorConcern, p.SIREN, p.SIRET, p.ObservedAt, p.OfferID+"/"+p.ConcernID, p.RequestID)
}

// FromCreationConcern is the signal of the concern a creation advisor
// raised between two post-creation checkpoints, weighed and kept as a
// takeover advisor's concern (kind advisor_concern, theme finances,
// strength ObservationStrength, for ObservationValidity), dated the day
// it was raised (UTC). It is known by the creation case and the concern
// ("<case id>/<concern id>", which a checkpoint's "<case id>/<index>"
// never equals): each concern is a signal of its own, a replay of one is
// the same signal, and the case finds its business among its creation
// case's signals.
func FromCreationConcern(p events.PreventionCreationConcernIdentified) (Signal, error) {
	return advisorSignal(KindAdvisorConcern, p.SIREN, "", p.ObservedAt, p.CaseID+"/"+p.ConcernID, p.RequestID)
}

// advisorSignal is the signal of an advisor's observation or concern:
// source advisor_observation, theme finances (the advisor saw
// difficulties of the business as a whole, and finances is where scoring
// counts such a general concern), strength ObservationStrength, for
// ObservationValidity from the day it was made (UTC), known by ref, with
// the request whose case it names the business of.
func advisorSignal(kind Kind, siren, siret string, at time.Time, ref, requestID string) (Signal, error) {
	on := dayOf(at)
	s := Signal{Source: SourceAdvisorObservation, Kind: kind, Theme: ThemeFinances, SIREN: siren, SIRET: siret, On: on,
		Strength: ObservationStrength, Expires: on.AddDate(0, ObservationValidity, 0), Ref: ref, RequestID: requestID}
	if err := s.Validate(); err != nil {
		return Signal{}, err
	}
	return s, nil
}

// dayOf is the UTC date of an instant, at midnight.
func dayOf(t time.Time) time.Time {
	y, m, d := t.UTC().Date()
	return time.Date(y, m, d, 0, 0, 0, 0, time.UTC)
}
