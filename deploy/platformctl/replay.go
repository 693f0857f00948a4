package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"time"

	"github.com/nats-io/nats.go/jetstream"

	"github.com/ccicma/platform/pkg/natsbus"
)

// replay sends a stream's messages, from a sequence or a time, to one
// service's consumers through REDRIVE: the service hands each to its
// consumer of that subject and skips those it has none for.
func (t *tool) replay(ctx context.Context, args []string) error {
	fs := flag.NewFlagSet("replay", flag.ContinueOnError)
	name := fs.String("stream", "", "the stream to replay, e.g. ADVISOR")
	service := fs.String("consumer", "", "the service whose consumers receive it, e.g. creation-support")
	fromSeq := fs.Uint64("from-seq", 0, "first sequence to replay")
	since := fs.String("since", "", "replay from this time: RFC 3339, or a duration ago (e.g. 2h)")
	toSeq := fs.Uint64("to-seq", 0, "last sequence to replay (default: the last one now)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if fs.NArg() > 0 || *name == "" || *service == "" || (*fromSeq == 0) == (*since == "") {
		return errors.New("usage: platformctl replay --stream NAME --consumer SERVICE (--from-seq N | --since TIME) [--to-seq N]")
	}
	if _, err := natsbus.IdentityOf(*service); err != nil {
		return err
	}
	stream, err := t.js.Stream(ctx, *name)
	if err != nil {
		return fmt.Errorf("stream %s: %w", *name, err)
	}
	from := *fromSeq
	if *since != "" {
		at, err := parseSince(*since, t.now())
		if err != nil {
			return err
		}
		if from, err = firstSince(ctx, stream, at); err != nil {
			return err
		}
	}
	n, first, last := 0, uint64(0), uint64(0)
	err = scan(ctx, stream, ">", from, *toSeq, func(m *jetstream.RawStreamMsg) error {
		if err := t.send(ctx, *service, m.Subject, m); err != nil {
			return fmt.Errorf("%s message %d: %w", *name, m.Sequence, err)
		}
		if n == 0 {
			first = m.Sequence
		}
		n, last = n+1, m.Sequence
		return nil
	})
	if n == 0 {
		t.out.printf("replayed no message of %s to %s\n", *name, *service)
	} else {
		t.out.printf("replayed %d message(s) of %s (sequences %d to %d) to %s\n", n, *name, first, last, *service)
	}
	return err
}

// parseSince reads a time, or a duration before now.
func parseSince(s string, now time.Time) (time.Time, error) {
	if at, err := time.Parse(time.RFC3339, s); err == nil {
		return at, nil
	}
	d, err := time.ParseDuration(s)
	if err != nil || d < 0 {
		return time.Time{}, fmt.Errorf("--since %q is neither an RFC 3339 time nor a positive duration", s)
	}
	return now.Add(-d), nil
}

// firstSince finds the first sequence stored at or after at, by bisection
// over the sequences (a stream stores in time order).
func firstSince(ctx context.Context, stream jetstream.Stream, at time.Time) (uint64, error) {
	state := stream.CachedInfo().State
	lo, hi := max(state.FirstSeq, 1), state.LastSeq+1
	for lo < hi {
		mid := lo + (hi-lo)/2
		m, err := stream.GetMsg(ctx, mid, jetstream.WithGetMsgSubject(">"))
		switch {
		case errors.Is(err, jetstream.ErrMsgNotFound):
			hi = mid
		case err != nil:
			return 0, fmt.Errorf("read message %d: %w", mid, err)
		case m.Time.Before(at):
			lo = m.Sequence + 1
		default:
			hi = mid
		}
	}
	return lo, nil
}
