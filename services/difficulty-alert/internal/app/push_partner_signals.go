package app

import (
	"context"
	"fmt"
	"log/slog"
	"slices"
	"strconv"
	"time"

	"github.com/google/uuid"

	"github.com/ccicma/platform/pkg/audit"

	"github.com/ccicma/platform/services/difficulty-alert/internal/domain/partner"
	"github.com/ccicma/platform/services/difficulty-alert/internal/domain/signal"
)

// MaxPartnerBatch bounds the signals of one push.
const MaxPartnerBatch = 100

// PartnerSignals stores partners' pushes.
type PartnerSignals interface {
	// PushSignals stores a batch in one transaction with its
	// Idempotency-Key and the record of the call (call, its outcome set
	// to PartnerAccepted, PartnerReplayed or PartnerIdempotencyConflict):
	// a key used before with the same fingerprint answers the first
	// result (Replayed), with another ErrIdempotencyConflict, and stores
	// nothing else. A signal whose reference the client used before is a
	// duplicate: it changes nothing and answers the stored signal's id.
	PushSignals(ctx context.Context, b PartnerBatch, call PartnerCall) (PushResult, error)
}

// PartnerBatch is a checked push, ready to store.
type PartnerBatch struct {
	ClientID    string
	Key         string
	Fingerprint []byte
	Signals     []NewPartnerSignal
	At          time.Time
}

// NewPartnerSignal is a partner's signal and the id it gets if new.
type NewPartnerSignal struct {
	ID string
	signal.PartnerSignal
}

// Outcomes of one signal of a push.
const (
	SignalCreated   = "created"
	SignalDuplicate = "duplicate"
)

// PushResult is what a push did, signal by signal in the order sent.
type PushResult struct {
	Replayed bool
	Signals  []PushedSignal
}

// PushedSignal is one signal of a push: the partner's reference, the id of
// the signal stored (the earlier one for a duplicate) and the outcome.
type PushedSignal struct {
	Reference string `json:"reference"`
	SignalID  string `json:"signal_id"`
	Outcome   string `json:"outcome"`
}

// Count returns how many signals had outcome o.
func (r PushResult) Count(o string) int {
	n := 0
	for _, s := range r.Signals {
		if s.Outcome == o {
			n++
		}
	}
	return n
}

// PartnerPush is a push as received: who, its Idempotency-Key and the
// fingerprint of its body, and its reports.
type PartnerPush struct {
	Caller      partner.Caller
	Key         string
	Fingerprint []byte
	Reports     []signal.PartnerReport
	// Field names the reports in problems: "signals.2" in a batch, ""
	// for a single signal (nil).
	Field func(i int) string
	// Unreadable are the problems of reading the body (unknown members,
	// values of the wrong type), named as the fields' checks name
	// theirs: answered with them, all at once.
	Unreadable []signal.Problem
}

// ValidationError lists every bad field of a push.
type ValidationError struct{ Problems []signal.Problem }

func (e *ValidationError) Error() string { return fmt.Sprintf("%d bad fields", len(e.Problems)) }

// PushPartnerSignals stores the signals a partner pushes: all of the
// batch or none. It checks the kinds against the token's scopes (a
// *ScopeError naming the kinds refused), then every field of every signal
// (a *ValidationError naming each), stores the batch with its
// Idempotency-Key and the audit record of the call in one transaction, and
// asks for the rescoring of the businesses with new signals. Refusals are
// recorded in the audit as well.
type PushPartnerSignals struct {
	Signals  PartnerSignals
	Calls    PartnerCalls
	Rescorer Rescorer // rescores their businesses after the commit (nil: the daily rescoring will)
	Now      Clock
	Log      *slog.Logger
}

// Push stores p.
func (uc PushPartnerSignals) Push(ctx context.Context, p PartnerPush) (PushResult, error) {
	now := uc.Now()
	call := PartnerCall{At: now, ClientID: p.Caller.ClientID, Route: PartnerRouteSignals, Kinds: KindsOf(p.Reports),
		Signals: len(p.Reports), IdempotencyKey: p.Key, TraceID: audit.TraceID(ctx)}
	if refused := uc.outOfScope(p); len(refused) > 0 {
		uc.record(ctx, call, PartnerForbiddenKind)
		return PushResult{}, &ScopeError{Refused: refused}
	}
	batch := PartnerBatch{ClientID: p.Caller.ClientID, Key: p.Key, Fingerprint: p.Fingerprint, At: now}
	problems := slices.Clone(p.Unreadable)
	today := time.Date(now.Year(), now.Month(), now.Day(), 0, 0, 0, 0, time.UTC)
	seen := map[string]int{}
	for i, r := range p.Reports {
		prefix := ""
		if p.Field != nil {
			prefix = p.Field(i)
		}
		s, ps := r.Check(p.Caller.ClientID, today)
		if first, dup := seen[r.Reference]; dup && r.Reference != "" {
			ps = append(ps, signal.Problem{Field: "reference", Code: "duplicate",
				Message: "Cette référence est déjà celle du signal " + strconv.Itoa(first) + " de l'envoi."})
		}
		seen[r.Reference] = i
		for _, pr := range ps {
			if prefix != "" {
				pr.Field = prefix + "." + pr.Field
			}
			// A member unreadable is said once, not again as missing.
			if !slices.ContainsFunc(p.Unreadable, func(u signal.Problem) bool { return u.Field == pr.Field }) {
				problems = append(problems, pr)
			}
		}
		id, err := uuid.NewV7()
		if err != nil {
			return PushResult{}, err
		}
		batch.Signals = append(batch.Signals, NewPartnerSignal{ID: id.String(), PartnerSignal: s})
	}
	if len(problems) > 0 {
		uc.record(ctx, call, PartnerInvalid)
		return PushResult{}, &ValidationError{Problems: problems}
	}
	res, err := uc.Signals.PushSignals(ctx, batch, call)
	if err != nil {
		return PushResult{}, fmt.Errorf("store partner signals: %w", err)
	}
	if !res.Replayed {
		uc.rescore(ctx, batch, res)
	}
	return res, nil
}

// outOfScope lists the kinds of p beyond the caller's scopes (unknown
// kinds are left to the field checks).
func (uc PushPartnerSignals) outOfScope(p PartnerPush) []string {
	var refused []string
	for _, r := range p.Reports {
		pk, ok := signal.PartnerKindOf(signal.Kind(r.Kind))
		if ok && !p.Caller.May(pk) && !slices.Contains(refused, r.Kind) {
			refused = append(refused, r.Kind)
		}
	}
	return refused
}

// rescore asks scoring to rescore the businesses with new signals. The
// signals are stored already: a failure is logged, and the daily
// rescoring catches up.
func (uc PushPartnerSignals) rescore(ctx context.Context, b PartnerBatch, res PushResult) {
	if uc.Rescorer == nil {
		return
	}
	var sirens []string
	for i, s := range res.Signals {
		if s.Outcome == SignalCreated && !slices.Contains(sirens, b.Signals[i].SIREN) {
			sirens = append(sirens, b.Signals[i].SIREN)
		}
	}
	if len(sirens) == 0 {
		return
	}
	if err := uc.Rescorer.Rescore(ctx, sirens); err != nil && uc.Log != nil {
		// The SIRENs are not logged: they name businesses in difficulty.
		uc.Log.ErrorContext(ctx, "rescore after partner signals", "client_id", b.ClientID, "businesses", len(sirens), "err", err)
	}
}

// record writes the audit record of a refused push. The refusal stands
// even when it cannot be recorded (it wrote nothing); the failure is
// logged.
func (uc PushPartnerSignals) record(ctx context.Context, call PartnerCall, outcome string) {
	call.Outcome = outcome
	if err := uc.Calls.RecordCall(ctx, call); err != nil && uc.Log != nil {
		uc.Log.ErrorContext(ctx, "partner call not audited", "client_id", call.ClientID, "outcome", outcome, "err", err)
	}
}

// KindsOf lists the known kinds of reports, once each, in order.
func KindsOf(reports []signal.PartnerReport) []string {
	kinds := []string{}
	for _, r := range reports {
		if _, ok := signal.PartnerKindOf(signal.Kind(r.Kind)); ok && !slices.Contains(kinds, r.Kind) {
			kinds = append(kinds, r.Kind)
		}
	}
	return kinds
}
