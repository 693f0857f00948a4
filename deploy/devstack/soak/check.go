package main

import (
	"context"
	"fmt"
	"net/http"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/nats-io/nats.go/jetstream"

	"github.com/ccicma/platform/pkg/events"
)

// result is what the checks found.
type result struct {
	records  []record
	requests int // in intake, whether or not the soak saw their 202
	// unrouted were routed to neither chamber: intake told the applicant
	// where to turn, and nothing is opened.
	unrouted map[string]bool
	lost     []string
	dups     []string
	// doneAt is when each request's first notification was stored: the
	// end of its journey.
	doneAt      map[string]time.Time
	deadLetters []string
	stuck       []string
	mail        mailFigures
	quiet       bool
	faults      []recovery
}

// outcome is where a request of a kind ends: the row it opens (its table
// and id), and the notification that tells advisors of it.
type outcome struct {
	table, id, advisors, link, notification string
}

// outcomes of the four kinds. advisors is the expression of the advisors
// the row is assigned to (each must be notified once).
func outcomes() map[string]outcome {
	return map[string]outcome{
		"creation": {"creation_support.creation_cases", "case_id", "array_remove(ARRAY[advisor_id], NULL)",
			"/dossiers/creation/", "creation.case.opened"},
		"takeover_offer": {"takeover_matching.takeover_offers", "offer_id", "array_remove(ARRAY[advisor_id], NULL)",
			"/dossiers/reprise/offres/", "takeover.offer.registered"},
		"buyer_search": {"takeover_matching.buyer_searches", "search_id", "array_remove(ARRAY[advisor_id], NULL)",
			"/dossiers/reprise/recherches/", "takeover.search.registered"},
		"difficulty": {"difficulty_alert.difficulty_cases", "case_id", "advisor_ids",
			"/dossiers/prevention/", "difficulty.case.opened"},
	}
}

// check reads the databases, the streams and the catcher.
func check(ctx context.Context, e *env, records []record) (*result, error) {
	conn, js, done, err := e.admin(ctx)
	if err != nil {
		return nil, err
	}
	defer done()
	res := &result{records: records, doneAt: map[string]time.Time{}, unrouted: map[string]bool{}}
	notes, err := readNotifications(ctx, conn)
	if err != nil {
		return nil, err
	}
	if err := res.checkRequests(ctx, conn, notes); err != nil {
		return nil, err
	}
	if err := res.checkMatches(ctx, conn, notes); err != nil {
		return nil, err
	}
	if res.mail, err = checkMail(ctx, conn, e.mail.Messages()); err != nil {
		return nil, err
	}
	if err := res.checkStreams(ctx, js); err != nil {
		return nil, err
	}
	return res, nil
}

// notified is the notifications of one link and kind, by advisor.
type notified struct {
	byAdvisor map[string]int
	first     time.Time
}

func readNotifications(ctx context.Context, conn *pgx.Conn) (map[string]*notified, error) {
	rows, err := conn.Query(ctx, `SELECT link, kind, advisor_id, count(*), min(created_at)
		FROM advisor_desk.notifications GROUP BY link, kind, advisor_id`)
	if err != nil {
		return nil, fmt.Errorf("read notifications: %w", err)
	}
	defer rows.Close()
	out := map[string]*notified{}
	for rows.Next() {
		var link, kind, advisor string
		var n int
		var at time.Time
		if err := rows.Scan(&link, &kind, &advisor, &n, &at); err != nil {
			return nil, err
		}
		k := kind + " " + link
		if out[k] == nil {
			out[k] = &notified{byAdvisor: map[string]int{}, first: at}
		}
		out[k].byAdvisor[advisor] = n
		if at.Before(out[k].first) {
			out[k].first = at
		}
	}
	return out, rows.Err()
}

// checkRequests checks every request intake holds, and every 202 the load
// received: one row of its kind, each assigned advisor notified once, and
// no advisor notified twice of it.
func (res *result) checkRequests(ctx context.Context, conn *pgx.Conn, notes map[string]*notified) error {
	kinds, err := res.readRequests(ctx, conn)
	if err != nil {
		return err
	}
	for _, r := range res.records {
		if _, ok := kinds[r.requestID]; r.status == http.StatusAccepted && !ok {
			res.lost = append(res.lost, fmt.Sprintf("%s %s: answered 202, not in intake", r.kind, r.requestID))
		}
	}
	for kind, o := range outcomes() {
		if err := res.checkOutcomes(ctx, conn, kind, o, kinds, notes); err != nil {
			return err
		}
	}
	return nil
}

// readRequests returns the kind of each request intake holds, or "" for a
// request routed to neither chamber, which opens nothing.
func (res *result) readRequests(ctx context.Context, conn *pgx.Conn) (map[string]string, error) {
	rows, err := conn.Query(ctx, `SELECT request_id::text, kind, coalesce(routing->>'lead_chamber', '') <> '' FROM intake.requests`)
	if err != nil {
		return nil, fmt.Errorf("read requests: %w", err)
	}
	defer rows.Close()
	kinds := map[string]string{}
	for rows.Next() {
		var id, kind string
		var routed bool
		if err := rows.Scan(&id, &kind, &routed); err != nil {
			return nil, err
		}
		if !routed {
			kind = ""
			res.unrouted[id] = true
		}
		kinds[id] = kind
	}
	res.requests = len(kinds)
	return kinds, rows.Err()
}

func (res *result) checkOutcomes(ctx context.Context, conn *pgx.Conn, kind string, o outcome, kinds map[string]string, notes map[string]*notified) error {
	rows, err := conn.Query(ctx, fmt.Sprintf(`SELECT request_id::text, %s::text, %s FROM %s`, o.id, o.advisors, o.table))
	if err != nil {
		return fmt.Errorf("read %s: %w", o.table, err)
	}
	opened := map[string]int{}
	for rows.Next() {
		var req, id string
		var advisors []string
		if err := rows.Scan(&req, &id, &advisors); err != nil {
			return err
		}
		opened[req]++
		n := notes[o.notification+" "+o.link+id]
		if n == nil {
			res.lost = append(res.lost, fmt.Sprintf("%s %s: %s %s, no notification", kind, req, o.table, id))
			continue
		}
		res.doneAt[req] = n.first
		res.checkNotified(fmt.Sprintf("%s %s", kind, req), advisors, n)
	}
	if err := rows.Err(); err != nil {
		return err
	}
	for req, k := range kinds {
		switch {
		case k != kind:
		case opened[req] == 0:
			res.lost = append(res.lost, fmt.Sprintf("%s %s: nothing in %s", kind, req, o.table))
		case opened[req] > 1:
			res.dups = append(res.dups, fmt.Sprintf("%s %s: %d rows in %s", kind, req, opened[req], o.table))
		}
	}
	return nil
}

// checkNotified: each advisor notified at most once, and each assigned
// advisor at least once.
func (res *result) checkNotified(what string, assigned []string, n *notified) {
	for advisor, count := range n.byAdvisor {
		if count > 1 {
			res.dups = append(res.dups, fmt.Sprintf("%s: %s notified %d times", what, advisor, count))
		}
	}
	for _, a := range assigned {
		if n.byAdvisor[a] == 0 {
			res.lost = append(res.lost, fmt.Sprintf("%s: assigned advisor %s not notified", what, a))
		}
	}
}

// checkMatches: each proposed match notified once to each side's advisor.
func (res *result) checkMatches(ctx context.Context, conn *pgx.Conn, notes map[string]*notified) error {
	rows, err := conn.Query(ctx, `SELECT match_id::text, array_remove(ARRAY[offer_advisor_id, search_advisor_id], NULL)
		FROM takeover_matching.takeover_matches`)
	if err != nil {
		return fmt.Errorf("read matches: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var id string
		var advisors []string
		if err := rows.Scan(&id, &advisors); err != nil {
			return err
		}
		n := notes["takeover.match.proposed /dossiers/reprise/mises-en-relation/"+id]
		if n == nil {
			res.lost = append(res.lost, "match "+id+": no notification")
			continue
		}
		res.checkNotified("match "+id, advisors, n)
	}
	return rows.Err()
}

// checkStreams: DEADLETTER empty, every durable caught up.
func (res *result) checkStreams(ctx context.Context, js jetstream.JetStream) error {
	dl, err := js.Stream(ctx, events.DeadLetterStream)
	if err != nil {
		return fmt.Errorf("stream %s: %w", events.DeadLetterStream, err)
	}
	info, err := dl.Info(ctx)
	if err != nil {
		return err
	}
	for seq := info.State.FirstSeq; info.State.Msgs > 0 && seq <= info.State.LastSeq && len(res.deadLetters) < 20; seq++ {
		msg, err := dl.GetMsg(ctx, seq)
		if err != nil {
			continue
		}
		res.deadLetters = append(res.deadLetters, fmt.Sprintf("%s: %s", msg.Subject, msg.Header.Get(events.HeaderDeadReason)))
	}
	for n := len(res.deadLetters); uint64(n) < info.State.Msgs; n++ {
		res.deadLetters = append(res.deadLetters, "(not listed)")
	}
	return eachConsumer(ctx, js, func(stream string, ci *jetstream.ConsumerInfo) {
		if ci.NumPending > 0 || ci.NumAckPending > 0 {
			res.stuck = append(res.stuck, fmt.Sprintf("%s/%s: %d pending, %d unacknowledged", stream, ci.Name, ci.NumPending, ci.NumAckPending))
		}
	})
}
