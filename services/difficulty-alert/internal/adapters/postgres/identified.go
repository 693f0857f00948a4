package postgres

import (
	"context"
	"errors"
	"fmt"

	"github.com/jackc/pgx/v5"

	"github.com/ccicma/platform/pkg/events"
	"github.com/ccicma/platform/pkg/inbox"

	"github.com/ccicma/platform/services/difficulty-alert/internal/domain/signal"
)

// RecordSignal implements app.IdentifiedSignals: the signal and the
// inbox claim of its event in one transaction. The signal is unique by
// source and reference (the table's UNIQUE), so the same report or
// checkpoint replayed under another event id stores nothing either. In
// the same transaction the open case of the signal's request, when it
// opened first, learns its business (linkCase).
func (s *Store) RecordSignal(ctx context.Context, trigger events.Event, signalID string, sg signal.Signal) (bool, error) {
	var siret *string
	if sg.SIRET != "" {
		siret = &sg.SIRET
	}
	stored := false
	_, err := inbox.Apply(ctx, s.pool, Consumer, trigger, func(tx pgx.Tx) error {
		tag, err := tx.Exec(ctx, `INSERT INTO signals (signal_id, source, kind, theme, siren, siret, occurred_on, strength,
				expires_on, source_ref, recorded_at, request_id)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, now(), NULLIF($11, '')::uuid)
			ON CONFLICT (source, source_ref) DO NOTHING`,
			signalID, string(sg.Source), string(sg.Kind), string(sg.Theme), sg.SIREN, siret, sg.On, sg.Strength, sg.Expires, sg.Ref,
			sg.RequestID)
		if err != nil {
			return fmt.Errorf("insert signal: %w", err)
		}
		stored = tag.RowsAffected() == 1
		if sg.RequestID == "" {
			return nil
		}
		if err := lockRequest(ctx, tx, sg.RequestID); err != nil {
			return err
		}
		return linkCase(ctx, tx, sg.RequestID, sg.SIREN)
	})
	return stored, err
}

// lockRequest serialises, until the transaction ends, the two writers
// that link a request's case to its business: the signal of the request
// and the opening of its case, which the confidential stream and the
// domain stream deliver at the same moment. Without it each would commit
// without seeing the other (READ COMMITTED), and the case would never
// learn its business.
func lockRequest(ctx context.Context, tx pgx.Tx, requestID string) error {
	if _, err := tx.Exec(ctx, `SELECT pg_advisory_xact_lock(hashtextextended('case-business:' || $1, 0))`, requestID); err != nil {
		return fmt.Errorf("lock request's case: %w", err)
	}
	return nil
}

// linkCase names the business of the open case of a request that does
// not know it yet, unless the business has another open case already
// (one open case a business): the rescoring then finds the case by its
// business, escalates it as the level rises, closes it on a liquidation.
func linkCase(ctx context.Context, tx pgx.Tx, requestID, siren string) error {
	_, err := tx.Exec(ctx, `UPDATE difficulty_cases SET siren = $2, updated_at = now()
		WHERE request_id = $1 AND status <> 'closed' AND siren IS NULL
		  AND NOT EXISTS (SELECT 1 FROM difficulty_cases WHERE siren = $2 AND status <> 'closed')`, requestID, siren)
	if err != nil {
		return fmt.Errorf("link case of request to its business: %w", err)
	}
	return nil
}

// businessOfRequest is the business a signal of the request named
// (the newest), when it has no open case: a case opening after its
// signal takes it. "" when there is none.
func businessOfRequest(ctx context.Context, tx pgx.Tx, requestID string) (string, error) {
	var siren string
	err := tx.QueryRow(ctx, `SELECT s.siren FROM signals s WHERE s.request_id = $1
		AND NOT EXISTS (SELECT 1 FROM difficulty_cases c WHERE c.siren = s.siren AND c.status <> 'closed')
		ORDER BY s.recorded_at DESC LIMIT 1`, requestID).Scan(&siren)
	if errors.Is(err, pgx.ErrNoRows) {
		return "", nil
	}
	if err != nil {
		return "", fmt.Errorf("read business of request: %w", err)
	}
	return siren, nil
}
