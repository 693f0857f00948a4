package stack_test

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/ccicma/platform/pkg/mailcatch"
	"github.com/ccicma/platform/pkg/testkit"

	"github.com/ccicma/platform/deploy/devstack/stack"
)

// TestApplicantMailEndToEnd: with one SMTP catcher for intake and
// advisor-desk, as `make run` starts it, a creation request sent twice
// with one Idempotency-Key gets one receipt with its status link, then one
// follow-up once creation-support assigned an advisor; the catcher's page
// lists them.
func TestApplicantMailEndToEnd(t *testing.T) {
	catcher := mailcatch.Start(t)
	t.Setenv("INTAKE_MAIL_POLL", "100ms")
	t.Setenv("INTAKE_MAIL_FOLLOW_UP_DELAY", "0s")
	admin := testkit.Database(t)
	r := runStackWith(t, admin, testkit.StartNATS(t), testkit.AdminDB(t, admin), func(o *stack.Options) {
		o.IntakeSMTPURL, o.SMTPURL = catcher.URL(), catcher.URL()
	})
	r.db.WaitCount(t, "advisor directory projected", 4, `SELECT count(*) FROM creation_support.advisors`)
	var requestID string
	for range 2 {
		code, out := post(t, r.st.URL("intake")+"/api/v1/creation-requests", bakery, "e2e-mail-0001")
		if code != http.StatusAccepted {
			t.Fatalf("POST answered %d: %v", code, out)
		}
		requestID, _ = out["request_id"].(string)
	}
	deadline := time.Now().Add(30 * time.Second)
	for len(applicantMails(catcher)) < 2 && time.Now().Before(deadline) {
		time.Sleep(100 * time.Millisecond)
	}
	msgs := applicantMails(catcher)
	if len(msgs) != 2 {
		t.Fatalf("%d e-mails caught, want the receipt and the advisor's assignment", len(msgs))
	}
	receipt, followUp := msgs[0], msgs[1]
	if got := receipt.Header("Subject"); got != "Nous avons bien reçu votre demande : projet de création d'entreprise" {
		t.Errorf("first e-mail %q, want the receipt", got)
	}
	if !strings.Contains(receipt.Text(), "/suivi/"+requestID) || receipt.To[0] != "ines.moreau@example.fr" {
		t.Errorf("receipt to %v without the status link of %s:\n%s", receipt.To, requestID, receipt.Text())
	}
	if got := followUp.Header("Subject"); got != "Votre demande est confiée à un conseiller de la CMA" {
		t.Errorf("second e-mail %q, want the assignment's follow-up", got)
	}
	if strings.Contains(followUp.Text(), "cma-91-001") {
		t.Errorf("the follow-up names the advisor:\n%s", followUp.Text())
	}
	time.Sleep(500 * time.Millisecond) // several mailer polls: nothing more goes out
	if n := len(applicantMails(catcher)); n != 2 {
		t.Errorf("%d e-mails in the end, want 2", n)
	}

	page := httptest.NewServer(catcher.Handler())
	defer page.Close()
	body := testkit.Call(t, http.MethodGet, page.URL+"/", "", "").Body
	if !strings.Contains(body, "Nous avons bien reçu votre demande") {
		t.Errorf("the catcher's page does not list the receipt:\n%s", body)
	}
}

// applicantMails are the caught e-mails to the bakery's applicant (the
// advisors' notifications go to the same catcher).
func applicantMails(c *mailcatch.Server) []mailcatch.Message {
	var out []mailcatch.Message
	for _, m := range c.Messages() {
		if len(m.To) == 1 && m.To[0] == "ines.moreau@example.fr" {
			out = append(out, m)
		}
	}
	return out
}
