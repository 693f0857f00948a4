package main

import (
	"context"
	"fmt"
	"regexp"
	"strings"

	"github.com/jackc/pgx/v5"

	"github.com/ccicma/platform/pkg/mailcatch"
	"github.com/ccicma/platform/pkg/mailer"
)

// mailFigures compares the e-mails the catcher received with advisor-desk's
// record of them.
type mailFigures struct {
	caught int
	status map[string]int // advisor-desk's mails by status
	// dups: the same Message-ID twice, or the same recipient, subject and
	// case link twice.
	dups []string
	// sentNotCaught are e-mails recorded as sent that never arrived;
	// notQueued, notifications of advisors who want each by e-mail that
	// queued none.
	sentNotCaught, notQueued int
	// caughtNotSent arrived but are not recorded as sent: a mailer that
	// would send them again.
	caughtNotSent int
}

func (m mailFigures) lost() int { return m.sentNotCaught + m.notQueued }

func checkMail(ctx context.Context, conn *pgx.Conn, msgs []mailcatch.Message) (mailFigures, error) {
	f := mailFigures{caught: len(msgs), status: map[string]int{}}
	sent, err := sentMails(ctx, conn, f.status)
	if err != nil {
		return f, err
	}
	keyOf := keysByMessageID(sent, msgs)
	byID, byContent := map[string][]string{}, map[string]int{}
	caughtKeys := map[string]bool{}
	links := regexp.MustCompile(`/dossiers/\S+`)
	for _, m := range msgs {
		id := strings.Trim(m.Header("Message-Id"), "<>")
		byID[id] = append(byID[id], m.Received.Format("15:04:05.000"))
		if link := links.FindString(m.Text()); link != "" {
			byContent[strings.Join(m.To, ",")+" | "+m.Header("Subject")+" | "+link]++
		}
		if key, ok := keyOf[id]; ok {
			caughtKeys[key] = true
		} else {
			f.caughtNotSent++
		}
	}
	for id, at := range byID {
		if len(at) > 1 {
			f.dups = append(f.dups, fmt.Sprintf("e-mail %s caught %d times, at %s", id, len(at), strings.Join(at, ", ")))
		}
	}
	for k, n := range byContent {
		if n > 1 {
			f.dups = append(f.dups, fmt.Sprintf("e-mail %q caught %d times", k, n))
		}
	}
	for key := range sent {
		if !caughtKeys[key] {
			f.sentNotCaught++
		}
	}
	err = conn.QueryRow(ctx, `SELECT count(*) FROM advisor_desk.notifications n
		LEFT JOIN advisor_desk.mail_preferences p ON p.advisor_id = n.advisor_id
		WHERE coalesce(p.mode, 'each') = 'each'
		AND NOT EXISTS (SELECT 1 FROM advisor_desk.mail_items i WHERE i.notification_id = n.id)`).Scan(&f.notQueued)
	return f, err
}

// sentMails returns the keys of the e-mails recorded as sent in
// advisor-desk's mail queue, and counts the e-mails by status.
func sentMails(ctx context.Context, conn *pgx.Conn, status map[string]int) (map[string]bool, error) {
	rows, err := conn.Query(ctx, `SELECT key, status FROM advisor_desk.mail_queue`)
	if err != nil {
		return nil, fmt.Errorf("read e-mails: %w", err)
	}
	defer rows.Close()
	sent := map[string]bool{}
	for rows.Next() {
		var key, s string
		if err := rows.Scan(&key, &s); err != nil {
			return nil, err
		}
		status[s]++
		if s == mailer.StatusSent {
			sent[key] = true
		}
	}
	return sent, rows.Err()
}

// keysByMessageID maps the Message-ID of each sent e-mail (pkg/mailer
// derives it from the key and the sender's domain, which the caught
// messages carry) back to its key.
func keysByMessageID(sent map[string]bool, msgs []mailcatch.Message) map[string]string {
	domains := map[string]bool{}
	for _, m := range msgs {
		if _, d, ok := strings.Cut(strings.Trim(m.Header("Message-Id"), "<>"), "@"); ok {
			domains[d] = true
		}
	}
	out := map[string]string{}
	for key := range sent {
		for d := range domains {
			out[mailer.MessageID(key, d)] = key
		}
	}
	return out
}
