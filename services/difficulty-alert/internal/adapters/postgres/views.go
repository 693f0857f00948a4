package postgres

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"

	"github.com/ccicma/platform/services/difficulty-alert/internal/app"
	"github.com/ccicma/platform/services/difficulty-alert/internal/domain/prevention"
	"github.com/ccicma/platform/services/difficulty-alert/internal/domain/signal"
)

// CaseBusiness implements app.BusinessViews. A case the score opened
// names its business; a self report's business is that of the signal its
// request wrote, an observation's that of the newest signal its creation
// case, or its takeover offer, wrote (their references are the request
// id, "<creation case id>/<n>" for a checkpoint, "<creation case
// id>/<concern id>" for a creation advisor's concern and "<offer
// id>/<concern id>").
func (s *Store) CaseBusiness(ctx context.Context, c prevention.Case, trendFrom time.Time) (app.BusinessView, bool, error) {
	siren := c.SIREN
	var err error
	switch {
	case siren != "":
	case c.Source == prevention.SourceSelfReport && c.RequestID != "":
		err = s.pool.QueryRow(ctx, `SELECT siren FROM signals WHERE source = $1 AND source_ref = $2`,
			string(signal.SourceSelfReport), c.RequestID).Scan(&siren)
	case c.Source == prevention.SourceAdvisorObservation && c.CreationCaseID != "":
		err = s.pool.QueryRow(ctx, `SELECT siren FROM signals WHERE source = $1 AND source_ref LIKE $2
			ORDER BY occurred_on DESC, recorded_at DESC LIMIT 1`, string(signal.SourceAdvisorObservation), c.CreationCaseID+"/%").Scan(&siren)
	case c.Source == prevention.SourceAdvisorObservation && c.TakeoverOfferID != "":
		err = s.pool.QueryRow(ctx, `SELECT siren FROM signals WHERE source = $1 AND source_ref LIKE $2
			ORDER BY occurred_on DESC, recorded_at DESC LIMIT 1`, string(signal.SourceAdvisorObservation), c.TakeoverOfferID+"/%").Scan(&siren)
	}
	if errors.Is(err, pgx.ErrNoRows) || siren == "" {
		return app.BusinessView{}, false, nil
	}
	if err != nil {
		return app.BusinessView{}, false, fmt.Errorf("find business of case %s: %w", c.ID, err)
	}
	return s.businessView(ctx, `b.siren = $2`, siren, trendFrom)
}

// BusinessByID implements app.BusinessViews. An id that is not a UUID
// names no business.
func (s *Store) BusinessByID(ctx context.Context, id string, trendFrom time.Time) (app.BusinessView, bool, error) {
	if _, err := uuid.Parse(id); err != nil {
		return app.BusinessView{}, false, nil
	}
	return s.businessView(ctx, `b.business_id = $2::uuid`, id, trendFrom)
}

// businessView reads the business where cond (on $2 = key) holds, and its
// active, unexpired signals.
func (s *Store) businessView(ctx context.Context, cond, key string, trendFrom time.Time) (app.BusinessView, bool, error) {
	b, err := scanBusiness(s.pool.QueryRow(ctx, `SELECT `+businessColumns+businessFrom+` WHERE `+cond, trendFrom, key))
	if errors.Is(err, pgx.ErrNoRows) {
		return app.BusinessView{}, false, nil
	}
	if err != nil {
		// The key may be a SIREN: the error does not name it.
		return app.BusinessView{}, false, fmt.Errorf("read business: %w", err)
	}
	rows, err := s.pool.Query(ctx, `SELECT signal_id::text, source, kind, theme, occurred_on, strength, expires_on,
			coalesce(procedure, ''), coalesce(court, ''), status
		FROM signals WHERE siren = $1 AND status = 'active' AND expires_on > current_date
		ORDER BY occurred_on DESC, signal_id DESC`, b.SIREN)
	if err != nil {
		return app.BusinessView{}, false, fmt.Errorf("read business signals: %w", err)
	}
	ss, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (app.StoredSignal, error) {
		var sg app.StoredSignal
		var source, kind, theme, procedure, status string
		err := r.Scan(&sg.ID, &source, &kind, &theme, &sg.On, &sg.Strength, &sg.Expires, &procedure, &sg.Court, &status)
		sg.Source, sg.Kind, sg.Theme, sg.Procedure, sg.Status = signal.Source(source), signal.Kind(kind), signal.Theme(theme),
			signal.Procedure(procedure), signal.Status(status)
		return sg, err
	})
	if err != nil {
		return app.BusinessView{}, false, fmt.Errorf("read business signals: %w", err)
	}
	return app.BusinessView{BusinessScore: b, Signals: ss}, true, nil
}
