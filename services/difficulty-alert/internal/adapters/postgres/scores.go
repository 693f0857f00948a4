package postgres

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/ccicma/platform/pkg/directory/projection"
	"github.com/ccicma/platform/pkg/events"
	"github.com/ccicma/platform/pkg/outbox"
	"github.com/ccicma/platform/pkg/pgdb"

	"github.com/ccicma/platform/services/difficulty-alert/internal/app"
	"github.com/ccicma/platform/services/difficulty-alert/internal/domain/prevention"
	"github.com/ccicma/platform/services/difficulty-alert/internal/domain/scoring"
	"github.com/ccicma/platform/services/difficulty-alert/internal/domain/signal"
)

// Rescore implements app.Scores: the businesses of sirens (sorted by the
// caller, so that concurrent rescorings lock in the same order) in one
// transaction.
func (s *Store) Rescore(ctx context.Context, sirens []string, score app.ScoreFunc) error {
	var emitted bool
	err := pgdb.InTx(ctx, s.pool, func(tx pgx.Tx) error {
		var err error
		emitted, err = rescore(ctx, tx, sirens, score)
		return err
	})
	if err == nil && emitted {
		pgdb.AfterCommit(ctx, s.relay.Wake)
	}
	return err
}

// RescoreDue implements app.Scores. The rows are claimed FOR UPDATE SKIP
// LOCKED: replicas running the daily job together take different
// businesses, and a business being rescored for a new signal is left to
// that rescoring.
func (s *Store) RescoreDue(ctx context.Context, due time.Time, limit int, score app.ScoreFunc) (int, error) {
	var n int
	var emitted bool
	err := pgdb.InTx(ctx, s.pool, func(tx pgx.Tx) error {
		// Claimed and read in one statement: the rows are those scored.
		rows, err := tx.Query(ctx, `SELECT `+lockedColumns+` FROM businesses
			WHERE active_until IS NOT NULL AND scored_at < $1
			ORDER BY scored_at LIMIT $2 FOR UPDATE SKIP LOCKED`, due, limit)
		if err != nil {
			return fmt.Errorf("claim businesses due: %w", err)
		}
		current, err := pgx.CollectRows(rows, scanLocked)
		if err != nil {
			return fmt.Errorf("claim businesses due: %w", err)
		}
		n = len(current)
		emitted, err = scoreLocked(ctx, tx, current, score)
		return err
	})
	if err != nil {
		return 0, err
	}
	if emitted {
		pgdb.AfterCommit(ctx, s.relay.Wake)
	}
	return n, nil
}

// rescore scores the businesses of sirens inside tx: it creates the
// records of those new here, locks them (in SIREN order), reads their
// active signals, asks score for each new record and stores them all, with
// the day's history and the events, in a few statements whatever their
// number. emitted says whether an event went to the outbox.
func rescore(ctx context.Context, tx pgx.Tx, sirens []string, score app.ScoreFunc) (emitted bool, err error) {
	if len(sirens) == 0 {
		return false, nil
	}
	if _, err := tx.Exec(ctx, `INSERT INTO businesses (siren) SELECT unnest($1::text[]) ON CONFLICT (siren) DO NOTHING`, sirens); err != nil {
		return false, fmt.Errorf("create businesses: %w", err)
	}
	rows, err := tx.Query(ctx, `SELECT `+lockedColumns+` FROM businesses WHERE siren = ANY($1) ORDER BY siren FOR UPDATE`, sirens)
	if err != nil {
		return false, fmt.Errorf("lock businesses: %w", err)
	}
	current, err := pgx.CollectRows(rows, scanLocked)
	if err != nil {
		return false, fmt.Errorf("lock businesses: %w", err)
	}
	return scoreLocked(ctx, tx, current, score)
}

// lockedColumns are what a rescoring reads of a business it locked.
const lockedColumns = `siren, business_id::text, score, level, coalesce(rules_version, ''), nullif(scored_at, '-infinity'), level_since`

func scanLocked(r pgx.CollectableRow) (app.ScoredBusiness, error) {
	var b app.ScoredBusiness
	var level string
	var scored, since *time.Time
	err := r.Scan(&b.SIREN, &b.ID, &b.Points, &level, &b.RulesVersion, &scored, &since)
	b.Level = scoring.Level(level)
	if scored != nil {
		b.ScoredAt = *scored
	}
	if since != nil {
		b.LevelSince = *since
	}
	return b, err
}

// scoreLocked scores the businesses current, whose rows tx holds, and
// stores their new records, the day's history and the events.
func scoreLocked(ctx context.Context, tx pgx.Tx, current []app.ScoredBusiness, score app.ScoreFunc) (emitted bool, err error) {
	if len(current) == 0 {
		return false, nil
	}
	sirens := make([]string, len(current))
	for i, b := range current {
		sirens[i] = b.SIREN
	}
	signals, err := activeSignals(ctx, tx, sirens)
	if err != nil {
		return false, err
	}
	situations, err := situationsOf(ctx, tx, sirens)
	if err != nil {
		return false, err
	}
	var (
		u       updates
		evs     []events.Event
		changed []prevention.Case
	)
	for _, b := range current {
		r, err := score(b, signals[b.SIREN], situations[b.SIREN])
		if err != nil {
			return false, fmt.Errorf("score business %s: %w", b.ID, err)
		}
		if err := u.add(b, r.Business); err != nil {
			return false, err
		}
		if r.Opened != nil {
			opened, err := insertCase(ctx, tx, *r.Opened)
			if err != nil {
				return false, err
			}
			if !opened {
				// The business has an open case already (the index of open
				// cases by SIREN said so): the opening, and its event, did
				// not happen.
				r.Events = slices.DeleteFunc(r.Events, func(ev events.Event) bool { return ev.Subject == r.Opened.ID })
			}
		}
		evs = append(evs, r.Events...)
		if r.Changed != nil {
			changed = append(changed, *r.Changed)
		}
	}
	if err := u.store(ctx, tx); err != nil {
		return false, err
	}
	if err := updateCases(ctx, tx, changed); err != nil {
		return false, err
	}
	if err := outbox.Add(ctx, tx, evs...); err != nil {
		return false, err
	}
	return len(evs) > 0, nil
}

// activeSignals reads the active signals of the businesses of sirens, by
// SIREN (expired ones too: the scoring leaves them out).
func activeSignals(ctx context.Context, tx pgx.Tx, sirens []string) (map[string][]scoring.Signal, error) {
	rows, err := tx.Query(ctx, `SELECT siren, kind, theme, status, occurred_on, expires_on, strength
		FROM signals WHERE siren = ANY($1) AND status = 'active'`, sirens)
	if err != nil {
		return nil, fmt.Errorf("read signals to score: %w", err)
	}
	defer rows.Close()
	out := map[string][]scoring.Signal{}
	for rows.Next() {
		var siren, kind, theme, status string
		var sg scoring.Signal
		if err := rows.Scan(&siren, &kind, &theme, &status, &sg.On, &sg.Expires, &sg.Strength); err != nil {
			return nil, fmt.Errorf("read signals to score: %w", err)
		}
		sg.Kind, sg.Theme, sg.Status = signal.Kind(kind), signal.Theme(theme), signal.Status(status)
		out[siren] = append(out[siren], sg)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("read signals to score: %w", err)
	}
	return out, nil
}

// updates are the new records of a rescoring, column by column, stored
// in one UPDATE and one INSERT of the history.
type updates struct {
	sirens, ids, levels, contributions, explanations, versions []string
	scores                                                     []int
	scoredAt, levelSince                                       []time.Time
	activeUntil                                                []*time.Time
	// changed: the score or level differs from the stored one (or it was
	// never scored), so the day's history gets a row.
	changed []bool
}

func (u *updates) add(prev, next app.ScoredBusiness) error {
	contributions := next.Contributions
	if contributions == nil {
		contributions = []scoring.Contribution{}
	}
	js, err := json.Marshal(contributions)
	if err != nil {
		return fmt.Errorf("encode contributions: %w", err)
	}
	var until *time.Time
	if !next.ActiveUntil.IsZero() {
		until = &next.ActiveUntil
	}
	u.sirens = append(u.sirens, next.SIREN)
	u.ids = append(u.ids, next.ID)
	u.scores = append(u.scores, next.Points)
	u.levels = append(u.levels, string(next.Level))
	u.contributions = append(u.contributions, string(js))
	u.explanations = append(u.explanations, next.Explanation)
	u.versions = append(u.versions, next.RulesVersion)
	u.scoredAt = append(u.scoredAt, next.ScoredAt)
	u.levelSince = append(u.levelSince, next.LevelSince)
	u.activeUntil = append(u.activeUntil, until)
	u.changed = append(u.changed, prev.ScoredAt.IsZero() || prev.Points != next.Points || prev.Level != next.Level)
	return nil
}

func (u *updates) store(ctx context.Context, tx pgx.Tx) error {
	if len(u.sirens) == 0 {
		return nil
	}
	if _, err := tx.Exec(ctx, `UPDATE businesses b SET score = u.score, level = u.level, contributions = u.contributions::jsonb,
			explanation = u.explanation, rules_version = u.rules_version, scored_at = u.scored_at, level_since = u.level_since,
			active_until = u.active_until
		FROM unnest($1::text[], $2::int[], $3::text[], $4::text[], $5::text[], $6::text[], $7::timestamptz[], $8::timestamptz[], $9::date[])
			AS u(siren, score, level, contributions, explanation, rules_version, scored_at, level_since, active_until)
		WHERE b.siren = u.siren`,
		u.sirens, u.scores, u.levels, u.contributions, u.explanations, u.versions, u.scoredAt, u.levelSince, u.activeUntil); err != nil {
		return fmt.Errorf("store scores: %w", err)
	}
	if _, err := tx.Exec(ctx, `INSERT INTO business_score_history (business_id, day, score, level, rules_version)
		SELECT u.id::uuid, (u.scored_at AT TIME ZONE 'UTC')::date, u.score, u.level, u.rules_version
		FROM unnest($1::text[], $2::int[], $3::text[], $4::text[], $5::timestamptz[], $6::bool[])
			AS u(id, score, level, rules_version, scored_at, changed)
		WHERE u.changed
		ON CONFLICT (business_id, day) DO UPDATE SET score = excluded.score, level = excluded.level, rules_version = excluded.rules_version`,
		u.ids, u.scores, u.levels, u.versions, u.scoredAt, u.changed); err != nil {
		return fmt.Errorf("store score history: %w", err)
	}
	return nil
}

// businessColumns are what the cell reads of a business, with its trend
// against the day $1 (its latest score on or before then; 0 when it had
// none), its court state and (when the cases know businesses) its open
// case.
const businessColumns = `b.siren, b.business_id::text, b.score, b.level, b.contributions, b.explanation, coalesce(b.rules_version, ''),
	nullif(b.scored_at, '-infinity'), b.level_since, b.active_until,
	b.score - coalesce((SELECT h.score FROM business_score_history h WHERE h.business_id = b.business_id AND h.day <= $1::date
		ORDER BY h.day DESC LIMIT 1), 0),
	cs.procedure, cs.since, cs.signal_id::text,
	(SELECT dc.case_id::text FROM difficulty_cases dc WHERE dc.siren = b.siren AND dc.status <> 'closed' LIMIT 1)`

const businessFrom = ` FROM businesses b LEFT JOIN business_court_states cs ON cs.siren = b.siren`

func scanBusiness(r pgx.Row) (app.BusinessScore, error) {
	var b app.BusinessScore
	var level string
	var contributions []byte
	var scored, since, until *time.Time
	var procedure, signalID, openCase *string
	var courtSince *time.Time
	if err := r.Scan(&b.SIREN, &b.ID, &b.Points, &level, &contributions, &b.Explanation, &b.RulesVersion, &scored, &since, &until,
		&b.Trend, &procedure, &courtSince, &signalID, &openCase); err != nil {
		return b, err
	}
	if openCase != nil {
		b.OpenCaseID = *openCase
	}
	b.Level = scoring.Level(level)
	if scored != nil {
		b.ScoredAt = scored.UTC()
	}
	if since != nil {
		b.LevelSince = since.UTC()
	}
	if until != nil {
		b.ActiveUntil = *until
	}
	if err := json.Unmarshal(contributions, &b.Contributions); err != nil {
		return b, fmt.Errorf("decode contributions: %w", err)
	}
	if procedure != nil {
		b.Court = &app.CourtState{Procedure: signal.Procedure(*procedure), Since: courtSince.Format(time.DateOnly), SignalID: *signalID}
	}
	return b, nil
}

// BusinessesByLevel implements app.ScoreReader: highest scores first,
// then by SIREN, after the cursor (named by SIREN or by number).
func (s *Store) BusinessesByLevel(ctx context.Context, q app.ScorePage) ([]app.BusinessScore, error) {
	var afterID *string
	if q.AfterBusinessID != "" {
		afterID = &q.AfterBusinessID
	}
	rows, err := s.pool.Query(ctx, `SELECT `+businessColumns+businessFrom+`
		WHERE ($2 = '' OR b.level = $2) AND b.scored_at > '-infinity'
		  AND ($3::int IS NULL OR b.score < $3 OR (b.score = $3 AND b.siren >
			coalesce((SELECT a.siren FROM businesses a WHERE a.business_id = $6::uuid), $4)))
		ORDER BY b.score DESC, b.siren LIMIT $5`, q.TrendFrom, string(q.Level), q.AfterScore, q.AfterSIREN, q.Limit, afterID)
	if err != nil {
		return nil, fmt.Errorf("list businesses: %w", err)
	}
	out, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (app.BusinessScore, error) { return scanBusiness(r) })
	if err != nil {
		return nil, fmt.Errorf("read businesses: %w", err)
	}
	return out, nil
}

// BusinessScore implements app.ScoreReader.
func (s *Store) BusinessScore(ctx context.Context, siren string, trendFrom time.Time) (app.BusinessScore, bool, error) {
	b, err := scanBusiness(s.pool.QueryRow(ctx, `SELECT `+businessColumns+businessFrom+` WHERE b.siren = $2`, trendFrom, siren))
	if errors.Is(err, pgx.ErrNoRows) {
		return app.BusinessScore{}, false, nil
	}
	if err != nil {
		return app.BusinessScore{}, false, fmt.Errorf("read business score: %w", err)
	}
	return b, true, nil
}

// situationsOf reads, for the businesses of sirens, their open case,
// court state, département and latest case's chambers.
func situationsOf(ctx context.Context, tx pgx.Tx, sirens []string) (map[string]app.Situation, error) {
	out := make(map[string]app.Situation, len(sirens))
	rows, err := tx.Query(ctx, `SELECT `+caseColumns+` FROM difficulty_cases
		WHERE siren = ANY($1) AND status <> 'closed' FOR UPDATE`, sirens)
	if err != nil {
		return nil, fmt.Errorf("read open cases: %w", err)
	}
	open, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (prevention.Case, error) { return scanCase(r) })
	if err != nil {
		return nil, fmt.Errorf("read open cases: %w", err)
	}
	for _, c := range open {
		s := out[c.SIREN]
		s.OpenCase = &c
		out[c.SIREN] = s
	}
	rows, err = tx.Query(ctx, `SELECT siren, procedure, since, signal_id::text FROM business_court_states WHERE siren = ANY($1)`, sirens)
	if err != nil {
		return nil, fmt.Errorf("read court states: %w", err)
	}
	var siren, procedure, signalID string
	var since time.Time
	if _, err := pgx.ForEachRow(rows, []any{&siren, &procedure, &since, &signalID}, func() error {
		s := out[siren]
		s.Court = &app.CourtState{Procedure: signal.Procedure(procedure), Since: since.Format(time.DateOnly), SignalID: signalID}
		out[siren] = s
		return nil
	}); err != nil {
		return nil, fmt.Errorf("read court states: %w", err)
	}
	// The latest case gives the chambers and a département; a BODACC
	// notice's département, when there is one, wins.
	rows, err = tx.Query(ctx, `SELECT DISTINCT ON (siren) siren, chamber, coalesce(secondary_chamber, ''), departement
		FROM difficulty_cases WHERE siren = ANY($1) ORDER BY siren, opened_at DESC`, sirens)
	if err != nil {
		return nil, fmt.Errorf("read latest cases: %w", err)
	}
	var chamber, secondary, departement string
	if _, err := pgx.ForEachRow(rows, []any{&siren, &chamber, &secondary, &departement}, func() error {
		s := out[siren]
		s.Chamber, s.SecondaryChamber, s.Departement = chamber, secondary, departement
		out[siren] = s
		return nil
	}); err != nil {
		return nil, fmt.Errorf("read latest cases: %w", err)
	}
	rows, err = tx.Query(ctx, `SELECT DISTINCT ON (siren) siren, departement FROM bodacc_notices
		WHERE siren = ANY($1) AND departement IS NOT NULL ORDER BY siren, published_on DESC`, sirens)
	if err != nil {
		return nil, fmt.Errorf("read départements: %w", err)
	}
	if _, err := pgx.ForEachRow(rows, []any{&siren, &departement}, func() error {
		s := out[siren]
		s.Departement = departement
		out[siren] = s
		return nil
	}); err != nil {
		return nil, fmt.Errorf("read départements: %w", err)
	}
	return out, nil
}

// updateCases stores the level and lifecycle of the cases a rescoring
// escalated or closed; a closed case no longer counts in its advisors'
// loads.
func updateCases(ctx context.Context, tx pgx.Tx, cs []prevention.Case) error {
	released := map[string]int{}
	for _, c := range cs {
		var closedAt *time.Time
		var closedBy, reason *string
		if c.Status == prevention.StatusClosed {
			closedAt, closedBy = &c.ClosedAt, &c.ClosedBy
			r := string(c.CloseReason)
			reason = &r
			for _, id := range c.AdvisorIDs {
				released[id]--
			}
		}
		if _, err := tx.Exec(ctx, `UPDATE difficulty_cases SET level = $2, status = $3, closed_at = $4, closed_by = $5,
				close_reason = $6, updated_at = now()
			WHERE case_id = $1`, c.ID, c.Level, string(c.Status), closedAt, closedBy, reason); err != nil {
			return fmt.Errorf("update case %s: %w", c.ID, err)
		}
	}
	if len(released) == 0 {
		return nil
	}
	return projection.AddCases(ctx, tx, released)
}
