package main

import (
	"flag"
	"io"
	"slices"
	"testing"
	"time"

	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"

	"github.com/ccicma/platform/pkg/events"
)

// TestSelection: a command that changes dead letters needs sequences,
// filters or --all, not two of them; filters combine.
func TestSelection(t *testing.T) {
	now := time.Date(2026, 12, 7, 12, 0, 0, 0, time.UTC)
	dl := func(seq uint64, consumer, subject, reason string, age time.Duration) deadLetter {
		h := nats.Header{}
		h.Set(events.HeaderDeadConsume, consumer)
		h.Set(events.HeaderDeadSubject, subject)
		h.Set(events.HeaderDeadReason, reason)
		return newDeadLetter(&jetstream.RawStreamMsg{Sequence: seq, Subject: "deadletter." + consumer + "." + subject, Header: h, Time: now.Add(-age)})
	}
	dls := []deadLetter{
		dl(1, "creation-support", "intake.creation.submitted.91", "max deliveries reached: timeout", 2*time.Hour),
		dl(2, "creation-support", "advisor.directory.updated.91", "malformed event", time.Minute),
		dl(3, "intake", "creation.case.opened.77", "handler panicked", 3*time.Hour),
	}
	for _, tc := range []struct {
		args []string
		want []uint64 // nil: a usage error
	}{
		{args: []string{"--all"}, want: []uint64{1, 2, 3}},
		{args: []string{"2", "3"}, want: []uint64{2, 3}},
		{args: []string{"--consumer", "creation-support"}, want: []uint64{1, 2}},
		{args: []string{"--subject", "*.*.*.91"}, want: []uint64{1, 2}},
		{args: []string{"--subject", "intake.>", "--reason", "TIMEOUT"}, want: []uint64{1}},
		{args: []string{"--older-than", "1h", "--consumer", "intake"}, want: []uint64{3}},
		{args: []string{"--older-than", "1h", "1"}, want: []uint64{1}},
		{args: nil},
		{args: []string{"--all", "--consumer", "intake"}},
		{args: []string{"--all", "1"}},
		{args: []string{"one"}},
	} {
		fs := flag.NewFlagSet("test", flag.ContinueOnError)
		fs.SetOutput(io.Discard)
		var sel selection
		sel.flags(fs, true)
		err := sel.parse(fs, tc.args, true)
		if tc.want == nil {
			if err == nil {
				t.Errorf("%q: accepted, want a usage error", tc.args)
			}
			continue
		}
		if err != nil {
			t.Errorf("%q: %v", tc.args, err)
			continue
		}
		var got []uint64
		for _, d := range dls {
			if sel.matches(d, now) {
				got = append(got, d.msg.Sequence)
			}
		}
		if !slices.Equal(got, tc.want) {
			t.Errorf("%q selects %v, want %v", tc.args, got, tc.want)
		}
	}
}

// TestParseSince: an RFC 3339 time or a duration ago.
func TestParseSince(t *testing.T) {
	now := time.Date(2026, 12, 7, 12, 0, 0, 0, time.UTC)
	for in, want := range map[string]time.Time{
		"2026-12-01T08:00:00Z": time.Date(2026, 12, 1, 8, 0, 0, 0, time.UTC),
		"90m":                  now.Add(-90 * time.Minute),
	} {
		if got, err := parseSince(in, now); err != nil || !got.Equal(want) {
			t.Errorf("parseSince(%q) = %v, %v; want %v", in, got, err, want)
		}
	}
	for _, bad := range []string{"yesterday", "-1h", "2026-12-01"} {
		if _, err := parseSince(bad, now); err == nil {
			t.Errorf("parseSince(%q) accepted", bad)
		}
	}
}
