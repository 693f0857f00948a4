package events

import (
	"errors"
	"time"

	"github.com/google/uuid"

	"github.com/ccicma/platform/pkg/siren"
)

// The events of the confidential PREVENTION stream (StreamPrevention).
//
// CONFIDENTIAL: these events name a business by its SIREN (and SIRET),
// which no other event carries, and say that it is in difficulty. They
// travel on their own stream, which intake and creation-support may write
// into and only difficulty-alert may read: NATS permissions refuse every
// other service a consumer on it and a read of its messages
// (natsbus.Identity.Writes), so that "the SIREN reaches difficulty-alert
// and no other service" holds on the wire, not only by convention. Never
// route them anywhere else (advisor-desk consumes every domain stream but
// not this one), never log them. Each identifies the business of an
// ordinary domain event emitted with it, in the same transaction, and
// carries the id that joins them (the request or the creation case).

// Emitter is implemented by the payloads of a stream several services
// write into (a confidential stream), whose subject's first token names
// the stream, not the service: it names the service that emits the event
// (its ce-source), for the published contract.
type Emitter interface {
	EmittedBy() string
}

// PreventionReportIdentified (prevention.report.identified.v1): the
// business behind a self-diagnosis report (intake.difficulty.reported, of
// the same request id), emitted by intake with the report, in the same
// transaction. Confidential (see above): only difficulty-alert reads it,
// and records it as a self_report signal. Subject: the request id.
type PreventionReportIdentified struct {
	// RequestID is intake's id of the report (UUIDv7): that of its
	// intake.difficulty.reported event.
	RequestID string `json:"request_id"`
	// SIREN is the business's SIREN (9 digits, valid key).
	SIREN string `json:"siren"`
	// SIRET is the establishment's SIRET (14 digits, valid keys, its first
	// 9 digits the SIREN), when the applicant gave it.
	SIRET string `json:"siret,omitempty"`
	// Score is the self-diagnosis score, 0 (no sign of difficulty) to 100,
	// as in the report's event.
	Score int `json:"score"`
	// Level is what the score calls for with intake's thresholds: none,
	// vigilance or call_back.
	Level string `json:"level"`
	// QuestionnaireVersion names the questionnaire that produced Score.
	QuestionnaireVersion string `json:"questionnaire_version"`
	// IdentifiedAt is when intake accepted the report.
	IdentifiedAt time.Time `json:"identified_at"`
}

// EventName implements Payload.
func (PreventionReportIdentified) EventName() Name {
	return Name{Producer: "prevention", Aggregate: "report", Verb: "identified", Version: 1}
}

// EmittedBy implements Emitter.
func (PreventionReportIdentified) EmittedBy() string { return "intake" }

// Validate checks the invariants consumers rely on: a SIREN (and SIRET)
// with valid keys, so that a mistyped number is refused (dead-lettered)
// rather than stored as another business's signal.
func (p *PreventionReportIdentified) Validate() error {
	var errs []error
	if _, err := uuid.Parse(p.RequestID); err != nil {
		errs = append(errs, errors.New("request_id must be a UUID"))
	}
	errs = append(errs, validBusiness(p.SIREN, p.SIRET))
	if p.Score < 0 || p.Score > 100 {
		errs = append(errs, errors.New("score must be between 0 and 100"))
	}
	switch p.Level {
	case DifficultyNone, DifficultyVigilance, DifficultyCallBack:
	default:
		errs = append(errs, errors.New("level must be none, vigilance or call_back"))
	}
	if p.IdentifiedAt.IsZero() {
		errs = append(errs, errors.New("identified_at is required"))
	}
	return errors.Join(errs...)
}

// PreventionObservationIdentified (prevention.observation.identified.v1):
// the business a creation advisor saw in difficulty at a post-creation
// checkpoint (creation.case.difficulty_seen, of the same case and
// checkpoint), emitted by creation-support with it, in the same
// transaction, when the case has a registered SIREN. Confidential (see
// above): only difficulty-alert reads it, and records it as an
// advisor_observation signal. Subject: the case id.
type PreventionObservationIdentified struct {
	// CaseID is creation-support's id of the case.
	CaseID string `json:"case_id"`
	// RequestID is the intake request the case comes from.
	RequestID string `json:"request_id"`
	// CheckpointIndex is the checkpoint, from 0 (6 months, 1, 2, 3 years
	// after registration): each checkpoint is an observation of its own.
	CheckpointIndex int `json:"checkpoint_index"`
	// SIREN is the business's registered SIREN (9 digits, valid key).
	SIREN string `json:"siren"`
	// ObservedAt is when the advisor recorded the checkpoint.
	ObservedAt time.Time `json:"observed_at"`
}

// EventName implements Payload.
func (PreventionObservationIdentified) EventName() Name {
	return Name{Producer: "prevention", Aggregate: "observation", Verb: "identified", Version: 1}
}

// EmittedBy implements Emitter.
func (PreventionObservationIdentified) EmittedBy() string { return "creation-support" }

// Validate checks the invariants consumers rely on.
func (p *PreventionObservationIdentified) Validate() error {
	var errs []error
	if _, err := uuid.Parse(p.CaseID); err != nil {
		errs = append(errs, errors.New("case_id must be a UUID"))
	}
	if _, err := uuid.Parse(p.RequestID); err != nil {
		errs = append(errs, errors.New("request_id must be a UUID"))
	}
	if p.CheckpointIndex < 0 {
		errs = append(errs, errors.New("checkpoint_index must be 0 or more"))
	}
	errs = append(errs, validBusiness(p.SIREN, ""))
	if p.ObservedAt.IsZero() {
		errs = append(errs, errors.New("observed_at is required"))
	}
	return errors.Join(errs...)
}

// validBusiness checks a SIREN (9 digits, Luhn key) and, when set, a
// SIRET of that SIREN (14 digits, La Poste's key included). The numbers
// themselves are not in the error: errors end up in logs and dead-letter
// reasons.
func validBusiness(sirenNum, siret string) error {
	var errs []error
	if !siren.Valid(sirenNum) {
		errs = append(errs, errors.New("siren must be 9 digits with a valid key"))
	}
	if siret != "" && (!siren.ValidSIRET(siret) || siret[:9] != sirenNum) {
		errs = append(errs, errors.New("siret must be 14 digits with valid keys, beginning with the siren"))
	}
	return errors.Join(errs...)
}

// PreventionConcernIdentified (prevention.concern.identified.v1): the
// business a takeover advisor raised a concern about
// (takeover.offer.difficulty_seen, of the same concern id), emitted by
// intake, which keeps the SIRET of every offer's request, when it handles
// that event, in the same transaction as its inbox claim. Confidential
// (see above): only difficulty-alert reads it, and records it as an
// advisor_observation signal. Subject: the offer id.
type PreventionConcernIdentified struct {
	// OfferID is takeover-matching's id of the offer.
	OfferID string `json:"offer_id"`
	// ConcernID is the concern's id, as in takeover.offer.difficulty_seen.
	ConcernID string `json:"concern_id"`
	// RequestID is the intake request the offer comes from.
	RequestID string `json:"request_id"`
	// SIREN is the business's SIREN (9 digits, valid key).
	SIREN string `json:"siren"`
	// SIRET is the establishment for sale (14 digits, valid keys, its
	// first 9 digits the SIREN).
	SIRET string `json:"siret,omitempty"`
	// ObservedAt is when the advisor raised the concern.
	ObservedAt time.Time `json:"observed_at"`
}

// EventName implements Payload.
func (PreventionConcernIdentified) EventName() Name {
	return Name{Producer: "prevention", Aggregate: "concern", Verb: "identified", Version: 1}
}

// EmittedBy implements Emitter.
func (PreventionConcernIdentified) EmittedBy() string { return "intake" }

// Validate checks the invariants consumers rely on.
func (p *PreventionConcernIdentified) Validate() error {
	var errs []error
	errs = append(errs, validUUIDs("offer_id", p.OfferID, "concern_id", p.ConcernID, "request_id", p.RequestID))
	errs = append(errs, validBusiness(p.SIREN, p.SIRET))
	if p.ObservedAt.IsZero() {
		errs = append(errs, errors.New("observed_at is required"))
	}
	return errors.Join(errs...)
}

// PreventionCreationConcernIdentified is
// prevention.creation_concern.identified.v1: the business a creation
// advisor raised a concern about between two checkpoints
// (creation.case.concern_raised, of the same concern id), emitted by
// creation-support with it, in the same transaction, when the case has a
// registered SIREN. Confidential (see above): only difficulty-alert reads
// it, and records it as an advisor_observation signal. Subject: the case
// id.
type PreventionCreationConcernIdentified struct {
	// CaseID is creation-support's id of the case.
	CaseID string `json:"case_id"`
	// ConcernID is the concern's id, as in creation.case.concern_raised.
	ConcernID string `json:"concern_id"`
	// RequestID is the intake request the case comes from.
	RequestID string `json:"request_id"`
	// SIREN is the business's registered SIREN (9 digits, valid key).
	SIREN string `json:"siren"`
	// ObservedAt is when the advisor raised the concern.
	ObservedAt time.Time `json:"observed_at"`
}

// EventName implements Payload.
func (PreventionCreationConcernIdentified) EventName() Name {
	return Name{Producer: "prevention", Aggregate: "creation_concern", Verb: "identified", Version: 1}
}

// EmittedBy implements Emitter.
func (PreventionCreationConcernIdentified) EmittedBy() string { return "creation-support" }

// Validate checks the invariants consumers rely on.
func (p *PreventionCreationConcernIdentified) Validate() error {
	var errs []error
	errs = append(errs, validUUIDs("case_id", p.CaseID, "concern_id", p.ConcernID, "request_id", p.RequestID))
	errs = append(errs, validBusiness(p.SIREN, ""))
	if p.ObservedAt.IsZero() {
		errs = append(errs, errors.New("observed_at is required"))
	}
	return errors.Join(errs...)
}

// validUUIDs checks fields that must hold UUIDs, given as name, value
// pairs.
func validUUIDs(fieldValues ...string) error {
	var errs []error
	for i := 0; i+1 < len(fieldValues); i += 2 {
		if _, err := uuid.Parse(fieldValues[i+1]); err != nil {
			errs = append(errs, errors.New(fieldValues[i]+" must be a UUID"))
		}
	}
	return errors.Join(errs...)
}
