package httpapi_test

import (
	"html"
	"log/slog"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/ccicma/platform/pkg/events"
	"github.com/ccicma/platform/pkg/mailcatch"
	"github.com/ccicma/platform/pkg/mailer"

	"github.com/ccicma/platform/services/intake/internal/adapters/postgres"
	"github.com/ccicma/platform/services/intake/internal/app"
	"github.com/ccicma/platform/services/intake/internal/domain/notice"
	"github.com/ccicma/platform/services/intake/internal/ports/httpapi"
)

const (
	mailFrom      = "Les chambres CCI et CMA <ne-pas-repondre@ccicma.example>"
	publicURL     = "https://demarches.ccicma.example"
	followUpDelay = 10 * time.Minute
)

// clock is a time the test moves.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *clock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
}

// mailEnv is intake with e-mail enabled, sending through pkg/mailer to a
// real in-process SMTP server, on a clock the test moves.
type mailEnv struct {
	*env
	catcher *mailcatch.Server
	clock   *clock
	sender  *mailer.Sender
	track   app.TrackCase
}

func setupMail(t *testing.T) *mailEnv {
	t.Helper()
	c := &clock{t: time.Now().UTC()}
	e := &mailEnv{env: setupWith(t, func(s *postgres.Store) { s.EnableMail(followUpDelay, c.Now) }),
		catcher: mailcatch.Start(t), clock: c}
	var err error
	e.sender, err = mailer.NewSender(mailer.Config{SMTPURL: e.catcher.URL(), SMTPTLS: "none", SMTPTimeout: 5 * time.Second}, mailFrom)
	if err != nil {
		t.Fatal(err)
	}
	e.track = app.TrackCase{Progress: e.store}
	return e
}

// mailer is one mailer process (owner).
func (e *mailEnv) mailer(owner string) mailer.Mailer {
	return mailer.Mailer{Queue: mailer.NewPostgresQueue(e.pool), Transport: e.sender, Domain: e.sender.Domain(),
		Composer: app.ComposeMail{Contents: e.store, Composer: notice.Composer{BaseURL: publicURL, Territory: "de l'Essonne", Labels: ref}, Now: e.clock.Now},
		Retry:    mailer.RetryPolicy{Base: time.Minute, Max: time.Hour, MaxAttempts: 3}, Owner: owner,
		Lease: time.Minute, Timeout: 5 * time.Second, Now: e.clock.Now, Log: slog.New(slog.DiscardHandler)}
}

// send runs a mailer over the e-mails due now and returns what the SMTP
// server has received so far.
func (e *mailEnv) send(t *testing.T) []mailcatch.Message {
	t.Helper()
	if err := e.mailer("test-mailer").Run(e.ctx); err != nil {
		t.Fatal(err)
	}
	return e.catcher.Messages()
}

func (e *mailEnv) submit(t *testing.T, path, body, key string) (id, reason string) {
	t.Helper()
	r := e.do(t, http.MethodPost, path, "application/json", key, []byte(body))
	if r.status != http.StatusAccepted && r.status != http.StatusOK {
		t.Fatalf("POST %s: %d %v", path, r.status, r.body)
	}
	id = str(r.body["request_id"])
	routing, _ := r.body["routing"].(map[string]any)
	return id, str(routing["reason"])
}

// lawyer is a creation request of a liberal profession: neither chamber's.
var lawyer = strings.Replace(bakery, `"naf_code": "1071C"`, `"naf_code": "6910Z"`, 1)

// assertFrench checks the parts every applicant's e-mail has: both parts,
// in French, accessible HTML, the reference and the status link, the
// chambers as sender.
func assertFrench(t *testing.T, m mailcatch.Message, id, to string) {
	t.Helper()
	link := publicURL + "/suivi/" + id
	if len(m.To) != 1 || m.To[0] != to {
		t.Errorf("e-mail of %s sent to %v, want %s", id, m.To, to)
	}
	if !strings.Contains(m.Header("From"), "ne-pas-repondre@ccicma.example") {
		t.Errorf("sender %q, want the chambers' MAIL_FROM", m.Header("From"))
	}
	text, page := m.Text(), m.HTML()
	for part, body := range map[string]string{"text": text, "HTML": html.UnescapeString(page)} {
		for _, want := range []string{"Bonjour", id, link, "merci de ne pas y répondre"} {
			if !strings.Contains(body, want) {
				t.Errorf("%s part of %q lacks %q:\n%s", part, m.Header("Subject"), want, body)
			}
		}
	}
	for _, want := range []string{`<html lang="fr">`, `<a href="` + link + `"`, "<title>"} {
		if !strings.Contains(page, want) {
			t.Errorf("HTML part lacks %q:\n%s", want, page)
		}
	}
	if strings.Contains(page, "<img") {
		t.Error("HTML part has an image: its text must stand alone")
	}
}

// TestReceiptOfEveryKind: each of the four kinds, and a request routed
// to neither chamber, gets one receipt naming where it went and why (the
// routing's words, as the status page shows them), or its orientation.
func TestReceiptOfEveryKind(t *testing.T) {
	e := setupMail(t)
	type sent struct{ id, reason, to, subject string }
	var want []sent
	for _, k := range []struct{ path, body, subject string }{
		{httpapi.CreationPath, bakery, "Nous avons bien reçu votre demande : projet de création d'entreprise"},
		{httpapi.TakeoverOfferPath, offerJSON, "Nous avons bien reçu votre demande : entreprise à céder"},
		{httpapi.BuyerSearchPath, searchJSON, "Nous avons bien reçu votre demande : recherche d'une entreprise à reprendre"},
		{httpapi.CreationPath, lawyer, "Nous avons bien reçu votre demande : projet de création d'entreprise"},
	} {
		id, reason := e.submit(t, k.path, k.body, "")
		to := "marc.lefevre@example.fr"
		if k.path == httpapi.CreationPath {
			to = "ines.moreau@example.fr"
		}
		want = append(want, sent{id, reason, to, k.subject})
	}
	msgs := e.send(t)
	if len(msgs) != len(want) {
		t.Fatalf("%d e-mails sent, want %d receipts", len(msgs), len(want))
	}
	for i, w := range want {
		m := msgs[i]
		if !strings.Contains(m.Text(), w.id) {
			t.Fatalf("e-mails out of order: #%d is not %s's", i, w.id)
		}
		assertFrench(t, m, w.id, w.to)
		if got := m.Header("Subject"); got != w.subject {
			t.Errorf("subject %q, want %q", got, w.subject)
		}
		if w.reason == "" {
			t.Fatalf("request %s answered without a routing reason", w.id)
		}
		for part, body := range map[string]string{"text": m.Text(), "HTML": html.UnescapeString(m.HTML())} {
			if !strings.Contains(body, strings.TrimSuffix(w.reason, ".")) {
				t.Errorf("%s part of %s's receipt lacks the routing's reason %q:\n%s", part, w.id, w.reason, body)
			}
		}
	}
	if orient := msgs[3].Text(); !strings.Contains(orient, "Où vous adresser : Profession libérale") || strings.Contains(orient, "Pourquoi cette chambre") {
		t.Errorf("the liberal profession's receipt does not orient:\n%s", orient)
	}
	if !strings.Contains(msgs[0].Text(), "Votre demande a été transmise à la chambre de métiers et de l'artisanat (CMA)") {
		t.Errorf("the bakery's receipt does not name its chamber:\n%s", msgs[0].Text())
	}
	if got := e.send(t); len(got) != len(want) {
		t.Errorf("a second run sent %d more e-mails", len(got)-len(want))
	}
}

// TestDifficultyReceiptIsDiscreet: a difficulty report's receipt says
// only that a request went to the chambers, with its reference and link.
func TestDifficultyReceiptIsDiscreet(t *testing.T) {
	e := setupMail(t)
	id, _ := e.submit(t, httpapi.DifficultyPath, difficultyJSON, "")
	msgs := e.send(t)
	if len(msgs) != 1 {
		t.Fatalf("%d e-mails, want the receipt", len(msgs))
	}
	m := msgs[0]
	assertFrench(t, m, id, "marc.lefevre@example.fr")
	subject := m.Header("Subject")
	if !strings.HasPrefix(subject, "Votre demande à la C") || !strings.HasSuffix(subject, " de l'Essonne") {
		t.Errorf("subject %q, want « Votre demande à la … de l'Essonne »", subject)
	}
	all := strings.ToLower(subject + "\n" + m.Text() + "\n" + m.HTML())
	for _, word := range []string{"difficult", "prévention", "signalement", "alerte", "confidenti", "client ne paie", "dette", "trésorerie"} {
		if strings.Contains(all, word) {
			t.Errorf("the difficulty receipt says %q:\n%s", word, all)
		}
	}
}

// TestReceiptOnceUnderRedeliveryAndRestart: the same request accepted
// twice with one Idempotency-Key queues one e-mail; a mailer killed
// after claiming it leaves it to the next one once its lease has expired,
// which sends it once.
func TestReceiptOnceUnderRedeliveryAndRestart(t *testing.T) {
	e := setupMail(t)
	first, _ := e.submit(t, httpapi.CreationPath, bakery, "receipt-once-0001")
	again, _ := e.submit(t, httpapi.CreationPath, bakery, "receipt-once-0001")
	if first != again {
		t.Fatalf("the replay answered %s, want %s", again, first)
	}
	if n := e.count(t, "mail_queue"); n != 1 {
		t.Fatalf("%d e-mails queued, want 1", n)
	}
	// A mailer claims it, then dies before sending.
	if _, found, err := mailer.NewPostgresQueue(e.pool).Claim(e.ctx, "killed", e.clock.Now(), e.clock.Now().Add(time.Minute)); err != nil || !found {
		t.Fatalf("claim: found %v, err %v", found, err)
	}
	if got := e.send(t); len(got) != 0 {
		t.Fatalf("an e-mail leased to another mailer was sent before its lease ended")
	}
	e.clock.Advance(2 * time.Minute)
	msgs := e.send(t)
	if len(msgs) != 1 {
		t.Fatalf("%d e-mails after the lease expired, want the receipt", len(msgs))
	}
	assertFrench(t, msgs[0], first, "ines.moreau@example.fr")
	e.clock.Advance(time.Hour)
	if got := e.send(t); len(got) != 1 {
		t.Fatalf("%d e-mails after a restart, want still 1", len(got))
	}
}

// TestFollowUpsAndTheirThrottle: an advisor assigned and, two minutes
// later, the case taken in charge make one e-mail (the latest step),
// after the follow-up delay; a redelivered step makes none; a hand-back
// to the other chamber later makes one naming it; no e-mail names the
// advisor. A difficulty report gets no follow-up.
func TestFollowUpsAndTheirThrottle(t *testing.T) {
	e := setupMail(t)
	id, _ := e.submit(t, httpapi.CreationPath, bakery, "")
	if got := e.send(t); len(got) != 1 {
		t.Fatalf("%d e-mails, want the receipt", len(got))
	}
	t0 := time.Now().UTC()
	event := func(p events.Payload) events.Event {
		ev, err := events.New("test", caseID, "91", p, time.Now())
		if err != nil {
			t.Fatal(err)
		}
		return ev
	}
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	opened := events.CreationCaseOpened{CaseID: caseID, RequestID: id, Chamber: "CMA", AdvisorID: "cma-91-001",
		CommuneCode: "91228", Departement: "91", OpenedAt: t0}
	must(e.track.CaseOpened(e.ctx, event(opened), opened))
	e.clock.Advance(2 * time.Minute)
	taken := events.CreationCaseTakenInCharge{CaseID: caseID, RequestID: id, Chamber: "CMA", AdvisorID: "cma-91-001", TakenAt: t0.Add(2 * time.Minute)}
	takenEv := event(taken)
	must(e.track.CaseTakenInCharge(e.ctx, takenEv, taken))
	if got := e.send(t); len(got) != 1 {
		t.Fatalf("a follow-up went out before its delay (%d e-mails)", len(got))
	}
	e.clock.Advance(followUpDelay)
	msgs := e.send(t)
	if len(msgs) != 2 {
		t.Fatalf("%d e-mails after the delay, want the receipt and one follow-up", len(msgs))
	}
	m := msgs[1]
	assertFrench(t, m, id, "ines.moreau@example.fr")
	if got := m.Header("Subject"); got != "Votre demande est prise en charge par la CMA" {
		t.Errorf("follow-up subject %q, want the latest step's", got)
	}
	must(e.track.CaseTakenInCharge(e.ctx, takenEv, taken)) // redelivered
	stage := events.CreationCaseStageChanged{CaseID: caseID, RequestID: id, Chamber: "CMA", From: "welcome", To: "diagnosis",
		ChangedAt: t0.Add(3 * time.Minute)}
	must(e.track.CaseStageChanged(e.ctx, event(stage), stage)) // a stage of the journey reached: a step
	e.clock.Advance(time.Hour)
	msgs = e.send(t)
	if len(msgs) != 3 {
		t.Fatalf("%d e-mails after a redelivery and a stage reached, want 3", len(msgs))
	}
	if got := msgs[2].Header("Subject"); got != "Votre projet avance : Diagnostic de votre projet" ||
		!strings.Contains(msgs[2].Text(), "étape 2 sur 7") || !strings.Contains(msgs[2].Text(), "Étape suivante : « Formation") {
		t.Errorf("stage e-mail %q:\n%s", got, msgs[2].Text())
	}
	again := stage
	again.ChangedAt = t0.Add(4 * time.Minute)
	must(e.track.CaseStageChanged(e.ctx, event(again), again)) // the same stage again, another event: nothing new
	e.clock.Advance(time.Hour)
	if got := e.send(t); len(got) != 3 {
		t.Fatalf("%d e-mails after the same stage again, want still 3", len(got))
	}

	moved := events.CreationCaseReassigned{CaseID: caseID, RequestID: id, Chamber: "CCI", SecondaryChamber: "CMA",
		AdvisorID: "cci-91-001", PreviousChamber: "CMA", PreviousAdvisorID: "cma-91-001",
		Reason: events.ReassignWrongChamber, ReassignedAt: t0.Add(time.Hour)}
	must(e.track.CaseReassigned(e.ctx, event(moved), moved))
	e.clock.Advance(followUpDelay)
	msgs = e.send(t)
	if len(msgs) != 4 {
		t.Fatalf("%d e-mails after the hand-back, want 4", len(msgs))
	}
	if text := msgs[3].Text(); !strings.Contains(text, "réorientée vers la chambre de commerce et d'industrie (CCI)") {
		t.Errorf("the hand-back's e-mail does not name the new chamber:\n%s", text)
	}
	for _, m := range msgs {
		if body := m.Text() + m.HTML(); strings.Contains(body, "cma-91-001") || strings.Contains(body, "cci-91-001") {
			t.Errorf("an e-mail names an advisor:\n%s", body)
		}
	}

	report, _ := e.submit(t, httpapi.DifficultyPath, difficultyJSON, "")
	dc := events.DifficultyCaseOpened{CaseID: caseID, RequestID: report, Chamber: "CMA", AdvisorIDs: []string{"cma-91-002"},
		Level: events.DifficultyCallBack, Departement: "91", OpenedAt: t0}
	must(e.track.DifficultyCaseOpened(e.ctx, event(dc), dc))
	e.clock.Advance(time.Hour)
	if got := e.send(t); len(got) != 5 {
		t.Fatalf("%d e-mails after a difficulty report's case opened, want 5 (its receipt, no follow-up)", len(got))
	}
}

// TestErasureTakesTheQueuedMails: at the end of retention a request's
// queued e-mails go with its personal data, sent or not.
func TestErasureTakesTheQueuedMails(t *testing.T) {
	e := setupMail(t)
	old, _ := e.submit(t, httpapi.CreationPath, bakery, "")
	young, _ := e.submit(t, httpapi.CreationPath, bakery, "")
	p := events.CreationCaseOpened{CaseID: caseID, RequestID: old, Chamber: "CMA", AdvisorID: "cma-91-001",
		CommuneCode: "91228", Departement: "91", OpenedAt: time.Now().UTC()}
	ev, err := events.New("test", caseID, "91", p, time.Now())
	if err != nil {
		t.Fatal(err)
	}
	if err := e.track.CaseOpened(e.ctx, ev, p); err != nil {
		t.Fatal(err)
	}
	if n := e.count(t, "mail_queue"); n != 3 {
		t.Fatalf("%d e-mails queued, want 2 receipts and a follow-up", n)
	}
	if _, err := e.pool.Exec(e.ctx, `UPDATE requests SET submitted_at = now() - interval '4 years' WHERE request_id = $1`, old); err != nil {
		t.Fatal(err)
	}
	uc := app.AnonymiseRequests{Requests: e.store, After: 3 * 365 * 24 * time.Hour, Now: func() time.Time { return time.Now().UTC() }}
	if n, err := uc.Run(e.ctx); err != nil || n != 1 {
		t.Fatalf("anonymised %d (err %v), want 1", n, err)
	}
	var keys []string
	rows, err := e.pool.Query(e.ctx, `SELECT key FROM mail_queue`)
	if err != nil {
		t.Fatal(err)
	}
	for rows.Next() {
		var k string
		if err := rows.Scan(&k); err != nil {
			t.Fatal(err)
		}
		keys = append(keys, k)
	}
	if rows.Err() != nil {
		t.Fatal(rows.Err())
	}
	if len(keys) != 1 || keys[0] != notice.ReceiptKey(young) {
		t.Fatalf("queue after erasure: %v, want only %s's receipt", keys, young)
	}
	e.clock.Advance(time.Hour)
	if msgs := e.send(t); len(msgs) != 1 || strings.Contains(msgs[0].Text(), old) {
		t.Fatalf("%d e-mails after erasure, want the young request's receipt only", len(msgs))
	}
}

// TestSessionConfirmedAndRemindedOnce: a project holder registered to a
// training gets its confirmation at once and its reminder the day before,
// once each however often the event comes; a registration to a session
// starting within a day gets its confirmation only; the e-mails say what,
// when and where, never the advisor.
func TestSessionConfirmedAndRemindedOnce(t *testing.T) {
	e := setupMail(t)
	id, _ := e.submit(t, httpapi.CreationPath, bakery, "")
	if got := e.send(t); len(got) != 1 {
		t.Fatalf("%d e-mails, want the receipt", len(got))
	}
	const training, meeting = "01900000-0000-7000-8000-0000000005e1", "01900000-0000-7000-8000-0000000005e2"
	register := func(session, kind string, in time.Duration) {
		t.Helper()
		p := events.CreationSessionRegistered{SessionID: session, CaseID: caseID, RequestID: id, Chamber: "CMA", Kind: kind,
			Title: "Stage de préparation à l'installation", StartsAt: e.clock.Now().Add(in).Truncate(time.Minute),
			Place: "CMA Essonne, 29 rue des Mazières, Évry-Courcouronnes", RegisteredAt: e.clock.Now()}
		ev, err := events.New("creation-support", session, "91", p, time.Now())
		if err != nil {
			t.Fatal(err)
		}
		for range 2 { // a redelivery queues nothing more
			if err := (app.ConfirmSession{Sessions: e.store}).Handle(e.ctx, ev, p); err != nil {
				t.Fatal(err)
			}
		}
	}
	register(training, "training", 72*time.Hour)
	register(meeting, "information_meeting", 12*time.Hour)
	got := e.send(t)
	if len(got) != 3 {
		t.Fatalf("%d e-mails, want the receipt and two confirmations", len(got))
	}
	for _, m := range got[1:] {
		if !strings.HasPrefix(m.Header("Subject"), "Votre inscription : ") || !strings.Contains(m.Text(), "Évry-Courcouronnes") ||
			!strings.Contains(m.Text(), "chambre de métiers et de l'artisanat") || strings.Contains(m.Text(), "cma-91") {
			t.Errorf("confirmation %q:\n%s", m.Header("Subject"), m.Text())
		}
		assertFrench(t, m, id, "ines.moreau@example.fr")
	}
	e.clock.Advance(48*time.Hour + time.Minute) // the day before the training; the meeting is over
	got = e.send(t)
	if len(got) != 4 || !strings.HasPrefix(got[3].Header("Subject"), "Rappel : ") || !strings.Contains(got[3].Text(), "la formation") {
		t.Fatalf("after two days: %d e-mails, last %q", len(got), got[len(got)-1].Header("Subject"))
	}
	e.clock.Advance(24 * time.Hour)
	if got := e.send(t); len(got) != 4 {
		t.Fatalf("%d e-mails, want no second reminder", len(got))
	}
}
