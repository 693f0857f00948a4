package postgres

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"

	"github.com/ccicma/platform/pkg/audit"

	"github.com/ccicma/platform/services/intake/internal/app"
	"github.com/ccicma/platform/services/intake/internal/domain/request"
)

// AdvisorView implements app.ReadLog.
func (s *Store) AdvisorView(ctx context.Context, requestID string) (app.AdvisorView, error) {
	if _, err := uuid.Parse(requestID); err != nil {
		return app.AdvisorView{}, app.ErrNotFound
	}
	var v app.AdvisorView
	var status string
	var routing []byte
	err := s.pool.QueryRow(ctx, `SELECT request_id, kind, status, coalesce(case_chamber, ''), advisor_ids, routing,
			routing_basis, details, submitted_at, updated_at
		FROM requests WHERE request_id = $1`, requestID).
		Scan(&v.RequestID, &v.Kind, &status, &v.Chamber, &v.AdvisorIDs, &routing, &v.RoutingBasis, &v.Details, &v.SubmittedAt, &v.UpdatedAt)
	if errors.Is(err, pgx.ErrNoRows) {
		return app.AdvisorView{}, app.ErrNotFound
	}
	if err != nil {
		return app.AdvisorView{}, fmt.Errorf("load request: %w", err)
	}
	v.Status = request.Status(status)
	if err := json.Unmarshal(routing, &v.Routing); err != nil {
		return app.AdvisorView{}, fmt.Errorf("decode routing: %w", err)
	}
	if v.IntroducedTo, err = introducedTo(ctx, s.pool, requestID); err != nil {
		return app.AdvisorView{}, err
	}
	return v, nil
}

// RecordReads implements app.ReadLog.
func (s *Store) RecordReads(ctx context.Context, entries ...audit.Entry) error {
	return audit.Record(ctx, s.pool, entries...)
}

// Reads implements app.ReadLog.
func (s *Store) Reads(ctx context.Context, f audit.Filter) ([]audit.Entry, error) {
	return audit.Query(ctx, s.pool, f)
}
