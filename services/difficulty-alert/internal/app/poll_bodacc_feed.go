package app

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"time"

	"github.com/ccicma/platform/services/difficulty-alert/internal/domain/signal"
)

// FeedRecords is what the BODACC feed gave for one département: its
// records, oldest first, and the last publication day they cover whole.
type FeedRecords struct {
	Entries []signal.BodaccEntry
	// Through is the latest publication date of the records (zero when
	// none has one), or the day before when the answer was cut at the
	// portal's paging limit (Truncated): that day may have more.
	Through   time.Time
	Truncated bool
}

// BodaccFeed reads the notices of collective procedures the BODACC
// open-data portal published.
type BodaccFeed interface {
	// Records returns every record of the collective procedures of
	// departement published on or after since; an error when any page
	// cannot be read, and then no record.
	Records(ctx context.Context, departement string, since time.Time) (FeedRecords, error)
}

// FeedCursor is how far the feed of a département was imported.
type FeedCursor struct {
	Departement string
	// ImportedThrough is the last publication date whose notices were all
	// imported (zero: none yet).
	ImportedThrough time.Time
	// PolledAt is when the last complete run ended (zero: never).
	PolledAt time.Time
}

// FeedCursors keeps the feed's cursors.
type FeedCursors interface {
	// WithFeedCursor holds the cursor of departement for one run, so that
	// one replica polls it at a time: it calls run with the cursor and
	// stores the cursor run returns (nil: leave it) when run succeeds. It
	// says false, without calling run, when another run holds it.
	WithFeedCursor(ctx context.Context, departement string, run func(FeedCursor) (*FeedCursor, error)) (bool, error)
}

// DefaultFeedTimeout bounds a département's run: it holds its cursor's
// lock (and a connection) while it reads the portal and imports.
const DefaultFeedTimeout = 20 * time.Minute

// PollBodaccFeed imports the notices of collective procedures the BODACC
// open-data portal publishes for the départements followed, as the file
// import does (ImportBodacc: same reading, idempotency, rescoring and
// report). Each département has a cursor, the last publication date
// fully imported; a run reads from Overlap before it (notices come late
// and are rectified; reading one again is a duplicate, free), applies
// what it read, then moves the cursor. A page that cannot be read, or an
// import that fails, leaves the cursor where it was: the next run reads
// the same days again. Runs are due Every; the service ticks more often,
// so that restarts do not postpone them, and the cursor's lock and its
// PolledAt make one replica poll a département once a period.
type PollBodaccFeed struct {
	Feed    BodaccFeed
	Cursors FeedCursors
	Import  ImportBodacc
	// Departements are the départements followed.
	Departements []string
	// Every is how often a département is polled; Overlap how far before
	// its cursor a run reads again (whole days).
	Every, Overlap time.Duration
	// Since is where a département's first run starts; zero: Overlap
	// before today.
	Since time.Time
	// Timeout bounds a département's run (DefaultFeedTimeout when zero).
	Timeout time.Duration
	Now     Clock
	Log     *slog.Logger
}

// FeedRun is what a run did for one département.
type FeedRun struct {
	Departement string
	// Polled is false when the département was not due, or another
	// replica was polling it.
	Polled         bool
	Since, Through time.Time
	Report         ImportReport
}

// Run polls the départements due, each on its own: a failure of one is
// returned (joined with the others') after the others ran.
func (uc PollBodaccFeed) Run(ctx context.Context) ([]FeedRun, error) {
	var runs []FeedRun
	var errs []error
	for _, d := range uc.Departements {
		r, err := uc.poll(ctx, d)
		runs = append(runs, r)
		if err != nil {
			errs = append(errs, fmt.Errorf("BODACC feed of département %s: %w", d, err))
		}
	}
	return runs, errors.Join(errs...)
}

func (uc PollBodaccFeed) poll(ctx context.Context, departement string) (FeedRun, error) {
	run := FeedRun{Departement: departement}
	timeout := uc.Timeout
	if timeout <= 0 {
		timeout = DefaultFeedTimeout
	}
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	_, err := uc.Cursors.WithFeedCursor(ctx, departement, func(c FeedCursor) (*FeedCursor, error) {
		now := uc.Now()
		if !c.PolledAt.IsZero() && now.Sub(c.PolledAt) < uc.Every {
			return nil, nil
		}
		run.Polled = true
		run.Since = uc.since(c, now)
		read, err := uc.Feed.Records(ctx, departement, run.Since)
		if err != nil {
			return nil, fmt.Errorf("read the feed from %s: %w", run.Since.Format(time.DateOnly), err)
		}
		run.Report, err = uc.Import.apply(ctx, read.Entries)
		if err != nil {
			return nil, fmt.Errorf("import the feed from %s: %w", run.Since.Format(time.DateOnly), err)
		}
		next := FeedCursor{Departement: departement, ImportedThrough: c.ImportedThrough, PolledAt: uc.Now()}
		if read.Through.After(next.ImportedThrough) {
			next.ImportedThrough = read.Through
		}
		run.Through = next.ImportedThrough
		uc.logRun(ctx, run, read.Truncated)
		return &next, nil
	})
	return run, err
}

// since is the first publication date a run reads: Overlap before the
// cursor, or, the first time, Since or Overlap before today.
func (uc PollBodaccFeed) since(c FeedCursor, now time.Time) time.Time {
	days := int(uc.Overlap / (24 * time.Hour))
	if !c.ImportedThrough.IsZero() {
		return c.ImportedThrough.AddDate(0, 0, -days)
	}
	if !uc.Since.IsZero() {
		return uc.Since
	}
	today := time.Date(now.Year(), now.Month(), now.Day(), 0, 0, 0, 0, time.UTC)
	return today.AddDate(0, 0, -days)
}

// logRun logs the run's report: counts and the reasons of the rejected
// records, never their detail (it may quote a registre: no SIREN in logs).
func (uc PollBodaccFeed) logRun(ctx context.Context, r FeedRun, truncated bool) {
	if uc.Log == nil {
		return
	}
	reasons := map[string]int{}
	for _, rj := range r.Report.Rejected {
		reasons[rj.Reason]++
	}
	attrs := []any{"departement", r.Departement, "since", r.Since.Format(time.DateOnly), "records", r.Report.Records,
		"imported", r.Report.Imported, "replaced", r.Report.Replaced, "withdrawn", r.Report.Withdrawn,
		"duplicates", r.Report.Duplicates, "ignored", r.Report.Ignored, "rejected", len(r.Report.Rejected)}
	if len(reasons) > 0 {
		attrs = append(attrs, "rejected_reasons", reasons)
	}
	if !r.Through.IsZero() {
		attrs = append(attrs, "through", r.Through.Format(time.DateOnly))
	}
	if truncated {
		// More notices than the portal pages: the next runs go on from
		// the cursor.
		attrs = append(attrs, "truncated", true)
	}
	uc.Log.InfoContext(ctx, "BODACC feed imported", attrs...)
}
