package postgres

import (
	"context"
	"fmt"

	"github.com/jackc/pgx/v5"

	"github.com/ccicma/platform/pkg/events"
	"github.com/ccicma/platform/pkg/inbox"

	"github.com/ccicma/platform/services/difficulty-alert/internal/domain/signal"
)

// RecordSignal implements app.IdentifiedSignals: the signal and the
// inbox claim of its event in one transaction. The signal is unique by
// source and reference (the table's UNIQUE), so the same report or
// checkpoint replayed under another event id stores nothing either.
func (s *Store) RecordSignal(ctx context.Context, trigger events.Event, signalID string, sg signal.Signal) (bool, error) {
	var siret *string
	if sg.SIRET != "" {
		siret = &sg.SIRET
	}
	stored := false
	_, err := inbox.Apply(ctx, s.pool, Consumer, trigger, func(tx pgx.Tx) error {
		tag, err := tx.Exec(ctx, `INSERT INTO signals (signal_id, source, kind, theme, siren, siret, occurred_on, strength,
				expires_on, source_ref, recorded_at)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, now())
			ON CONFLICT (source, source_ref) DO NOTHING`,
			signalID, string(sg.Source), string(sg.Kind), string(sg.Theme), sg.SIREN, siret, sg.On, sg.Strength, sg.Expires, sg.Ref)
		if err != nil {
			return fmt.Errorf("insert signal: %w", err)
		}
		stored = tag.RowsAffected() == 1
		return nil
	})
	return stored, err
}
