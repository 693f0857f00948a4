package postgres

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/ccicma/platform/pkg/pgdb"

	"github.com/ccicma/platform/services/difficulty-alert/internal/app"
	"github.com/ccicma/platform/services/difficulty-alert/internal/domain/signal"
)

// ApplyNotices implements app.Signals: the batch in one transaction.
// Every notice is recorded in bodacc_notices, which makes a second
// application a duplicate. A notice arriving after the rectification or
// cancellation that names it (exports overlap and come in any order) is
// stored already replaced or withdrawn.
//
// The businesses the batch changed are rescored in the same transaction,
// so that a score never lags its signals.
func (s *Store) ApplyNotices(ctx context.Context, batch []app.NoticeToApply, score app.ScoreFunc) ([]app.Outcome, error) {
	outcomes := make([]app.Outcome, len(batch))
	var emitted bool
	err := pgdb.InTx(ctx, s.pool, func(tx pgx.Tx) error {
		var sirens []string
		for i, n := range batch {
			o, err := applyNotice(ctx, tx, n)
			if err != nil {
				return fmt.Errorf("notice %s: %w", n.Notice.Ref, err)
			}
			outcomes[i] = o
			if o != app.OutcomeDuplicate && !slices.Contains(sirens, n.Notice.SIREN) {
				sirens = append(sirens, n.Notice.SIREN)
			}
		}
		if err := updateCourtStates(ctx, tx, sirens); err != nil {
			return err
		}
		slices.Sort(sirens)
		var err error
		emitted, err = rescore(ctx, tx, sirens, score)
		return err
	})
	if err == nil && emitted {
		pgdb.AfterCommit(ctx, s.relay.Wake)
	}
	return outcomes, err
}

func applyNotice(ctx context.Context, tx pgx.Tx, a app.NoticeToApply) (app.Outcome, error) {
	n := a.Notice
	var previous *string
	if n.Previous != "" {
		previous = &n.Previous
	}
	tag, err := tx.Exec(ctx, `INSERT INTO bodacc_notices (notice_ref, notice_type, previous_ref, siren, published_on, applied_at, departement)
		VALUES ($1, $2, $3, $4, $5, now(), NULLIF($6, '')) ON CONFLICT (notice_ref) DO NOTHING`,
		n.Ref, string(n.Type), previous, n.SIREN, n.Published, n.Departement)
	if err != nil || tag.RowsAffected() == 0 {
		return app.OutcomeDuplicate, err
	}
	if n.Type == signal.NoticeCancellation {
		ended, err := endSignal(ctx, tx, n.Previous, signal.StatusWithdrawn, nil)
		if err != nil || !ended {
			return app.OutcomeUnknownPrevious, err
		}
		return app.OutcomeWithdrawn, nil
	}
	if err := insertSignal(ctx, tx, a); err != nil {
		return "", err
	}
	if n.Type == signal.NoticeRectification {
		replaced, err := endSignal(ctx, tx, n.Previous, signal.StatusReplaced, &a.SignalID)
		if err != nil || replaced {
			return app.OutcomeReplaced, err
		}
	}
	return app.OutcomeImported, nil
}

// insertSignal stores a notice's signal, ended at once when a
// cancellation or rectification naming the notice came first.
func insertSignal(ctx context.Context, tx pgx.Tx, a app.NoticeToApply) error {
	sg := a.Notice.Signal()
	var siret *string
	if sg.SIRET != "" {
		siret = &sg.SIRET
	}
	_, err := tx.Exec(ctx, `INSERT INTO signals (signal_id, source, kind, theme, siren, siret, occurred_on, strength, expires_on,
			source_ref, procedure, court, status, replaced_by, recorded_at, ended_at)
		SELECT $1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12,
			CASE WHEN later.notice_type = 'annulation' THEN 'withdrawn' WHEN later.notice_type IS NOT NULL THEN 'replaced' ELSE 'active' END,
			later.signal_id, now(), CASE WHEN later.notice_type IS NOT NULL THEN now() END
		FROM (SELECT 1) one
		LEFT JOIN LATERAL (
			SELECT n.notice_type, s.signal_id FROM bodacc_notices n
			LEFT JOIN signals s ON s.source = 'bodacc' AND s.source_ref = n.notice_ref
			WHERE n.previous_ref = $10 ORDER BY n.published_on DESC, n.notice_ref DESC LIMIT 1
		) later ON true`,
		a.SignalID, string(sg.Source), string(sg.Kind), string(sg.Theme), sg.SIREN, siret, sg.On, sg.Strength, sg.Expires,
		sg.Ref, string(sg.Procedure), a.Notice.Tribunal)
	return err
}

// endSignal ends the signal in force of notice ref: its own, or the one
// that replaced it last (a second rectification of a notice, or its
// cancellation after a rectification, concerns its latest version).
// ended is false when there is none (a notice never imported).
func endSignal(ctx context.Context, tx pgx.Tx, ref string, status signal.Status, by *string) (bool, error) {
	tag, err := tx.Exec(ctx, `WITH RECURSIVE versions AS (
			SELECT signal_id, replaced_by FROM signals WHERE source = 'bodacc' AND source_ref = $1
			UNION ALL
			SELECT s.signal_id, s.replaced_by FROM signals s JOIN versions v ON s.signal_id = v.replaced_by
		)
		UPDATE signals SET status = $2, replaced_by = $3, ended_at = now()
		WHERE signal_id IN (SELECT signal_id FROM versions) AND status = 'active' AND signal_id IS DISTINCT FROM $3`,
		ref, string(status), by)
	return tag.RowsAffected() > 0, err
}

// updateCourtStates sets the court state of each business to the
// procedure of its latest judgment in force, or removes it when none is.
func updateCourtStates(ctx context.Context, tx pgx.Tx, sirens []string) error {
	if len(sirens) == 0 {
		return nil
	}
	if _, err := tx.Exec(ctx, `DELETE FROM business_court_states WHERE siren = ANY($1)`, sirens); err != nil {
		return err
	}
	_, err := tx.Exec(ctx, `INSERT INTO business_court_states (siren, procedure, since, signal_id, updated_at)
		SELECT DISTINCT ON (siren) siren, procedure, occurred_on, signal_id, now() FROM signals
		WHERE siren = ANY($1) AND theme = 'court_events' AND status = 'active'
		ORDER BY siren, occurred_on DESC, signal_id DESC`, sirens)
	return err
}

// BusinessSignals implements app.Signals.
func (s *Store) BusinessSignals(ctx context.Context, siren string) ([]app.StoredSignal, app.CourtState, bool, error) {
	rows, err := s.pool.Query(ctx, `SELECT signal_id::text, source, kind, theme, siren, coalesce(siret, ''), occurred_on, strength,
			expires_on, source_ref, coalesce(procedure, ''), coalesce(court, ''), status
		FROM signals WHERE siren = $1 ORDER BY occurred_on DESC, signal_id DESC`, siren)
	if err != nil {
		return nil, app.CourtState{}, false, err
	}
	ss, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (app.StoredSignal, error) {
		var sg app.StoredSignal
		var source, kind, theme, procedure, status string
		err := r.Scan(&sg.ID, &source, &kind, &theme, &sg.SIREN, &sg.SIRET, &sg.On, &sg.Strength, &sg.Expires, &sg.Ref,
			&procedure, &sg.Court, &status)
		sg.Source, sg.Kind, sg.Theme, sg.Procedure, sg.Status = signal.Source(source), signal.Kind(kind), signal.Theme(theme),
			signal.Procedure(procedure), signal.Status(status)
		return sg, err
	})
	if err != nil {
		return nil, app.CourtState{}, false, err
	}
	var cs app.CourtState
	var procedure string
	var since time.Time
	err = s.pool.QueryRow(ctx, `SELECT procedure, since, signal_id::text FROM business_court_states WHERE siren = $1`, siren).
		Scan(&procedure, &since, &cs.SignalID)
	if errors.Is(err, pgx.ErrNoRows) {
		return ss, cs, false, nil
	}
	cs.Procedure, cs.Since = signal.Procedure(procedure), since.Format(time.DateOnly)
	return ss, cs, err == nil, err
}
