// Package consumers is takeover-matching's event port: it routes incoming
// events, decoded, to the use cases (natsbus.Routes). What comes back
// decides ack, nak or dead-letter in natsbus.
//
// Late or repeated events (retries, redrives, replays and replicas do not
// keep an aggregate's order) are safe because of these guards:
//   - intake.takeover.offer_submitted and search_submitted register an
//     offer or a search: the inbox claim drops a repeat, and offers and
//     searches are unique by request_id, as matches are by their pair, so
//     a repeat whose inbox row was pruned adds nothing. They are the first
//     event of their request: nothing can come before them.
//   - creation.case.redirected_to_takeover opens a draft search: the inbox
//     claim drops a repeat, and searches are unique by request_id (a
//     request redirected from creation had no search before).
//   - advisor.directory.updated: the projection keeps the highest revision
//     of each advisor, so an older entry arriving late, or twice, changes
//     nothing; it claims no inbox row, so a replay of ADVISOR rebuilds
//     the projection after its rows were deleted.
package consumers

import (
	"github.com/ccicma/platform/pkg/directory/projection"
	"github.com/ccicma/platform/pkg/events"
	"github.com/ccicma/platform/pkg/natsbus"

	"github.com/ccicma/platform/services/takeover-matching/internal/app"
)

// Consumers lists the durable consumers and their handlers; batch commits
// the events a consumer has at hand together.
func Consumers(offer app.RegisterOffer, search app.RegisterSearch, draft app.OpenDraftSearch, project projection.ProjectAdvisor, batch natsbus.BatchRunner) []natsbus.Consumer {
	return []natsbus.Consumer{
		// One durable per service and stream, so offers and searches share
		// it; one worker, because every registration takes the same lock
		// (see the store) and concurrent workers would only wait for each
		// other.
		natsbus.Routes(natsbus.ConsumerSpec{Stream: events.StreamIntake, Batch: batch, Workers: 1},
			natsbus.On(offer.Handle), natsbus.On(search.Handle)),
		// Redirected creation projects are rare: one worker, the same lock.
		natsbus.Routes(natsbus.ConsumerSpec{Stream: events.StreamCreation, Batch: batch, Workers: 1}, natsbus.On(draft.Handle)),
		natsbus.Routes(natsbus.ConsumerSpec{Stream: events.StreamAdvisor, Batch: batch}, natsbus.On(project.Handle)),
	}
}
