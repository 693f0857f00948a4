package postgres

import (
	"cmp"
	"context"
	"fmt"
	"maps"
	"slices"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"

	"github.com/ccicma/platform/pkg/events"
	"github.com/ccicma/platform/pkg/pgdb"

	"github.com/ccicma/platform/services/advisor-desk/internal/domain/reminder"
)

// ApplyReminderChange applies a case event to the case's reminders, once
// per event: it cancels the pending timers and plans new ones as the
// domain decides, with the case row locked. Within a unit of work (a
// consumer's batch) the change joins the unit's other changes, applied
// together when the unit flushes; alone, it is applied at once.
func (s *Store) ApplyReminderChange(ctx context.Context, trigger events.Event, ch reminder.Change, d reminder.Durations) error {
	c := reminderChange{trigger: trigger, change: ch, durations: d}
	f, batched := pgdb.Deferred(ctx, reminderChangesKey{}, func() pgdb.Flusher { return &reminderChanges{} })
	if batched {
		f.(*reminderChanges).items = append(f.(*reminderChanges).items, c)
		return nil
	}
	err := pgdb.InTx(ctx, s.pool, func(tx pgx.Tx) error {
		return (&reminderChanges{items: []reminderChange{c}}).Flush(ctx, tx)
	})
	if err != nil {
		return fmt.Errorf("reminders of %s %s: %w", ch.Ref.Kind, ch.Ref.ID, err)
	}
	return nil
}

type reminderChange struct {
	trigger   events.Event
	change    reminder.Change
	durations reminder.Durations
}

type reminderChangesKey struct{}

// caseKey identifies a followed case.
type caseKey struct{ kind, id string }

// reminderChanges are the reminder changes of a unit of work, applied with
// a few set-based statements whatever their number: claim the triggers
// (ReminderConsumer), create the missing case rows and lock every case
// concerned, in key order, so concurrent units cannot deadlock (one round
// trip); apply the changes in memory, in order; store the cases' new
// state, cancel the timers of restarted or stopped cases and insert the
// timers planned (one round trip). A trigger claimed before, or repeated
// within the unit, changes nothing.
type reminderChanges struct {
	items []reminderChange
}

// reminderState is a case's state while a unit applies its changes.
type reminderState struct {
	cur     reminder.Case
	found   bool
	changed bool
	cancel  bool // cancel the timers pending before the unit
}

// Flush implements pgdb.Flusher.
func (b *reminderChanges) Flush(ctx context.Context, tx pgx.Tx) error {
	if len(b.items) == 0 {
		return nil
	}
	claimed, states, err := b.lock(ctx, tx)
	if err != nil {
		return err
	}
	var timers []plannedTimer
	for _, it := range b.items {
		id := canonical(it.trigger.ID)
		if !claimed[id] {
			continue
		}
		delete(claimed, id) // a copy later in the unit is a duplicate
		st := states[caseKey{it.change.Ref.Kind, it.change.Ref.ID}]
		next, plan, ok := st.cur.Apply(it.change, st.found, it.durations)
		if !ok {
			continue
		}
		st.cur, st.found, st.changed = next, true, true
		if plan.Cancel {
			st.cancel = true
			timers = cancelPlanned(timers, it.change.Ref)
		}
		for _, t := range plan.Timers {
			timers = append(timers, plannedTimer{Timer: t, status: "pending"})
		}
	}
	return writeReminderChanges(ctx, tx, states, timers)
}

// plannedTimer is a timer planned in the unit, with the status it is
// stored with (a later change of the unit may cancel it).
type plannedTimer struct {
	reminder.Timer
	status string
}

// cancelPlanned cancels the timers of ref planned earlier in the unit.
func cancelPlanned(ts []plannedTimer, ref reminder.Ref) []plannedTimer {
	for i := range ts {
		if ts[i].Ref.Kind == ref.Kind && ts[i].Ref.ID == ref.ID && ts[i].status == "pending" {
			ts[i].status = "cancelled"
		}
	}
	return ts
}

// lock claims the triggers, then creates the missing case rows and locks
// all the cases concerned, in key order, reading their state.
func (b *reminderChanges) lock(ctx context.Context, tx pgx.Tx) (map[string]bool, map[caseKey]*reminderState, error) {
	ids := make([]string, len(b.items))
	keys := map[caseKey]bool{}
	for i, it := range b.items {
		ids[i] = canonical(it.trigger.ID)
		keys[caseKey{it.change.Ref.Kind, it.change.Ref.ID}] = true
	}
	sorted := slices.SortedFunc(maps.Keys(keys), func(a, b caseKey) int {
		return cmp.Or(cmp.Compare(a.kind, b.kind), cmp.Compare(a.id, b.id))
	})
	kinds, caseIDs := make([]string, len(sorted)), make([]string, len(sorted))
	for i, k := range sorted {
		kinds[i], caseIDs[i] = k.kind, k.id
	}
	claimed := map[string]bool{}
	states := map[caseKey]*reminderState{}
	batch := &pgx.Batch{}
	batch.Queue(`INSERT INTO inbox (consumer, event_id) SELECT $1, unnest($2::uuid[])
		ON CONFLICT DO NOTHING RETURNING event_id::text`, ReminderConsumer, ids).Query(func(rows pgx.Rows) error {
		got, err := pgx.CollectRows(rows, pgx.RowTo[string])
		for _, id := range got {
			claimed[id] = true
		}
		return err
	})
	// Two first events of a case (on two replicas) queue on the row lock.
	batch.Queue(`INSERT INTO reminder_cases (case_kind, case_id, taken, generation)
		SELECT k, i, false, 0 FROM unnest($1::text[], $2::text[]) WITH ORDINALITY AS v(k, i, n) ORDER BY n
		ON CONFLICT DO NOTHING`, kinds, caseIDs)
	batch.Queue(`SELECT c.case_kind, c.case_id, c.as_of, c.taken, c.generation FROM reminder_cases c
		JOIN unnest($1::text[], $2::text[]) AS v(k, i) ON c.case_kind = v.k AND c.case_id = v.i
		ORDER BY c.case_kind, c.case_id FOR UPDATE OF c`, kinds, caseIDs).Query(func(rows pgx.Rows) error {
		var k caseKey
		var asOf *time.Time
		var c reminder.Case
		_, err := pgx.ForEachRow(rows, []any{&k.kind, &k.id, &asOf, &c.Taken, &c.Generation}, func() error {
			st := &reminderState{cur: c, found: asOf != nil}
			if asOf != nil {
				st.cur.AsOf = *asOf
			}
			states[k] = st
			return nil
		})
		return err
	})
	if err := tx.SendBatch(ctx, batch).Close(); err != nil {
		return nil, nil, fmt.Errorf("lock %d reminder cases: %w", len(sorted), err)
	}
	if len(states) != len(sorted) {
		return nil, nil, fmt.Errorf("lock reminder cases: %d of %d found", len(states), len(sorted))
	}
	return claimed, states, nil
}

// writeReminderChanges stores the changed cases, cancels the timers
// pending before the unit of the cases restarted or stopped, and inserts
// the timers planned.
func writeReminderChanges(ctx context.Context, tx pgx.Tx, states map[caseKey]*reminderState, timers []plannedTimer) error {
	var kinds, ids, cancelKinds, cancelIDs []string
	var asOfs []time.Time
	var taken []bool
	var gens []int // pgx refuses one out of the int column's range, never wraps it
	for k, st := range states {
		if !st.changed {
			continue
		}
		kinds, ids, asOfs = append(kinds, k.kind), append(ids, k.id), append(asOfs, st.cur.AsOf)
		taken, gens = append(taken, st.cur.Taken), append(gens, st.cur.Generation)
		if st.cancel {
			cancelKinds, cancelIDs = append(cancelKinds, k.kind), append(cancelIDs, k.id)
		}
	}
	if len(kinds) == 0 {
		return nil
	}
	batch := &pgx.Batch{}
	batch.Queue(`UPDATE reminder_cases c SET as_of = v.a, taken = v.t, generation = v.g
		FROM unnest($1::text[], $2::text[], $3::timestamptz[], $4::bool[], $5::int[]) AS v(k, i, a, t, g)
		WHERE c.case_kind = v.k AND c.case_id = v.i`, kinds, ids, asOfs, taken, gens)
	if len(cancelKinds) > 0 {
		batch.Queue(`UPDATE reminder_timers t SET status = 'cancelled'
			FROM unnest($1::text[], $2::text[]) AS v(k, i)
			WHERE t.case_kind = v.k AND t.case_id = v.i AND t.status = 'pending'`, cancelKinds, cancelIDs)
	}
	if len(timers) > 0 {
		queueTimers(batch, timers)
	}
	if err := tx.SendBatch(ctx, batch).Close(); err != nil {
		return fmt.Errorf("save %d reminder cases: %w", len(kinds), err)
	}
	return nil
}

// queueTimers inserts the timers in one statement.
func queueTimers(batch *pgx.Batch, ts []plannedTimer) {
	n := len(ts)
	kinds, ids, stages, chambers, depts := make([]string, n), make([]string, n), make([]string, n), make([]string, n), make([]string, n)
	advisors, statuses, gens := make([]string, n), make([]string, n), make([]int, n)
	started, due := make([]time.Time, n), make([]time.Time, n)
	for i, t := range ts {
		kinds[i], ids[i], stages[i], chambers[i], depts[i] = t.Ref.Kind, t.Ref.ID, t.Stage, t.Ref.Chamber, t.Ref.Departement
		advisors[i], statuses[i], gens[i], started[i], due[i] = t.AdvisorID, t.status, t.Generation, t.StartedAt, t.DueAt
	}
	batch.Queue(`INSERT INTO reminder_timers
		(case_kind, case_id, generation, stage, chamber, departement, advisor_id, started_at, due_at, status)
		SELECT k, i, g, s, c, d, a, st, du, status
		FROM unnest($1::text[], $2::text[], $3::int[], $4::text[], $5::text[], $6::text[], $7::text[],
			$8::timestamptz[], $9::timestamptz[], $10::text[]) WITH ORDINALITY AS v(k, i, g, s, c, d, a, st, du, status, n)
		ORDER BY n ON CONFLICT DO NOTHING`, kinds, ids, gens, stages, chambers, depts, advisors, started, due, statuses)
}

// canonical spells a UUID as Postgres returns it, so that ids read back
// match those sent; what does not parse is left for Postgres to refuse.
func canonical(id string) string {
	if u, err := uuid.Parse(id); err == nil {
		return u.String()
	}
	return id
}
