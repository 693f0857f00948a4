package postgres

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/ccicma/platform/pkg/events"
	"github.com/ccicma/platform/pkg/outbox"

	"github.com/ccicma/platform/services/takeover-matching/internal/app"
	"github.com/ccicma/platform/services/takeover-matching/internal/domain/takeover"
)

var _ app.Introductions = (*Store)(nil)

// TakeStep implements app.Introductions.
func (s *Store) TakeStep(ctx context.Context, matchID string,
	decide func(m app.MatchInProgress) (takeover.Introduction, events.Event, error)) (takeover.Introduction, error) {
	var done takeover.Introduction
	err := pgx.BeginFunc(ctx, s.pool, func(tx pgx.Tx) error {
		m, err := matchInProgress(ctx, tx, matchID)
		if err != nil {
			return err
		}
		next, ev, err := decide(m)
		if err != nil {
			return err
		}
		if err := storeIntroduction(ctx, tx, matchID, next); err != nil {
			return err
		}
		done = next
		return outbox.Add(ctx, tx, ev)
	})
	if err != nil {
		return takeover.Introduction{}, err
	}
	s.relay.Wake()
	return done, nil
}

// Introductions implements app.Introductions: two queries whatever the
// number of matches (a side's list holds up to maxMatches).
func (s *Store) Introductions(ctx context.Context, matchIDs []string) (map[string]takeover.Introduction, error) {
	out := map[string]takeover.Introduction{}
	rows, err := s.pool.Query(ctx, `SELECT match_id::text, `+introductionColumns+` FROM takeover_matches
		WHERE match_id = ANY($1::uuid[])`, matchIDs)
	if err != nil {
		return nil, fmt.Errorf("read introductions: %w", err)
	}
	ins, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (takeover.Introduction, error) {
		var id string
		in, err := scanIntroduction(r, &id)
		out[id] = in
		return in, err
	})
	if err != nil {
		return nil, fmt.Errorf("read introductions: %w", err)
	}
	if len(ins) != len(matchIDs) {
		return nil, app.ErrNotFound
	}
	rows, err = s.pool.Query(ctx, `SELECT match_id::text, `+stepColumns+` FROM takeover_match_steps
		WHERE match_id = ANY($1::uuid[]) ORDER BY match_id, seq`, matchIDs)
	if err != nil {
		return nil, fmt.Errorf("read steps: %w", err)
	}
	_, err = pgx.CollectRows(rows, func(r pgx.CollectableRow) (takeover.StageChange, error) {
		var id string
		c, err := scanStep(r, &id)
		in := out[id]
		in.History = append(in.History, c)
		out[id] = in
		return c, err
	})
	if err != nil {
		return nil, fmt.Errorf("read steps: %w", err)
	}
	return out, nil
}

// matchInProgress reads a match, locked for update, with its
// introduction, the offer's département and both sides' requests.
func matchInProgress(ctx context.Context, tx pgx.Tx, matchID string) (app.MatchInProgress, error) {
	rows, err := tx.Query(ctx, `SELECT `+matchColumns+` FROM takeover_matches WHERE match_id = $1 FOR UPDATE`, matchID)
	if err != nil {
		return app.MatchInProgress{}, fmt.Errorf("read match: %w", err)
	}
	m, err := pgx.CollectExactlyOneRow(rows, scanMatch)
	if errors.Is(err, pgx.ErrNoRows) {
		return app.MatchInProgress{}, app.ErrNotFound
	} else if err != nil {
		return app.MatchInProgress{}, fmt.Errorf("read match: %w", err)
	}
	out := app.MatchInProgress{Match: m}
	if err := tx.QueryRow(ctx, `SELECT o.departement, o.request_id::text, s.request_id::text
		FROM takeover_offers o, buyer_searches s WHERE o.offer_id = $1 AND s.search_id = $2`, m.OfferID, m.SearchID).
		Scan(&out.Departement, &out.OfferRequestID, &out.SearchRequestID); err != nil {
		return app.MatchInProgress{}, fmt.Errorf("read sides of match: %w", err)
	}
	out.Introduction, err = readIntroduction(ctx, tx, matchID)
	return out, err
}

const (
	introductionColumns = `stage, seller_reviewed, buyer_reviewed, introduction_approved, undertaking_version,
		undertaking_accepted_on, deal_date, coalesce(drop_reason, '')`
	stepColumns = `step, side, advisor_id, from_stage, to_stage, coalesce(reason, ''), taken_at`
)

// scanIntroduction reads introductionColumns, after the columns of
// before.
func scanIntroduction(r pgx.Row, before ...any) (takeover.Introduction, error) {
	var in takeover.Introduction
	var version *string
	var acceptedOn, dealDate *time.Time
	err := r.Scan(append(before, &in.Stage, &in.SellerReviewed, &in.BuyerReviewed, &in.IntroductionApproved, &version,
		&acceptedOn, &dealDate, &in.DropReason)...)
	if version != nil && acceptedOn != nil {
		in.Undertaking = &takeover.Undertaking{Version: *version, AcceptedOn: *acceptedOn}
	}
	if dealDate != nil {
		in.DealDate = *dealDate
	}
	return in, err
}

// scanStep reads stepColumns, after the columns of before.
func scanStep(r pgx.Row, before ...any) (takeover.StageChange, error) {
	var c takeover.StageChange
	err := r.Scan(append(before, &c.Step, &c.Side, &c.AdvisorID, &c.From, &c.To, &c.Reason, &c.At)...)
	return c, err
}

// readIntroduction reads a match's introduction and its history in tx. An
// unknown match reads as app.ErrNotFound.
func readIntroduction(ctx context.Context, tx pgx.Tx, matchID string) (takeover.Introduction, error) {
	in, err := scanIntroduction(tx.QueryRow(ctx, `SELECT `+introductionColumns+` FROM takeover_matches WHERE match_id = $1`, matchID))
	if errors.Is(err, pgx.ErrNoRows) {
		return in, app.ErrNotFound
	} else if err != nil {
		return in, fmt.Errorf("read introduction: %w", err)
	}
	rows, err := tx.Query(ctx, `SELECT `+stepColumns+` FROM takeover_match_steps WHERE match_id = $1 ORDER BY seq`, matchID)
	if err != nil {
		return in, fmt.Errorf("read steps: %w", err)
	}
	in.History, err = pgx.CollectRows(rows, func(r pgx.CollectableRow) (takeover.StageChange, error) { return scanStep(r) })
	if err != nil {
		return in, fmt.Errorf("read steps: %w", err)
	}
	return in, nil
}

// storeIntroduction writes a match's introduction after a step and
// appends that step (the last of its history).
func storeIntroduction(ctx context.Context, tx pgx.Tx, matchID string, in takeover.Introduction) error {
	var version *string
	var acceptedOn, dealDate *time.Time
	if in.Undertaking != nil {
		version, acceptedOn = &in.Undertaking.Version, &in.Undertaking.AcceptedOn
	}
	if !in.DealDate.IsZero() {
		dealDate = &in.DealDate
	}
	if _, err := tx.Exec(ctx, `UPDATE takeover_matches SET stage = $2, seller_reviewed = $3, buyer_reviewed = $4,
		introduction_approved = $5, undertaking_version = $6, undertaking_accepted_on = $7, deal_date = $8,
		drop_reason = NULLIF($9, '') WHERE match_id = $1`, matchID, in.Stage, in.SellerReviewed, in.BuyerReviewed,
		in.IntroductionApproved, version, acceptedOn, dealDate, in.DropReason); err != nil {
		return fmt.Errorf("store introduction: %w", err)
	}
	if len(in.History) == 0 {
		return nil
	}
	c := in.History[len(in.History)-1]
	if _, err := tx.Exec(ctx, `INSERT INTO takeover_match_steps (match_id, seq, step, side, advisor_id, from_stage,
		to_stage, reason, taken_at) VALUES ($1, $2, $3, $4, $5, $6, $7, NULLIF($8, ''), $9)`, matchID, len(in.History),
		c.Step, c.Side, c.AdvisorID, c.From, c.To, c.Reason, c.At); err != nil {
		return fmt.Errorf("store step: %w", err)
	}
	return nil
}
