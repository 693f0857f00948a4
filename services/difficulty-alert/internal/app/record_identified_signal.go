package app

import (
	"context"
	"fmt"

	"github.com/google/uuid"

	"github.com/ccicma/platform/pkg/events"

	"github.com/ccicma/platform/services/difficulty-alert/internal/domain/signal"
)

// IdentifiedSignals stores the signals of the confidential stream.
type IdentifiedSignals interface {
	// RecordSignal stores sg under signalID in one transaction with the
	// inbox claim of its trigger; stored is false for a duplicate: the
	// event again, or a signal of the same source and reference already
	// stored (a replay under another event id).
	RecordSignal(ctx context.Context, trigger events.Event, signalID string, sg signal.Signal) (stored bool, err error)
}

// RecordIdentifiedSignal reacts to the confidential stream PREVENTION, the
// only place where a business's SIREN reaches this service from another:
// prevention.report.identified (the business behind a self-diagnosis
// report) becomes a self_report signal, prevention.observation.identified
// (a business a creation advisor saw in difficulty at a checkpoint),
// prevention.creation_concern.identified (a business a creation advisor
// raised a concern about between two checkpoints) and
// prevention.concern.identified (a business for sale a takeover advisor
// raised a concern about) advisor_observation signals
// (signal.FromSelfReport, FromObservation, FromCreationConcern,
// FromConcern).
// Then the business is rescored. A signal that fails its checks is
// malformed (events.ErrMalformed), dead-lettered with the reason (never
// the numbers);
// a repeat stores nothing and rescores again (rescoring is idempotent),
// so that a rescore that failed is retried with its event.
type RecordIdentifiedSignal struct {
	Signals IdentifiedSignals
	// Rescorer may be nil.
	Rescorer Rescorer
}

// HandleReport records the signal of a self-diagnosis report.
func (uc RecordIdentifiedSignal) HandleReport(ctx context.Context, ev events.Event, p events.PreventionReportIdentified) error {
	sg, err := signal.FromSelfReport(p)
	if err != nil {
		return fmt.Errorf("%w: self report %s: %w", events.ErrMalformed, p.RequestID, err)
	}
	return uc.record(ctx, ev, sg)
}

// HandleObservation records the signal of an advisor's observation.
func (uc RecordIdentifiedSignal) HandleObservation(ctx context.Context, ev events.Event, p events.PreventionObservationIdentified) error {
	sg, err := signal.FromObservation(p)
	if err != nil {
		return fmt.Errorf("%w: observation of creation case %s: %w", events.ErrMalformed, p.CaseID, err)
	}
	return uc.record(ctx, ev, sg)
}

// HandleConcern records the signal of a takeover advisor's concern.
func (uc RecordIdentifiedSignal) HandleConcern(ctx context.Context, ev events.Event, p events.PreventionConcernIdentified) error {
	sg, err := signal.FromConcern(p)
	if err != nil {
		return fmt.Errorf("%w: concern %s about takeover offer %s: %w", events.ErrMalformed, p.ConcernID, p.OfferID, err)
	}
	return uc.record(ctx, ev, sg)
}

// HandleCreationConcern records the signal of a creation advisor's
// concern between two checkpoints.
func (uc RecordIdentifiedSignal) HandleCreationConcern(ctx context.Context, ev events.Event, p events.PreventionCreationConcernIdentified) error {
	sg, err := signal.FromCreationConcern(p)
	if err != nil {
		return fmt.Errorf("%w: concern %s about creation case %s: %w", events.ErrMalformed, p.ConcernID, p.CaseID, err)
	}
	return uc.record(ctx, ev, sg)
}

func (uc RecordIdentifiedSignal) record(ctx context.Context, ev events.Event, sg signal.Signal) error {
	id, err := uuid.NewV7()
	if err != nil {
		return fmt.Errorf("signal id: %w", err)
	}
	if _, err := uc.Signals.RecordSignal(ctx, ev, id.String(), sg); err != nil {
		return fmt.Errorf("record %s signal %s: %w", sg.Source, sg.Ref, err)
	}
	if uc.Rescorer == nil {
		return nil
	}
	if err := uc.Rescorer.Rescore(ctx, []string{sg.Business()}); err != nil {
		return fmt.Errorf("rescore after %s signal %s: %w", sg.Source, sg.Ref, err)
	}
	return nil
}
