package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"maps"
	"slices"
	"strconv"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"
	"github.com/nats-io/nuid"

	"github.com/ccicma/platform/pkg/events"
	"github.com/ccicma/platform/pkg/natsbus"
)

// deadLetter is one message of DEADLETTER, read from its headers.
type deadLetter struct {
	msg        *jetstream.RawStreamMsg
	consumer   string // the service that gave up
	subject    string // the event's own subject
	reason     string
	deliveries string
}

func newDeadLetter(m *jetstream.RawStreamMsg) deadLetter {
	d := deadLetter{msg: m, consumer: m.Header.Get(events.HeaderDeadConsume), subject: m.Header.Get(events.HeaderDeadSubject),
		reason: m.Header.Get(events.HeaderDeadReason), deliveries: m.Header.Get(events.HeaderDeadDeliver)}
	// Older dead letters may lack a header: their subject says the same.
	rest := strings.TrimPrefix(m.Subject, events.DeadLetterPrefix+".")
	consumer, subject, _ := strings.Cut(rest, ".")
	if d.consumer == "" {
		d.consumer = consumer
	}
	if d.subject == "" {
		d.subject = subject
	}
	return d
}

// selection says which dead letters a command acts on: sequences, or
// filters, or all.
type selection struct {
	all       bool
	consumer  string
	subject   string
	reason    string
	olderThan time.Duration
	seqs      []uint64
}

func (s *selection) flags(fs *flag.FlagSet, withAll bool) {
	fs.StringVar(&s.consumer, "consumer", "", "only the dead letters of this consumer (service)")
	fs.StringVar(&s.subject, "subject", "", "only events whose subject matches this NATS pattern (* and >)")
	fs.StringVar(&s.reason, "reason", "", "only dead letters whose reason contains this text")
	fs.DurationVar(&s.olderThan, "older-than", 0, "only dead letters older than this")
	if withAll {
		fs.BoolVar(&s.all, "all", false, "every dead letter")
	}
}

// parse reads the flags and the sequences; a command that changes
// anything needs sequences, a filter or --all, never nothing.
func (s *selection) parse(fs *flag.FlagSet, args []string, needSome bool) error {
	if err := fs.Parse(args); err != nil {
		return err
	}
	for _, a := range fs.Args() {
		seq, err := strconv.ParseUint(a, 10, 64)
		if err != nil {
			return fmt.Errorf("%q is not a dead letter's sequence", a)
		}
		s.seqs = append(s.seqs, seq)
	}
	filtered := s.consumer != "" || s.subject != "" || s.reason != "" || s.olderThan > 0
	if needSome && !s.all && !filtered && len(s.seqs) == 0 {
		return errors.New("say which dead letters: sequences, filters (--consumer, --subject, --reason, --older-than) or --all")
	}
	if s.all && (filtered || len(s.seqs) > 0) {
		return errors.New("--all takes no filter or sequence")
	}
	return nil
}

func (s *selection) matches(d deadLetter, now time.Time) bool {
	switch {
	case len(s.seqs) > 0 && !slices.Contains(s.seqs, d.msg.Sequence):
		return false
	case s.consumer != "" && d.consumer != s.consumer:
		return false
	case s.subject != "" && !natsbus.MatchSubject(s.subject, d.subject):
		return false
	case s.reason != "" && !strings.Contains(strings.ToLower(d.reason), strings.ToLower(s.reason)):
		return false
	case s.olderThan > 0 && now.Sub(d.msg.Time) < s.olderThan:
		return false
	}
	return true
}

// deadLetters reads DEADLETTER's dead letters (not the server's
// advisories it also holds) that sel selects, in order, up to the last
// one present when it started.
func (t *tool) deadLetters(ctx context.Context, sel *selection) (jetstream.Stream, []deadLetter, error) {
	stream, err := t.js.Stream(ctx, events.DeadLetterStream)
	if err != nil {
		return nil, nil, fmt.Errorf("stream %s: %w", events.DeadLetterStream, err)
	}
	var out []deadLetter
	err = scan(ctx, stream, events.DeadLetterPrefix+".>", 0, 0, func(m *jetstream.RawStreamMsg) error {
		if d := newDeadLetter(m); sel.matches(d, t.now()) {
			out = append(out, d)
		}
		return nil
	})
	return stream, out, err
}

// scan calls fn with the stream's messages of subject, from sequence from
// (0: the first) to sequence to (0: the last when it started), in order.
// It reads them one by one (STREAM.MSG.GET): platformctl has no right to
// create consumers (natsbus.OperatorPermissions).
func scan(ctx context.Context, stream jetstream.Stream, subject string, from, to uint64, fn func(*jetstream.RawStreamMsg) error) error {
	state := stream.CachedInfo().State
	if to == 0 || to > state.LastSeq {
		to = state.LastSeq
	}
	for seq := max(from, state.FirstSeq, 1); seq <= to; {
		m, err := stream.GetMsg(ctx, seq, jetstream.WithGetMsgSubject(subject))
		if errors.Is(err, jetstream.ErrMsgNotFound) {
			return nil
		}
		if err != nil {
			return fmt.Errorf("read %s message %d: %w", stream.CachedInfo().Config.Name, seq, err)
		}
		if m.Sequence > to {
			return nil
		}
		if err := fn(m); err != nil {
			return err
		}
		seq = m.Sequence + 1
	}
	return nil
}

func (t *tool) list(ctx context.Context, args []string) error {
	fs := flag.NewFlagSet("deadletters list", flag.ContinueOnError)
	var sel selection
	sel.flags(fs, false)
	if err := sel.parse(fs, args, false); err != nil {
		return err
	}
	_, dls, err := t.deadLetters(ctx, &sel)
	if err != nil {
		return err
	}
	tw := tabwriter.NewWriter(t.out, 0, 4, 2, ' ', 0)
	table := &printer{w: tw}
	table.printf("SEQ\tCONSUMER\tSUBJECT\tREASON\tAGE\tDELIVERIES\n")
	for _, d := range dls {
		table.printf("%d\t%s\t%s\t%s\t%s\t%s\n", d.msg.Sequence, d.consumer, d.subject, oneLine(d.reason, 60),
			t.now().Sub(d.msg.Time).Round(time.Second), d.deliveries)
	}
	if table.err != nil {
		return table.err
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	t.out.printf("%d dead letter(s)\n", len(dls))
	return nil
}

// oneLine shortens a reason for a table row.
func oneLine(s string, n int) string {
	s = strings.Join(strings.Fields(s), " ")
	if r := []rune(s); len(r) > n {
		return string(r[:n-1]) + "…"
	}
	return s
}

// show prints one dead letter in full: on the operator's terminal, on
// explicit request, which is the point; never into logs.
func (t *tool) show(ctx context.Context, args []string) error {
	if len(args) != 1 {
		return errors.New("usage: platformctl deadletters show SEQ")
	}
	seq, err := strconv.ParseUint(args[0], 10, 64)
	if err != nil {
		return fmt.Errorf("%q is not a dead letter's sequence", args[0])
	}
	stream, err := t.js.Stream(ctx, events.DeadLetterStream)
	if err != nil {
		return fmt.Errorf("stream %s: %w", events.DeadLetterStream, err)
	}
	m, err := stream.GetMsg(ctx, seq)
	if err != nil {
		return fmt.Errorf("dead letter %d: %w", seq, err)
	}
	t.out.printf("Sequence: %d\nSubject:  %s\nStored:   %s (%s ago)\n\n", m.Sequence, m.Subject,
		m.Time.UTC().Format(time.RFC3339), t.now().Sub(m.Time).Round(time.Second))
	for _, k := range slices.Sorted(maps.Keys(m.Header)) {
		for _, v := range m.Header.Values(k) {
			t.out.printf("%s: %s\n", k, v)
		}
	}
	t.out.printf("\n")
	return writePayload(t.out, m.Data)
}

// writePayload prints a JSON payload indented, anything else as it is.
func writePayload(w io.Writer, data []byte) error {
	var b bytes.Buffer
	if err := json.Indent(&b, data, "", "  "); err != nil {
		b.Reset()
		b.Write(data)
	}
	b.WriteByte('\n')
	_, err := w.Write(b.Bytes())
	return err
}

// redrive sends each selected dead letter back to the consumer that gave
// up on it, and deletes it once REDRIVE has it.
func (t *tool) redrive(ctx context.Context, args []string) error {
	fs := flag.NewFlagSet("deadletters redrive", flag.ContinueOnError)
	var sel selection
	sel.flags(fs, true)
	if err := sel.parse(fs, args, true); err != nil {
		return err
	}
	stream, dls, err := t.deadLetters(ctx, &sel)
	if err != nil {
		return err
	}
	if err := missing(&sel, dls); err != nil {
		return err
	}
	done := 0
	var errs []error
	for _, d := range dls {
		if err := t.send(ctx, d.consumer, d.subject, d.msg); err != nil {
			errs = append(errs, fmt.Errorf("dead letter %d: %w", d.msg.Sequence, err))
			continue
		}
		if err := stream.DeleteMsg(ctx, d.msg.Sequence); err != nil {
			// Redriven but kept: a second redrive is absorbed by the inbox.
			errs = append(errs, fmt.Errorf("dead letter %d redriven, not deleted: %w", d.msg.Sequence, err))
		}
		done++
	}
	t.out.printf("redriven %d of %d dead letter(s)\n", done, len(dls))
	return errors.Join(errs...)
}

// missing reports sequences asked for that are not dead letters.
func missing(sel *selection, dls []deadLetter) error {
	var absent []string
	for _, seq := range sel.seqs {
		if !slices.ContainsFunc(dls, func(d deadLetter) bool { return d.msg.Sequence == seq }) {
			absent = append(absent, strconv.FormatUint(seq, 10))
		}
	}
	if len(absent) > 0 {
		return fmt.Errorf("no dead letter with sequence %s", strings.Join(absent, ", "))
	}
	return nil
}

// send publishes an event (a dead letter or a replayed message) to
// service's consumer of subject through REDRIVE, with its headers but the
// dead letters' own, and waits for the PubAck. The event keeps its ce-id,
// which the service's inbox knows if it applied it; the message gets a
// fresh Nats-Msg-Id, or JetStream's de-duplication would drop a second
// redrive of the same event.
func (t *tool) send(ctx context.Context, service, subject string, m *jetstream.RawStreamMsg) error {
	msg := nats.NewMsg(events.RedriveSubject(service, subject))
	for k, vs := range m.Header {
		if strings.HasPrefix(k, "Dead-") || k == events.HeaderMsgID {
			continue
		}
		msg.Header[k] = slices.Clone(vs)
	}
	msg.Data = m.Data
	if _, err := t.js.PublishMsg(ctx, msg, jetstream.WithMsgID(nuid.Next())); err != nil {
		return fmt.Errorf("publish to %s: %w", msg.Subject, err)
	}
	return nil
}

// purge deletes the selected dead letters, after the operator typed yes
// (or with --yes).
func (t *tool) purge(ctx context.Context, args []string) error {
	fs := flag.NewFlagSet("deadletters purge", flag.ContinueOnError)
	var sel selection
	sel.flags(fs, true)
	yes := fs.Bool("yes", false, "delete without asking")
	if err := sel.parse(fs, args, true); err != nil {
		return err
	}
	stream, dls, err := t.deadLetters(ctx, &sel)
	if err != nil {
		return err
	}
	if err := missing(&sel, dls); err != nil {
		return err
	}
	if len(dls) == 0 {
		t.out.printf("no dead letter to delete\n")
		return nil
	}
	if !*yes {
		for _, d := range dls {
			t.out.printf("%d\t%s\t%s\t%s\n", d.msg.Sequence, d.consumer, d.subject, oneLine(d.reason, 60))
		}
		t.out.printf("Delete these %d dead letter(s)? They cannot be redriven afterwards. Type yes: ", len(dls))
		answer, err := bufio.NewReader(t.in).ReadString('\n')
		if err != nil && !errors.Is(err, io.EOF) {
			return fmt.Errorf("read the answer: %w", err)
		}
		if strings.TrimSpace(answer) != "yes" {
			t.out.printf("\nnothing deleted\n")
			return nil
		}
	}
	deleted := 0
	var errs []error
	for _, d := range dls {
		if err := stream.DeleteMsg(ctx, d.msg.Sequence); err != nil {
			errs = append(errs, fmt.Errorf("delete dead letter %d: %w", d.msg.Sequence, err))
			continue
		}
		deleted++
	}
	t.out.printf("deleted %d of %d dead letter(s)\n", deleted, len(dls))
	return errors.Join(errs...)
}
