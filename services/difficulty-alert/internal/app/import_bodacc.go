package app

import (
	"context"
	"errors"
	"fmt"

	"github.com/google/uuid"

	"github.com/ccicma/platform/pkg/auth"

	"github.com/ccicma/platform/services/difficulty-alert/internal/domain/access"
	"github.com/ccicma/platform/services/difficulty-alert/internal/domain/signal"
)

// Outcome is what applying one notice did.
type Outcome string

// Outcomes of a notice.
const (
	// OutcomeImported: a new signal (a rectification of a notice never
	// imported is one too).
	OutcomeImported Outcome = "imported"
	// OutcomeReplaced: a rectification replaced the earlier notice's signal.
	OutcomeReplaced Outcome = "replaced"
	// OutcomeWithdrawn: a cancellation withdrew the earlier notice's signal.
	OutcomeWithdrawn Outcome = "withdrawn"
	// OutcomeDuplicate: the notice was applied before; nothing changed.
	OutcomeDuplicate Outcome = "duplicate"
	// OutcomeUnknownPrevious: a cancellation of a notice never imported.
	OutcomeUnknownPrevious Outcome = "unknown_previous"
)

// NoticeToApply is a notice and the id its signal gets if it has one.
type NoticeToApply struct {
	Notice   signal.Notice
	SignalID string
}

// Signals stores signals and the businesses' court states.
type Signals interface {
	// ApplyNotices applies a batch of notices in one transaction, in
	// order, updates the court state of the businesses they name and
	// rescores them with score in the same transaction; the outcomes are
	// the notices'.
	ApplyNotices(ctx context.Context, batch []NoticeToApply, score ScoreFunc) ([]Outcome, error)
	// BusinessSignals returns the signals of a business, newest first,
	// and its court state (found false when none is in force).
	BusinessSignals(ctx context.Context, siren string) ([]StoredSignal, CourtState, bool, error)
}

// StoredSignal is a signal as stored, with its status.
type StoredSignal struct {
	ID string
	signal.Signal
	Court  string
	Status signal.Status
}

// CourtState is a business's court state: the procedure of its latest
// judgment in force.
type CourtState struct {
	Procedure signal.Procedure
	Since     string // YYYY-MM-DD
	SignalID  string
}

// ImportRejection is a record not imported and why.
type ImportRejection struct {
	Index  int
	Line   int
	Reason string
	Detail string
}

// ImportReport counts what an import did.
type ImportReport struct {
	Records    int
	Imported   int
	Replaced   int
	Withdrawn  int
	Duplicates int
	// Ignored counts the notices of other families than the procédures
	// collectives.
	Ignored  int
	Rejected []ImportRejection
}

// DefaultImportBatch is how many notices one transaction applies.
const DefaultImportBatch = 500

// ImportBodacc imports the notices of collective procedures of a BODACC
// export file as court-event signals, for the prevention cell. Each
// record is read on its own: a bad one is reported and the others
// imported. Notices are applied in batches, one transaction each, so an
// import cut short keeps whole batches and a second run finishes it
// (applying a notice twice changes nothing). The businesses a batch
// changes are rescored in its transaction.
type ImportBodacc struct {
	Signals Signals
	Rescore Rescore
	Batch   int
}

// Import imports entries for p.
func (uc ImportBodacc) Import(ctx context.Context, p auth.Principal, entries []signal.BodaccEntry) (ImportReport, error) {
	if !access.ImportSignals(p) {
		return ImportReport{}, ErrForbidden
	}
	return uc.apply(ctx, entries)
}

// apply imports entries: the file's import once its caller is allowed,
// and the feed's (PollBodaccFeed), which the service runs itself.
func (uc ImportBodacc) apply(ctx context.Context, entries []signal.BodaccEntry) (ImportReport, error) {
	rep := ImportReport{Records: len(entries)}
	var pending []NoticeToApply
	var places []signal.BodaccEntry
	for _, e := range entries {
		n, err := uc.read(e)
		var rj *signal.Rejection
		switch {
		case errors.Is(err, signal.ErrNotCollective):
			rep.Ignored++
			continue
		case errors.As(err, &rj):
			rep.Rejected = append(rep.Rejected, ImportRejection{Index: e.Index, Line: e.Line, Reason: rj.Reason, Detail: rj.Detail})
			continue
		case err != nil:
			return rep, err
		}
		pending, places = append(pending, n), append(places, e)
	}
	size := uc.Batch
	if size <= 0 {
		size = DefaultImportBatch
	}
	for start := 0; start < len(pending); start += size {
		end := min(start+size, len(pending))
		outcomes, err := uc.Signals.ApplyNotices(ctx, pending[start:end], uc.Rescore.Func())
		if err != nil {
			return rep, fmt.Errorf("apply notices %d to %d: %w", places[start].Index, places[end-1].Index, err)
		}
		for i, o := range outcomes {
			rep.count(o, places[start+i])
		}
	}
	return rep, nil
}

func (uc ImportBodacc) read(e signal.BodaccEntry) (NoticeToApply, error) {
	if e.Err != nil {
		return NoticeToApply{}, e.Err
	}
	n, err := signal.ReadNotice(e.Record)
	if err != nil {
		return NoticeToApply{}, err
	}
	id, err := uuid.NewV7()
	if err != nil {
		return NoticeToApply{}, err
	}
	return NoticeToApply{Notice: n, SignalID: id.String()}, nil
}

func (rep *ImportReport) count(o Outcome, e signal.BodaccEntry) {
	switch o {
	case OutcomeImported:
		rep.Imported++
	case OutcomeReplaced:
		rep.Replaced++
	case OutcomeWithdrawn:
		rep.Withdrawn++
	case OutcomeDuplicate:
		rep.Duplicates++
	case OutcomeUnknownPrevious:
		rep.Rejected = append(rep.Rejected, ImportRejection{Index: e.Index, Line: e.Line, Reason: signal.ReasonUnknown,
			Detail: "the cancelled notice was never imported"})
	}
}
