package pgdb

import (
	"context"

	"github.com/jackc/pgx/v5"
)

// A unit of work lets several handlers share one transaction: a consumer
// that commits a batch of events at once puts the batch's transaction in
// each handler's context, and InTx joins it instead of opening its own.
// Whoever owns the unit commits or rolls it back, then runs the actions
// registered with AfterCommit.
type unit struct {
	tx       pgx.Tx
	after    []func()
	deferred map[any]Flusher
	order    []any
}

// Flusher is a write accumulated over a unit of work and made once, just
// before the unit commits (see Deferred).
type Flusher interface {
	Flush(ctx context.Context, tx pgx.Tx) error
}

type unitKey struct{}

// Unit is a shared transaction and the actions to run once it commits.
type Unit struct{ u *unit }

// NewUnit wraps tx as a unit of work.
func NewUnit(tx pgx.Tx) Unit { return Unit{&unit{tx: tx}} }

// Context returns ctx carrying the unit: InTx and AfterCommit called with
// it join the unit.
func (u Unit) Context(ctx context.Context) context.Context {
	return context.WithValue(ctx, unitKey{}, u.u)
}

// Flush makes the unit's deferred writes, in the order they were first
// requested. The owner calls it just before committing; an error means the
// unit must roll back.
func (u Unit) Flush(ctx context.Context) error {
	for _, k := range u.u.order {
		if err := u.u.deferred[k].Flush(ctx, u.u.tx); err != nil {
			return err
		}
	}
	return nil
}

// Committed runs the actions registered with AfterCommit, in order. Call it
// only after the transaction committed; after a rollback, drop the unit.
func (u Unit) Committed() {
	for _, f := range u.u.after {
		f()
	}
	u.u.after = nil
}

// AfterCommit runs f once the work of ctx is durable: after the enclosing
// unit commits, or at once when ctx carries no unit (the caller's own
// transaction has already committed). Use it for in-process signals such as
// waking the outbox relay or a live stream, which must not fire for work
// that may still roll back.
func AfterCommit(ctx context.Context, f func()) {
	if u, ok := ctx.Value(unitKey{}).(*unit); ok {
		u.after = append(u.after, f)
		return
	}
	f()
}

func unitOf(ctx context.Context) (*unit, bool) {
	u, ok := ctx.Value(unitKey{}).(*unit)
	return u, ok
}

// Deferred returns the Flusher stored under key in the unit of work of ctx,
// creating it the first time; the unit flushes it once, before commit. It
// reports false when ctx carries no unit: the caller then writes at once in
// its own transaction.
//
// Handlers use it for writes to shared rows, such as counters: done per
// event, they would lock those rows for the whole batch in whatever order
// the events came, and concurrent batches would deadlock; done once at the
// end, in a fixed order, they lock briefly and always in the same order.
func Deferred(ctx context.Context, key any, create func() Flusher) (Flusher, bool) {
	u, ok := unitOf(ctx)
	if !ok {
		return nil, false
	}
	if f, ok := u.deferred[key]; ok {
		return f, true
	}
	if u.deferred == nil {
		u.deferred = map[any]Flusher{}
	}
	f := create()
	u.deferred[key] = f
	u.order = append(u.order, key)
	return f, true
}
