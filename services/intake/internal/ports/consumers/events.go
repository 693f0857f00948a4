// Package consumers is intake's event port: the chambers' events that move an
// applicant's request along. What a handler returns decides ack, nak or
// dead-letter in natsbus.
//
// Late or repeated events (retries, redrives, replays and replicas do not
// keep an aggregate's order) are safe because of these guards: every
// route advances the request's status page with the inbox claim of its
// event, which drops a repeat, and only when the step is not older than
// the last one applied (progress_at), so a late "case opened" arriving
// after "taken in charge" does not move the page back. A session
// registration is kept once per request and session (its key), with the
// inbox claim, and so are its e-mails (their queue keys). The takeover
// market's facts kept for the buyers' digest (app.FollowListings) are
// upserts that keep the newest status (its time), claimed in the inbox
// when theirs is the event's only route. A concern raised about an
// offer's business (takeover.offer.difficulty_seen) is named to
// difficulty-alert with the inbox claim of its event, which drops a
// repeat; a replay whose inbox row was pruned names it again, which
// difficulty-alert's signals, unique by concern, absorb.
package consumers

import (
	"github.com/ccicma/platform/pkg/events"
	"github.com/ccicma/platform/pkg/natsbus"

	"github.com/ccicma/platform/services/intake/internal/app"
)

// Handlers are the use cases the events go to.
type Handlers struct {
	Track    app.TrackCase
	Sessions app.ConfirmSession
	Intros   app.RecordIntroduction
	Market   app.FollowListings
	Concerns app.IdentifyConcernedBusiness
}

// Consumers lists intake's durable consumers, one a stream it follows;
// batch commits the events a consumer has at hand together.
func Consumers(h Handlers, batch natsbus.BatchRunner) []natsbus.Consumer {
	spec := func(s events.Stream) natsbus.ConsumerSpec { return natsbus.ConsumerSpec{Stream: s, Batch: batch} }
	track, market := h.Track, h.Market
	return []natsbus.Consumer{
		natsbus.Routes(spec(events.StreamCreation), natsbus.On(track.CaseOpened),
			natsbus.On(track.CaseTakenInCharge), natsbus.On(track.CaseReassigned), natsbus.On(track.CaseStageChanged),
			natsbus.On(track.CaseRegistered), natsbus.On(track.CaseClosed), natsbus.On(track.CaseRedirectedToTakeover),
			natsbus.On(h.Sessions.Handle)),
		natsbus.Routes(spec(events.StreamTakeover), natsbus.On(track.OfferRegistered), natsbus.On(track.SearchRegistered),
			natsbus.On(track.OfferTakenInCharge), natsbus.On(track.OfferReassigned),
			natsbus.On(track.SearchTakenInCharge), natsbus.On(track.SearchReassigned),
			natsbus.On(h.Intros.Handle), natsbus.On(h.Concerns.Handle),
			// The buyers' digest: after the routes above, which claim
			// their events.
			natsbus.On(market.OfferRegistered), natsbus.On(market.SearchRegistered), natsbus.On(market.MatchStageChanged),
			natsbus.On(market.OfferPublished), natsbus.On(market.OfferStatusChanged), natsbus.On(market.SearchStatusChanged),
			natsbus.On(market.MatchProposed)),
		natsbus.Routes(spec(events.StreamDifficulty), natsbus.On(track.DifficultyCaseOpened)),
	}
}
