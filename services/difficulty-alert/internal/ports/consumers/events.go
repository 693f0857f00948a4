// Package consumers is difficulty-alert's event port: it routes incoming
// events, decoded, to the use cases (natsbus.Routes). What comes back
// decides ack, nak or dead-letter in natsbus (an undecodable or invalid
// event is dead-lettered at once).
//
// Late or repeated events (retries, redrives, replays and replicas do not
// keep an aggregate's order) are safe because of these guards:
//   - intake.difficulty.reported opens a case: the inbox claim drops a
//     repeat, and cases are unique by request_id, so a repeat whose inbox
//     row was pruned opens nothing either. It is the first event of its
//     request: nothing can come before it.
//   - creation.case.difficulty_seen and creation.case.concern_raised open
//     a case of source advisor_observation (a concern's at no
//     checkpoint, its kinds the concerns): the inbox claim drops a
//     repeat, and open cases are unique by request_id, so a replay, a
//     later checkpoint with difficulties of the same creation case or a
//     concern while its case is open (or a checkpoint while a concern's
//     is), opens nothing. Nothing else of the creation case matters
//     here, so its order does not: whichever comes first opens the case.
//   - takeover.offer.difficulty_seen opens a case of source
//     advisor_observation too, named by its takeover offer: the inbox
//     claim drops a repeat, and open cases are unique by request_id, so a
//     replay, or another concern about the same offer while its case is
//     open, opens nothing. Nothing else of the offer matters here, so its
//     order does not.
//   - prevention.report.identified, prevention.observation.identified,
//     prevention.creation_concern.identified and
//     prevention.concern.identified (the confidential stream) each store
//     a signal: the inbox claim drops a repeat, and signals are unique by
//     source and reference (the request id; the creation case and its
//     checkpoint; the creation case and the concern; the offer and the
//     concern), so a replay stores nothing. Signals carry their own
//     dates, so their order does not matter; a signal arriving before its
//     case's event, or after it, finds the same case (by its request).
//   - advisor.directory.updated: the projection keeps the highest revision
//     of each advisor, so an older entry arriving late, or twice, changes
//     nothing; it claims no inbox row, so a replay of ADVISOR rebuilds
//     the projection after its rows were deleted.
package consumers

import (
	"github.com/ccicma/platform/pkg/directory/projection"
	"github.com/ccicma/platform/pkg/events"
	"github.com/ccicma/platform/pkg/natsbus"

	"github.com/ccicma/platform/services/difficulty-alert/internal/app"
)

// Consumers lists the durable consumers and their handlers; batch commits
// the events a consumer has at hand together.
func Consumers(open app.OpenCase, observed app.OpenObservedCase, concerned app.OpenConcernCase, identified app.RecordIdentifiedSignal,
	project projection.ProjectAdvisor, batch natsbus.BatchRunner) []natsbus.Consumer {
	return []natsbus.Consumer{
		// One worker: openings count cases in the same few advisor rows,
		// which concurrent batches would lock in turn. The store writes
		// those counts once a batch, in advisor order, so even several
		// replicas cannot deadlock.
		natsbus.Routes(natsbus.ConsumerSpec{Stream: events.StreamIntake, Batch: batch, Workers: 1}, natsbus.On(open.Handle)),
		// Of CREATION only the difficulties seen at checkpoints and the
		// concerns raised between two (the durable's filters): rare, and
		// counted in the same advisor rows, hence one worker too.
		natsbus.Routes(natsbus.ConsumerSpec{Stream: events.StreamCreation, Batch: batch, Workers: 1},
			natsbus.On(observed.Handle), natsbus.On(observed.HandleConcern)),
		// Of TAKEOVER likewise only the concerns takeover advisors raise
		// about businesses for sale: rare, counted in the same advisor
		// rows, one worker.
		natsbus.Routes(natsbus.ConsumerSpec{Stream: events.StreamTakeover, Batch: batch, Workers: 1}, natsbus.On(concerned.Handle)),
		natsbus.Routes(natsbus.ConsumerSpec{Stream: events.StreamAdvisor, Batch: batch}, natsbus.On(project.Handle)),
		// The confidential stream, which this service alone may read: the
		// SIREN of a self-diagnosis report's business, of a business a
		// creation advisor saw in difficulty (at a checkpoint or between
		// two) and of a business for sale a takeover advisor raised a
		// concern about. Not batched: each signal
		// commits on its own, so that the business is rescored after the
		// commit (within a batch the rescoring would run before it and
		// miss the signal); they are few.
		natsbus.Routes(natsbus.ConsumerSpec{Stream: events.StreamPrevention},
			natsbus.On(identified.HandleReport), natsbus.On(identified.HandleObservation), natsbus.On(identified.HandleConcern),
			natsbus.On(identified.HandleCreationConcern)),
	}
}
