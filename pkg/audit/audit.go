// Package audit keeps the log of who read what: every read of confidential
// data (a difficulty case in difficulty-alert, an applicant's contact
// details in intake) is recorded, before the data leaves the service, as an
// append-only row that the chamber's managers can query.
//
// The package owns the rows' shape, the SQL that writes and reads them, and
// the table's migrations (Migrations), which each service applies in its
// own schema.
//
// The log is append-only: a trigger refuses updates and deletions, so that
// a bug or a compromised handler cannot rewrite history through the
// service's ordinary statements (the schema's owner could still drop the
// trigger: that takes a migration, which is reviewed).
//
// The functions take any pgx executor (a pool, a connection or a
// transaction), so a service may record reads in the transaction that read
// the data or on their own.
package audit

import (
	"context"
	"embed"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"go.opentelemetry.io/otel/trace"

	"github.com/ccicma/platform/pkg/pgdb"
)

// Migrations creates the audit table in the service's schema: a service
// that audits applies this set before its own (platform.Spec.Shared), so
// every service keeps the same table, migrated in one place.
func Migrations() pgdb.Migrations {
	return pgdb.Migrations{Name: "audit", FS: migrationFiles, Dir: "migrations"}
}

//go:embed migrations/*.sql
var migrationFiles embed.FS

// Entry is one recorded read.
type Entry struct {
	// ID orders entries (assigned by Record; the paging cursor of Query).
	ID int64
	// At is when the read happened.
	At time.Time
	// ActorID is who read: the advisor id (the token's subject).
	ActorID string
	// ActorChamber is the reader's chamber (CCI or CMA).
	ActorChamber string
	// Action says how the data was read, e.g. "list" or "read".
	Action string
	// Resource is the kind of data read, e.g. "difficulty_case".
	Resource string
	// ResourceID is the id of what was read.
	ResourceID string
	// Chambers are the chambers the resource belongs to: a manager of
	// any of them may see this entry.
	Chambers []string
	// TraceID joins the entry to the request's trace (TraceID(ctx)).
	TraceID string
}

// Limits on what an entry holds: an audit row must stay small and its
// fields are ids and codes, never free text.
const (
	MaxFieldLen = 200
	// MaxBatch is the most entries one Record call writes.
	MaxBatch = 1000
)

// Validate checks that an entry says who read what, when.
func (e Entry) Validate() error {
	var errs []error
	if e.At.IsZero() {
		errs = append(errs, errors.New("at is required"))
	}
	for _, f := range []struct{ name, v string }{
		{"actor_id", e.ActorID}, {"actor_chamber", e.ActorChamber}, {"action", e.Action},
		{"resource", e.Resource}, {"resource_id", e.ResourceID},
	} {
		switch {
		case f.v == "":
			errs = append(errs, errors.New(f.name+" is required"))
		case len(f.v) > MaxFieldLen:
			errs = append(errs, fmt.Errorf("%s longer than %d bytes", f.name, MaxFieldLen))
		}
	}
	if len(e.TraceID) > MaxFieldLen {
		errs = append(errs, fmt.Errorf("trace_id longer than %d bytes", MaxFieldLen))
	}
	return errors.Join(errs...)
}

// Execer runs a statement: *pgxpool.Pool, *pgx.Conn and pgx.Tx are ones.
type Execer interface {
	Exec(ctx context.Context, sql string, args ...any) (pgconn.CommandTag, error)
}

// Querier runs a query: *pgxpool.Pool, *pgx.Conn and pgx.Tx are ones.
type Querier interface {
	Query(ctx context.Context, sql string, args ...any) (pgx.Rows, error)
}

// Record writes entries, all or none, in one statement. Callers record
// before they send the data read, and send nothing when Record fails: an
// unaudited read must not happen.
func Record(ctx context.Context, db Execer, entries ...Entry) error {
	if len(entries) == 0 {
		return nil
	}
	if len(entries) > MaxBatch {
		return fmt.Errorf("audit: %d entries in one call, at most %d", len(entries), MaxBatch)
	}
	var sql strings.Builder
	sql.WriteString(`INSERT INTO audit_log (at, actor_id, actor_chamber, action, resource, resource_id, chambers, trace_id) VALUES `)
	const cols = 8
	args := make([]any, 0, cols*len(entries))
	for i, e := range entries {
		if err := e.Validate(); err != nil {
			return fmt.Errorf("audit: entry %d: %w", i, err)
		}
		if i > 0 {
			sql.WriteString(", ")
		}
		n := i * cols
		fmt.Fprintf(&sql, "($%d, $%d, $%d, $%d, $%d, $%d, $%d, $%d)", n+1, n+2, n+3, n+4, n+5, n+6, n+7, n+8)
		chambers := e.Chambers
		if chambers == nil {
			chambers = []string{}
		}
		args = append(args, e.At.UTC(), e.ActorID, e.ActorChamber, e.Action, e.Resource, e.ResourceID, chambers, e.TraceID)
	}
	if _, err := db.Exec(ctx, sql.String(), args...); err != nil {
		return fmt.Errorf("audit: record %d entries: %w", len(entries), err)
	}
	return nil
}

// Filter selects entries. Every set field narrows the result.
type Filter struct {
	// Chamber scopes the query to one chamber: entries by its advisors,
	// and entries about resources that belong to it. It is required
	// unless AllChambers is set, so that forgetting it cannot show a
	// manager the other chamber's log.
	Chamber     string
	AllChambers bool

	Resource   string
	ResourceID string
	ActorID    string
	// Since and Until bound At (Since included, Until excluded).
	Since, Until time.Time
	// After is the ID of the last entry of the previous page.
	After int64
	// Limit caps the page (DefaultLimit when 0, at most MaxLimit).
	Limit int
}

// Page sizes of Query.
const (
	DefaultLimit = 100
	MaxLimit     = 1000
)

// ErrNoScope reports a Filter with neither Chamber nor AllChambers.
var ErrNoScope = errors.New("audit: query without a chamber scope")

// Query returns the entries matching f, oldest first (by ID). Ids are
// handed out before commit, so a read still committing may get an id lower
// than one already visible: a reader paging forward (After) right at the
// head of the log could pass over it. Pages whose Until is a few seconds in
// the past are complete.
func Query(ctx context.Context, db Querier, f Filter) ([]Entry, error) {
	if f.Chamber == "" && !f.AllChambers {
		return nil, ErrNoScope
	}
	limit := f.Limit
	switch {
	case limit <= 0:
		limit = DefaultLimit
	case limit > MaxLimit:
		limit = MaxLimit
	}
	var since, until *time.Time
	if !f.Since.IsZero() {
		since = &f.Since
	}
	if !f.Until.IsZero() {
		until = &f.Until
	}
	rows, err := db.Query(ctx, `SELECT id, at, actor_id, actor_chamber, action, resource, resource_id, chambers, trace_id
		FROM audit_log
		WHERE ($1 = '' OR actor_chamber = $1 OR $1 = ANY(chambers))
		  AND ($2 = '' OR resource = $2)
		  AND ($3 = '' OR resource_id = $3)
		  AND ($4 = '' OR actor_id = $4)
		  AND ($5::timestamptz IS NULL OR at >= $5)
		  AND ($6::timestamptz IS NULL OR at < $6)
		  AND id > $7
		ORDER BY id
		LIMIT $8`,
		scope(f), f.Resource, f.ResourceID, f.ActorID, since, until, f.After, limit)
	if err != nil {
		return nil, fmt.Errorf("audit: query: %w", err)
	}
	out, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (Entry, error) {
		var e Entry
		err := r.Scan(&e.ID, &e.At, &e.ActorID, &e.ActorChamber, &e.Action, &e.Resource, &e.ResourceID, &e.Chambers, &e.TraceID)
		e.At = e.At.UTC()
		return e, err
	})
	if err != nil {
		return nil, fmt.Errorf("audit: read entries: %w", err)
	}
	return out, nil
}

func scope(f Filter) string {
	if f.AllChambers {
		return ""
	}
	return f.Chamber
}

// TraceID is the trace id of the span in ctx (the request's), or "" when
// there is none.
func TraceID(ctx context.Context) string {
	if sc := trace.SpanContextFromContext(ctx); sc.HasTraceID() {
		return sc.TraceID().String()
	}
	return ""
}
