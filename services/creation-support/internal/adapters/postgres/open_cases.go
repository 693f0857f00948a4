package postgres

import (
	"context"
	"fmt"
	"maps"
	"slices"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"

	"github.com/ccicma/platform/pkg/directory/projection"
	"github.com/ccicma/platform/pkg/events"
	"github.com/ccicma/platform/pkg/outbox"
	"github.com/ccicma/platform/pkg/pgdb"

	"github.com/ccicma/platform/services/creation-support/internal/domain/creation"
)

// OpenCase implements app.Cases. Within a unit of work (a consumer's
// batch) the opening joins the unit's other openings, made together when
// the unit flushes; alone, it is made at once in its own transaction.
func (s *Store) OpenCase(ctx context.Context, trigger events.Event, req creation.Request,
	decide func([]creation.AdvisorLoad) (creation.Case, []events.Event, error)) error {
	o := opening{ctx: ctx, trigger: trigger, req: req, decide: decide}
	f, batched := pgdb.Deferred(ctx, openingsKey{}, func() pgdb.Flusher { return &openings{} })
	if batched {
		b := f.(*openings)
		if len(b.items) == 0 {
			pgdb.AfterCommit(ctx, s.relay.Wake)
		}
		b.items = append(b.items, o)
		return nil
	}
	err := pgdb.InTx(ctx, s.pool, func(tx pgx.Tx) error {
		return (&openings{items: []opening{o}}).Flush(ctx, tx)
	})
	if err != nil {
		return err
	}
	s.relay.Wake()
	return nil
}

// opening is a case to open for a submitted request.
type opening struct {
	ctx     context.Context // the trigger's, whose trace the events carry
	trigger events.Event
	req     creation.Request
	decide  func([]creation.AdvisorLoad) (creation.Case, []events.Event, error)
}

type openingsKey struct{}

// openings are the case openings of a unit of work, made with a few
// set-based statements whatever their number: claim every trigger in the
// inbox, read which requests already have a case and the candidate
// advisors of every chamber and département concerned (one round trip);
// decide each case in order, counting the cases assigned so far in the
// loads; insert the cases; insert their events in the outbox and count
// them in the advisors' loads (one round trip).
//
// A trigger claimed before (a redelivery), or repeated within the batch,
// opens nothing; nor does a request that already has a case (an event
// replayed after its inbox row was pruned). The loads are written once,
// in advisor order: concurrent units lock advisor rows briefly and always
// in the same order, so they cannot deadlock.
type openings struct {
	items []opening
}

// Flush implements pgdb.Flusher.
func (b *openings) Flush(ctx context.Context, tx pgx.Tx) error {
	if len(b.items) == 0 {
		return nil
	}
	claimed, existing, candidates, err := b.read(ctx, tx)
	if err != nil {
		return err
	}
	decided, err := b.decide(claimed, existing, candidates)
	if err != nil {
		return err
	}
	return writeOpenings(ctx, tx, decided)
}

// decision is a case decided for an opening, with its events.
type decision struct {
	ctx    context.Context
	c      creation.Case
	events []events.Event
}

// read claims the triggers and reads what the decisions need.
func (b *openings) read(ctx context.Context, tx pgx.Tx) (claimed, existing map[string]bool,
	candidates map[[2]string][]creation.AdvisorLoad, err error) {
	eventIDs, requestIDs := make([]string, len(b.items)), make([]string, len(b.items))
	keys := map[[2]string]bool{}
	for i, o := range b.items {
		eventIDs[i], requestIDs[i] = canonical(o.trigger.ID), canonical(o.req.RequestID)
		keys[[2]string{o.req.Chamber, o.req.Departement}] = true
	}
	claimed, existing = map[string]bool{}, map[string]bool{}
	batch := &pgx.Batch{}
	batch.Queue(`INSERT INTO inbox (consumer, event_id) SELECT $1, unnest($2::uuid[])
		ON CONFLICT DO NOTHING RETURNING event_id::text`, Consumer, eventIDs).Query(collectSet(claimed))
	batch.Queue(`SELECT request_id::text FROM creation_cases WHERE request_id = ANY($1::uuid[])`,
		requestIDs).Query(collectSet(existing))
	candidates = map[[2]string][]creation.AdvisorLoad{}
	queueCandidates(batch, slices.Collect(maps.Keys(keys)), candidates)
	if err := tx.SendBatch(ctx, batch).Close(); err != nil {
		return nil, nil, nil, fmt.Errorf("claim %d openings: %w", len(b.items), err)
	}
	return claimed, existing, candidates, nil
}

// collectSet adds the single text column of each row to set.
func collectSet(set map[string]bool) func(pgx.Rows) error {
	return func(rows pgx.Rows) error {
		ids, err := pgx.CollectRows(rows, pgx.RowTo[string])
		for _, id := range ids {
			set[id] = true
		}
		return err
	}
}

// queueCandidates reads the assignable advisors of each chamber and
// département with their load, as loadCandidates does for one (and, like
// it, without locks).
func queueCandidates(batch *pgx.Batch, keys [][2]string, into map[[2]string][]creation.AdvisorLoad) {
	chambers, depts := make([]string, len(keys)), make([]string, len(keys))
	for i, k := range keys {
		chambers[i], depts[i] = k[0], k[1]
	}
	batch.Queue(`SELECT k.chamber, k.dept, a.advisor_id, a.open_cases, a.capacity, a.absent_until, a.communes, a.epcis
		FROM unnest($1::text[], $2::text[]) AS k(chamber, dept)
		JOIN advisors a ON a.chamber = k.chamber AND $3 = ANY(a.specialities) AND k.dept = ANY(a.departements)
		WHERE a.active ORDER BY k.chamber, k.dept, a.advisor_id`, chambers, depts, events.SpecialityCreation).
		Query(func(rows pgx.Rows) error {
			var key [2]string
			var a creation.AdvisorLoad
			var absent *time.Time
			_, err := pgx.ForEachRow(rows, []any{&key[0], &key[1], &a.AdvisorID, &a.OpenCases, &a.Capacity, &absent, &a.Communes, &a.EPCIs}, func() error {
				a.AbsentUntil = time.Time{}
				if absent != nil {
					a.AbsentUntil = absent.UTC()
				}
				into[key] = append(into[key], a)
				a.Communes, a.EPCIs = nil, nil // the next row's arrays get their own
				return nil
			})
			if err != nil {
				return fmt.Errorf("read candidate advisors: %w", err)
			}
			return nil
		})
}

// decide decides the openings in order: each claimed trigger of a request
// without a case opens one, seeing the loads with the cases assigned
// before it in the batch.
func (b *openings) decide(claimed, existing map[string]bool,
	candidates map[[2]string][]creation.AdvisorLoad) ([]decision, error) {
	assigned := map[string]int{}
	var out []decision
	for _, o := range b.items {
		eventID, requestID := canonical(o.trigger.ID), canonical(o.req.RequestID)
		if !claimed[eventID] || existing[requestID] {
			continue
		}
		delete(claimed, eventID) // a copy later in the batch is a duplicate
		existing[requestID] = true
		loads := slices.Clone(candidates[[2]string{o.req.Chamber, o.req.Departement}])
		for i := range loads {
			loads[i].OpenCases += assigned[loads[i].AdvisorID]
		}
		c, evs, err := o.decide(loads)
		if err != nil {
			return nil, fmt.Errorf("open case for request %s: %w", o.req.RequestID, err)
		}
		if c.AdvisorID != "" {
			assigned[c.AdvisorID]++
		}
		out = append(out, decision{ctx: o.ctx, c: c, events: evs})
	}
	return out, nil
}

// writeOpenings stores the decided cases, then the events and loads of
// those stored: a request whose case a concurrent transaction stored first
// opens nothing here.
func writeOpenings(ctx context.Context, tx pgx.Tx, decided []decision) error {
	if len(decided) == 0 {
		return nil
	}
	opened, err := insertCases(ctx, tx, decided)
	if err != nil {
		return err
	}
	var entries []outbox.Entry
	assigned := map[string]int{}
	for _, d := range decided {
		if !opened[canonical(d.c.RequestID)] {
			continue
		}
		for _, ev := range d.events {
			entries = append(entries, outbox.Entry{Ctx: d.ctx, Event: ev})
		}
		if d.c.AdvisorID != "" {
			assigned[d.c.AdvisorID]++
		}
	}
	if err := outbox.AddEntries(ctx, tx, entries); err != nil {
		return err
	}
	return projection.AddCases(ctx, tx, assigned)
}

// insertCases stores the cases in one statement, skipping a request that
// already has one, and returns the requests whose case it stored.
func insertCases(ctx context.Context, tx pgx.Tx, decided []decision) (map[string]bool, error) {
	n := len(decided)
	ids, requests, chambers, seconds := make([]string, n), make([]string, n), make([]string, n), make([]string, n)
	advisors, stages, nafs, communes := make([]string, n), make([]string, n), make([]string, n), make([]string, n)
	nafVersions := make([]string, n)
	depts, epcis, rules, opened := make([]string, n), make([]string, n), make([]string, n), make([]time.Time, n)
	for i, d := range decided {
		c := d.c
		ids[i], requests[i], chambers[i], seconds[i] = c.ID, c.RequestID, c.Chamber, c.SecondaryChamber
		advisors[i], stages[i], nafs[i], communes[i] = c.AdvisorID, string(c.Stage), c.NAFCode, c.CommuneCode
		depts[i], epcis[i], rules[i], opened[i] = c.Departement, c.EPCI, c.RoutingRule, c.OpenedAt
		nafVersions[i] = c.NAFVersion
	}
	rows, err := tx.Query(ctx, `INSERT INTO creation_cases
		(case_id, request_id, chamber, secondary_chamber, advisor_id, stage, naf_code, naf_version, commune_code, departement, epci,
		 routing_rule, opened_at, updated_at)
		SELECT id, req, ch, NULLIF(sec, ''), NULLIF(adv, ''), st, NULLIF(naf, ''), NULLIF(nafv, ''), com, dep, NULLIF(epci, ''), rule, op, op
		FROM unnest($1::uuid[], $2::uuid[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[], $8::text[],
			$9::text[], $10::text[], $11::text[], $12::timestamptz[], $13::text[])
			AS v(id, req, ch, sec, adv, st, naf, com, dep, epci, rule, op, nafv)
		ON CONFLICT (request_id) DO NOTHING RETURNING request_id::text`,
		ids, requests, chambers, seconds, advisors, stages, nafs, communes, depts, epcis, rules, opened, nafVersions)
	if err != nil {
		return nil, fmt.Errorf("insert %d creation cases: %w", n, err)
	}
	stored := map[string]bool{}
	if err := collectSet(stored)(rows); err != nil {
		return nil, fmt.Errorf("insert %d creation cases: %w", n, err)
	}
	return stored, nil
}

// canonical spells a UUID as Postgres returns it, so that ids read back
// match those sent; what does not parse is left for Postgres to refuse.
func canonical(id string) string {
	if u, err := uuid.Parse(id); err == nil {
		return u.String()
	}
	return id
}
