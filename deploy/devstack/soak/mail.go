package main

import (
	"context"
	"fmt"
	"regexp"
	"strconv"
	"strings"

	"github.com/jackc/pgx/v5"

	"github.com/ccicma/platform/pkg/mailcatch"
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
	byID, byContent := map[string][]string{}, map[string]int{}
	caughtIDs := map[int64]bool{}
	links := regexp.MustCompile(`/dossiers/\S+`)
	for _, m := range msgs {
		id := m.Header("Message-Id")
		byID[id] = append(byID[id], m.Received.Format("15:04:05.000"))
		if link := links.FindString(m.Text()); link != "" {
			byContent[strings.Join(m.To, ",")+" | "+m.Header("Subject")+" | "+link]++
		}
		if n, ok := mailRowID(id); ok {
			caughtIDs[n] = true
			if !sent[n] {
				f.caughtNotSent++
			}
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
	for id := range sent {
		if !caughtIDs[id] {
			f.sentNotCaught++
		}
	}
	err = conn.QueryRow(ctx, `SELECT count(*) FROM advisor_desk.notifications n
		LEFT JOIN advisor_desk.mail_preferences p ON p.advisor_id = n.advisor_id
		WHERE coalesce(p.mode, 'each') = 'each'
		AND NOT EXISTS (SELECT 1 FROM advisor_desk.mail_items i WHERE i.notification_id = n.id)`).Scan(&f.notQueued)
	return f, err
}

// sentMails returns the ids of the mails recorded as sent and counts the
// mails by status.
func sentMails(ctx context.Context, conn *pgx.Conn, status map[string]int) (map[int64]bool, error) {
	rows, err := conn.Query(ctx, `SELECT id, status FROM advisor_desk.mails`)
	if err != nil {
		return nil, fmt.Errorf("read e-mails: %w", err)
	}
	defer rows.Close()
	sent := map[int64]bool{}
	for rows.Next() {
		var id int64
		var s string
		if err := rows.Scan(&id, &s); err != nil {
			return nil, err
		}
		status[s]++
		if s == "sent" {
			sent[id] = true
		}
	}
	return sent, rows.Err()
}

// mailRowID reads advisor-desk's Message-ID, <mail-<row id>@domain>.
func mailRowID(messageID string) (int64, bool) {
	s := strings.TrimPrefix(strings.Trim(messageID, "<>"), "mail-")
	s, _, ok := strings.Cut(s, "@")
	if !ok {
		return 0, false
	}
	n, err := strconv.ParseInt(s, 10, 64)
	return n, err == nil
}
