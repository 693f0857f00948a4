package postgres

import (
	"context"
	"errors"
	"fmt"
	"slices"

	"github.com/jackc/pgx/v5"

	"github.com/ccicma/platform/pkg/events"
	"github.com/ccicma/platform/pkg/outbox"
	"github.com/ccicma/platform/pkg/pgdb"

	"github.com/ccicma/platform/services/advisor-desk/internal/domain/directory"
)

// advisorColumns are read by scanAdvisor, in its order.
const advisorColumns = `advisor_id, revision, chamber, full_name, email, departements, communes, epcis,
	specialities, capacity, active, absent_until, roles`

func scanAdvisor(row pgx.Row) (directory.Advisor, error) {
	var a directory.Advisor
	err := row.Scan(&a.AdvisorID, &a.Revision, &a.Chamber, &a.FullName, &a.Email, &a.Departements, &a.Communes, &a.EPCIs,
		&a.Specialities, &a.Capacity, &a.Active, &a.AbsentUntil, &a.Roles)
	if a.AbsentUntil != nil {
		t := a.AbsentUntil.UTC()
		a.AbsentUntil = &t
	}
	return a, err
}

// SaveAdvisors implements app.Directory: it runs change for each id, in one
// transaction, each entry locked (in id order, so that two imports cannot
// deadlock); the first error rolls everything back.
func (s *Store) SaveAdvisors(ctx context.Context, ids []string,
	change func(id string, cur directory.Advisor, found bool) (directory.Advisor, []events.Event, bool, error)) error {
	ids = slices.Clone(ids)
	slices.Sort(ids)
	wrote := false
	err := pgdb.InTx(ctx, s.pool, func(tx pgx.Tx) error {
		wrote = false
		cur, err := lockAdvisors(ctx, tx, ids)
		if err != nil {
			return err
		}
		for _, id := range ids {
			a, found := cur[id]
			next, evs, ok, err := change(id, a, found)
			if err != nil {
				return err
			}
			if !ok {
				continue
			}
			if err := upsertAdvisor(ctx, tx, next.Normalized()); err != nil {
				return err
			}
			if err := outbox.Add(ctx, tx, evs...); err != nil {
				return err
			}
			wrote = wrote || len(evs) > 0
		}
		return nil
	})
	if err == nil && wrote {
		s.relay.Wake()
	}
	return err
}

func lockAdvisors(ctx context.Context, tx pgx.Tx, ids []string) (map[string]directory.Advisor, error) {
	rows, err := tx.Query(ctx, `SELECT `+advisorColumns+` FROM advisors WHERE advisor_id = ANY($1)
		ORDER BY advisor_id FOR UPDATE`, ids)
	if err != nil {
		return nil, fmt.Errorf("lock advisors: %w", err)
	}
	list, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (directory.Advisor, error) { return scanAdvisor(r) })
	if err != nil {
		return nil, fmt.Errorf("load advisors: %w", err)
	}
	out := make(map[string]directory.Advisor, len(list))
	for _, a := range list {
		out[a.AdvisorID] = a
	}
	return out, nil
}

// upsertAdvisor writes an entry at its new revision. An existing entry is
// locked, so the guard on the previous revision only matters for a new
// one: two transactions that both found no entry must not both write
// revision 1 (the second would replace the first under the same revision,
// and projections would keep whichever they saw first). The loser gets
// directory.ErrStale.
func upsertAdvisor(ctx context.Context, tx pgx.Tx, a directory.Advisor) error {
	tag, err := tx.Exec(ctx, `INSERT INTO advisors
		(advisor_id, revision, chamber, full_name, email, departements, communes, epcis, specialities, capacity, active,
		 absent_until, roles, updated_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, now())
		ON CONFLICT (advisor_id) DO UPDATE SET revision = EXCLUDED.revision, chamber = EXCLUDED.chamber,
			full_name = EXCLUDED.full_name, email = EXCLUDED.email, departements = EXCLUDED.departements,
			communes = EXCLUDED.communes, epcis = EXCLUDED.epcis, specialities = EXCLUDED.specialities,
			capacity = EXCLUDED.capacity, active = EXCLUDED.active, absent_until = EXCLUDED.absent_until,
			roles = EXCLUDED.roles, updated_at = now()
		WHERE advisors.revision = EXCLUDED.revision - 1`,
		a.AdvisorID, a.Revision, a.Chamber, a.FullName, a.Email, a.Departements, a.Communes, a.EPCIs, a.Specialities,
		a.Capacity, a.Active, a.AbsentUntil, a.Roles)
	if err != nil {
		return fmt.Errorf("save advisor %s: %w", a.AdvisorID, err)
	}
	if tag.RowsAffected() != 1 {
		return fmt.Errorf("save advisor %s at revision %d: %w", a.AdvisorID, a.Revision, directory.ErrStale)
	}
	return nil
}

// Advisors lists the directory, by advisor id.
func (s *Store) Advisors(ctx context.Context) ([]directory.Advisor, error) {
	rows, err := s.pool.Query(ctx, `SELECT `+advisorColumns+` FROM advisors ORDER BY advisor_id`)
	if err != nil {
		return nil, fmt.Errorf("list advisors: %w", err)
	}
	list, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (directory.Advisor, error) { return scanAdvisor(r) })
	if err != nil {
		return nil, fmt.Errorf("list advisors: %w", err)
	}
	return list, nil
}

// Advisor returns a directory entry.
func (s *Store) Advisor(ctx context.Context, id string) (directory.Advisor, bool, error) {
	a, err := scanAdvisor(s.pool.QueryRow(ctx, `SELECT `+advisorColumns+` FROM advisors WHERE advisor_id = $1`, id))
	if errors.Is(err, pgx.ErrNoRows) {
		return directory.Advisor{}, false, nil
	}
	if err != nil {
		return directory.Advisor{}, false, fmt.Errorf("load advisor %s: %w", id, err)
	}
	return a, true, nil
}
