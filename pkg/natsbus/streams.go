package natsbus

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"time"

	"github.com/nats-io/nats.go/jetstream"

	"github.com/ccicma/platform/pkg/events"
)

// DuplicateWindow is how long JetStream remembers a Nats-Msg-Id. It must
// outlast the outbox relay's longest retry gap (its backoff is capped at
// 30 s), so a row republished after a lost PubAck is dropped as a repeat.
const DuplicateWindow = 10 * time.Minute

// ConfidentialRetention is how long a confidential stream
// (events.ConfidentialStreams) keeps its events: they name businesses (an
// entreprise individuelle's SIREN names a person), and their reader keeps
// what it needs in its own database, so the stream only has to outlast an
// outage of its reader and a replay after one, like the inbox's claims
// (platform.Config.InboxRetention, 30 days by default).
const ConfidentialRetention = 30 * 24 * time.Hour

// EnsureStream creates or updates the service's own stream, or a
// confidential stream it writes into: file storage, limits retention
// (events are kept for replay; a confidential stream's for
// ConfidentialRetention only) and the dedup window.
func (b *Bus) EnsureStream(ctx context.Context, s events.Stream, replicas int) error {
	if replicas < 1 {
		replicas = 1
	}
	cfg := jetstream.StreamConfig{
		Name:        s.Name,
		Description: "events published by " + s.Producer,
		Subjects:    s.Subjects(),
		Storage:     jetstream.FileStorage,
		Retention:   jetstream.LimitsPolicy,
		Discard:     jetstream.DiscardOld,
		Duplicates:  DuplicateWindow,
		Replicas:    replicas,
	}
	if slices.Contains(events.ConfidentialStreams(), s) {
		cfg.Description = "confidential: " + s.Producer + " events, read by one service only"
		cfg.MaxAge = ConfidentialRetention
		if err := b.createOnly(ctx, cfg); err != nil {
			return fmt.Errorf("ensure stream %s: %w", s.Name, err)
		}
		return nil
	}
	err := b.ensure(ctx, cfg)
	if err != nil {
		return fmt.Errorf("ensure stream %s: %w", s.Name, err)
	}
	return nil
}

// EnsureDeadLetterStream creates DEADLETTER, which holds the events
// consumers gave up on and the server's max-delivery advisories, if it
// does not exist: services may create it, not update it (see
// createOnly).
func (b *Bus) EnsureDeadLetterStream(ctx context.Context, replicas int) error {
	if replicas < 1 {
		replicas = 1
	}
	err := b.createOnly(ctx, jetstream.StreamConfig{
		Name:        events.DeadLetterStream,
		Description: "events consumers gave up on, with the reason; max-delivery advisories",
		Subjects:    []string{events.DeadLetterPrefix + ".>", events.MaxDeliveriesAdv + ".>"},
		Storage:     jetstream.FileStorage,
		Retention:   jetstream.LimitsPolicy,
		Duplicates:  DuplicateWindow,
		Replicas:    replicas,
	})
	if err != nil {
		return fmt.Errorf("ensure stream %s: %w", events.DeadLetterStream, err)
	}
	return nil
}

// RedriveRetention is how long REDRIVE keeps what ops sent back to a
// consumer: long enough to see what a redrive or a replay sent, short
// enough that the stream stays small (it is not a record of events).
const RedriveRetention = 7 * 24 * time.Hour

// EnsureRedriveStream creates REDRIVE, through which ops send dead
// letters and replayed events back to one service's consumers
// (events.RedriveSubject), if it does not exist (see createOnly).
func (b *Bus) EnsureRedriveStream(ctx context.Context, replicas int) error {
	if replicas < 1 {
		replicas = 1
	}
	err := b.createOnly(ctx, jetstream.StreamConfig{
		Name:        events.RedriveStream,
		Description: "events sent back to one service's consumers: redriven dead letters, replays",
		Subjects:    []string{events.RedrivePrefix + ".>"},
		Storage:     jetstream.FileStorage,
		Retention:   jetstream.LimitsPolicy,
		MaxAge:      RedriveRetention,
		Duplicates:  DuplicateWindow,
		Replicas:    replicas,
	})
	if err != nil {
		return fmt.Errorf("ensure stream %s: %w", events.RedriveStream, err)
	}
	return nil
}

// createOnly creates a stream several services write into if it does
// not exist: a confidential stream, DEADLETTER, REDRIVE. Its writers may
// create it but not update it (Identity.Permissions): an update could add
// a republication of every message to a subject the writer reads, or
// sources, and so read what the others wrote. A stream that exists
// already with another configuration (an older version's, or replicas
// changed) is left as it is, with a warning: ops change it with the
// admin user.
func (b *Bus) createOnly(ctx context.Context, cfg jetstream.StreamConfig) error {
	err := b.retry(ctx, func() error {
		_, err := b.JS.CreateStream(ctx, cfg)
		return err
	})
	if errors.Is(err, jetstream.ErrStreamNameAlreadyInUse) {
		b.log.Warn("confidential stream exists with another configuration: left as it is", "stream", cfg.Name)
		return nil
	}
	return err
}

// StreamSetupWait bounds how long a service's start retries a stream's
// creation while NATS answers with a timeout or no responders: a cluster
// just formed, or electing a meta leader, answers so for seconds.
const StreamSetupWait = time.Minute

// JetStream's answers while a cluster forms, or while a peer is away: not
// the stream's fault (nats-server's JSClusterNoPeersErrF and
// JSClusterNotAvailErr; nats.go names neither).
const (
	jsNoSuitablePeers     jetstream.ErrorCode = 10005 // no suitable peers for placement
	jsClusterNotAvailable jetstream.ErrorCode = 10008 // JetStream system temporarily unavailable
)

// setupTransient tells an error a stream's setup may outwait: an outage
// (IsOutage), or a cluster not ready to place the stream yet.
func setupTransient(err error) bool {
	if IsOutage(err) {
		return true
	}
	var apiErr *jetstream.APIError
	return errors.As(err, &apiErr) && (apiErr.ErrorCode == jsNoSuitablePeers || apiErr.ErrorCode == jsClusterNotAvailable)
}

// ensure creates or updates a stream, retrying through what
// setupTransient allows (the creation is idempotent) until ctx ends or
// StreamSetupWait has passed.
func (b *Bus) ensure(ctx context.Context, cfg jetstream.StreamConfig) error {
	return b.retry(ctx, func() error {
		_, err := b.JS.CreateOrUpdateStream(ctx, cfg)
		return err
	})
}

// retry runs an idempotent stream setup call through what setupTransient
// allows, until ctx ends or StreamSetupWait has passed.
func (b *Bus) retry(ctx context.Context, call func() error) error {
	deadline := time.Now().Add(StreamSetupWait)
	for {
		err := call()
		if err == nil || !setupTransient(err) || ctx.Err() != nil || time.Now().After(deadline) {
			return err
		}
		select {
		case <-ctx.Done():
			return err
		case <-time.After(500 * time.Millisecond):
		}
	}
}
