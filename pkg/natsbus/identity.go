package natsbus

import (
	"errors"
	"fmt"

	"github.com/ccicma/platform/pkg/events"
)

// Identity is a service's NATS identity: its user, the stream it owns and
// the streams it consumes. Permissions derive from it, so devstack, tests,
// docker-compose and Kubernetes grant exactly the same rights.
type Identity struct {
	Service  string          // NATS user and durable consumer name
	Owns     events.Stream   // the only stream it may publish into
	Consumes []events.Stream // streams it reads through its durable
	// Writes lists the confidential streams (events.ConfidentialStreams)
	// the service also publishes into, though it does not own them:
	// several services write into such a stream, whichever starts first
	// creates it (as DEADLETTER), and only the services that list it in
	// Consumes read it. Writing gives no consumer right and no message
	// read on it: a writer cannot read what another wrote.
	Writes []events.Stream
}

// InboxPrefix is the service's private reply subject space: with the shared
// default (_INBOX) any user allowed to subscribe there could read others'
// replies.
func (id Identity) InboxPrefix() string { return "_INBOX_" + id.Service }

// Permissions lists the subjects the service may publish and subscribe to:
// its own events, its dead letters, and the JetStream API calls it needs for
// its own stream and durables; nothing of anybody else's.
func (id Identity) Permissions() (publish, subscribe []string) {
	own := id.Owns.Name
	publish = []string{
		id.Owns.Producer + ".>",
		events.DeadLetterPrefix + "." + id.Service + ".>",
		"$JS.API.INFO",
		"$JS.API.STREAM.CREATE." + own, "$JS.API.STREAM.UPDATE." + own, "$JS.API.STREAM.INFO." + own,
		// DEADLETTER and REDRIVE are created by whichever service starts
		// first, never updated by one: an update could republish their
		// messages (another service's dead letters and replays, a
		// confidential stream's among them) where the service reads.
		"$JS.API.STREAM.CREATE." + events.DeadLetterStream,
		"$JS.API.STREAM.INFO." + events.DeadLetterStream,
	}
	// A confidential stream's writers may create it, not update it: an
	// update could republish its messages, or source them, where the
	// writer reads (Bus.EnsureStream creates it only).
	for _, w := range id.Writes {
		publish = append(publish,
			w.Producer+".>",
			"$JS.API.STREAM.CREATE."+w.Name, "$JS.API.STREAM.INFO."+w.Name)
	}
	for _, s := range id.Consumes {
		d := s.Name + "." + id.Service
		publish = append(publish,
			"$JS.API.STREAM.INFO."+s.Name,
			"$JS.API.CONSUMER.CREATE."+d, "$JS.API.CONSUMER.CREATE."+d+".>",
			"$JS.API.CONSUMER.DURABLE.CREATE."+d,
			"$JS.API.CONSUMER.INFO."+d,
			"$JS.API.CONSUMER.MSG.NEXT."+d,
			"$JS.ACK."+d+".>",
		)
	}
	// Every service creates REDRIVE (like DEADLETTER: whichever starts
	// first) and reads its own part of it through its durable. REDRIVE
	// holds every service's redriven and replayed events, so the durable
	// may only be created with the filter of the service's own subjects
	// (the create call names its one filter subject; the unfiltered call,
	// the legacy durable call and a filter list could name others').
	r := events.RedriveStream + "." + id.Service
	publish = append(publish,
		"$JS.API.STREAM.CREATE."+events.RedriveStream, "$JS.API.STREAM.INFO."+events.RedriveStream,
		"$JS.API.CONSUMER.CREATE."+r+"."+events.RedriveSubject(id.Service, ">"),
		"$JS.API.CONSUMER.INFO."+r,
		"$JS.API.CONSUMER.MSG.NEXT."+r,
		"$JS.ACK."+r+".>",
	)
	subscribe = []string{id.InboxPrefix() + ".>"}
	return publish, subscribe
}

// Platform lists every service's identity: who owns which stream, who
// writes into a confidential one and who consumes what. It mirrors the
// services table of DESIGN.md. advisor-desk consumes every domain stream,
// not the confidential ones.
func Platform() []Identity {
	domain := []events.Stream{events.StreamIntake, events.StreamCreation, events.StreamTakeover, events.StreamDifficulty}
	return []Identity{
		{Service: "intake", Owns: events.StreamIntake, Consumes: []events.Stream{events.StreamCreation, events.StreamTakeover, events.StreamDifficulty, events.StreamAdvisor},
			Writes: []events.Stream{events.StreamPrevention}},
		{Service: "creation-support", Owns: events.StreamCreation, Consumes: []events.Stream{events.StreamIntake, events.StreamAdvisor},
			Writes: []events.Stream{events.StreamPrevention}},
		{Service: "takeover-matching", Owns: events.StreamTakeover, Consumes: []events.Stream{events.StreamIntake, events.StreamCreation, events.StreamAdvisor}},
		// The only reader of PREVENTION, the confidential stream that
		// carries the SIREN: the SIREN reaches difficulty-alert and no
		// other service.
		{Service: "difficulty-alert", Owns: events.StreamDifficulty, Consumes: []events.Stream{events.StreamIntake, events.StreamCreation, events.StreamTakeover, events.StreamAdvisor, events.StreamPrevention}},
		{Service: "advisor-desk", Owns: events.StreamAdvisor, Consumes: domain},
	}
}

// ErrUnknownService is the error of IdentityOf for a name Platform does not
// list.
var ErrUnknownService = errors.New("unknown service")

// IdentityOf returns the identity of a service by name; a name Platform
// does not list is an error (ErrUnknownService) that names it, so that a
// misspelt name stops a service at start instead of running it with no
// rights.
func IdentityOf(service string) (Identity, error) {
	for _, id := range Platform() {
		if id.Service == service {
			return id, nil
		}
	}
	return Identity{}, fmt.Errorf("nats identity of %q: %w", service, ErrUnknownService)
}

// OperatorUser is the NATS user of platformctl, the ops command for dead
// letters and replays.
const OperatorUser = "platformctl"

// OperatorInboxPrefix is platformctl's private reply subject space.
const OperatorInboxPrefix = "_INBOX_" + OperatorUser

// OperatorPermissions lists what platformctl may publish and subscribe
// to: read any stream message by message (STREAM.MSG.GET: a replay reads
// its stream that way), delete dead letters, and send events back to a
// consumer through REDRIVE. It has no consumer rights at all: NATS
// permissions match whole subject tokens, so the right to create or pull
// from an ephemeral consumer could not exclude the services' durables,
// which a mistaken command would then update or drain.
func OperatorPermissions() (publish, subscribe []string) {
	publish = []string{
		events.RedrivePrefix + ".>",
		"$JS.API.INFO",
		"$JS.API.STREAM.INFO.*",
		"$JS.API.STREAM.MSG.GET.*",
		"$JS.API.STREAM.MSG.DELETE." + events.DeadLetterStream,
	}
	return publish, []string{OperatorInboxPrefix + ".>"}
}
