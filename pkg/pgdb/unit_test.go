package pgdb_test

import (
	"context"
	"errors"
	"testing"

	"github.com/jackc/pgx/v5"

	"github.com/ccicma/platform/pkg/pgdb"
)

type recorder struct {
	name string
	log  *[]string
	err  error
}

func (r *recorder) Flush(context.Context, pgx.Tx) error {
	*r.log = append(*r.log, r.name)
	return r.err
}

// TestDeferred: without a unit nothing is deferred; within one, each key
// gets one Flusher, flushed once in first-use order; AfterCommit waits for
// Committed.
func TestDeferred(t *testing.T) {
	ctx := context.Background()
	if _, ok := pgdb.Deferred(ctx, "k", func() pgdb.Flusher { return nil }); ok {
		t.Fatal("Deferred without a unit reported a unit")
	}
	ran := false
	pgdb.AfterCommit(ctx, func() { ran = true })
	if !ran {
		t.Fatal("AfterCommit without a unit did not run at once")
	}

	var log []string
	u := pgdb.NewUnit(nil)
	uctx := u.Context(ctx)
	created := 0
	get := func(key string) pgdb.Flusher {
		f, ok := pgdb.Deferred(uctx, key, func() pgdb.Flusher { created++; return &recorder{name: key, log: &log} })
		if !ok {
			t.Fatal("Deferred within a unit reported none")
		}
		return f
	}
	b1, a1, b2 := get("b"), get("a"), get("b")
	if b1 != b2 || a1 == b1 || created != 2 {
		t.Fatalf("flushers: b twice the same %v, a distinct %v, %d created (want 2)", b1 == b2, a1 != b1, created)
	}
	woken := false
	pgdb.AfterCommit(uctx, func() { woken = true })
	if woken {
		t.Fatal("AfterCommit ran before the unit committed")
	}
	if err := u.Flush(ctx); err != nil {
		t.Fatal(err)
	}
	if len(log) != 2 || log[0] != "b" || log[1] != "a" {
		t.Fatalf("flush order %v, want [b a] (first use)", log)
	}
	u.Committed()
	if !woken {
		t.Fatal("AfterCommit did not run after Committed")
	}

	failing := pgdb.NewUnit(nil)
	boom := errors.New("boom")
	pgdb.Deferred(failing.Context(ctx), "x", func() pgdb.Flusher { return &recorder{name: "x", log: &log, err: boom} })
	if err := failing.Flush(ctx); !errors.Is(err, boom) {
		t.Fatalf("Flush error = %v, want the flusher's", err)
	}
}
