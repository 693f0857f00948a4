package httpapi_test

import (
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/ccicma/platform/pkg/auth"
	"github.com/ccicma/platform/pkg/testkit/openapicheck"
)

// sessionCalls are the calls of the sessions' operations, valid and
// invalid: two trainings of one seat, the first filled, then refused to a
// second case with the other offered.
func sessionCalls(a *api, path func(id, action string) string, cciA, cciB, admin, unknown string) []namedCall {
	const rejects, unchecked = openapicheck.Rejects, openapicheck.Unchecked
	first, second := a.session(cciA, "training", 1, 10), a.session(cciA, "training", 1, 20)
	one, two := a.open("CCI", "", "cci-a"), a.open("CCI", "", "cci-a")
	cma := a.token("cma-a", "CMA", auth.RoleAdvisor)
	register := func(name, caseID, session, token, body string, status int, doc ...openapicheck.Doc) namedCall {
		c := openapicheck.Call{Method: "POST", Path: path(caseID, "sessions/"+session), Token: token, Body: body, Status: status}
		if len(doc) > 0 {
			c.Doc = doc[0]
		}
		return namedCall{name, c}
	}
	plan := func(name, token, body string, status int, doc ...openapicheck.Doc) namedCall {
		c := openapicheck.Call{Method: "POST", Path: "/api/v1/creation-sessions", Token: token, Body: body, Status: status}
		if len(doc) > 0 {
			c.Doc = doc[0]
		}
		return namedCall{name, c}
	}
	valid := `{"kind":"information_meeting","title":"Réunion d'information création","starts_at":"` +
		a.now.Add(72*time.Hour).Format(time.RFC3339) + `","place":"CCI Essonne, Évry-Courcouronnes","capacity":12}`
	return []namedCall{
		plan("plan a session", cciB, valid, 201),
		plan("plan a past session of no seat", cciA, `{"kind":"meeting","title":"","starts_at":"2020-01-01T09:00:00Z","place":"x","capacity":0}`, 422, rejects),
		plan("plan with an unknown member", cciA, `{"kind":"training","room":"B"}`, 400, rejects),
		plan("plan too large", cciA, `{"title":"`+strings.Repeat("x", 9000)+`"}`, 413, rejects),
		{"plan as text", openapicheck.Call{Method: "POST", Path: "/api/v1/creation-sessions", Token: cciA, ContentType: "text/plain", Body: "x", Status: 415, Doc: unchecked}},
		plan("plan as an admin", admin, valid, 403),
		plan("plan without a token", "", valid, 401, rejects),
		{"list sessions", openapicheck.Call{Method: "GET", Path: "/api/v1/creation-sessions?kind=training", Token: cciB, Status: 200}},
		{"list sessions of an unknown kind", openapicheck.Call{Method: "GET", Path: "/api/v1/creation-sessions?kind=party", Token: cciB, Status: 400, Doc: rejects}},
		{"list sessions as an admin", openapicheck.Call{Method: "GET", Path: "/api/v1/creation-sessions", Token: admin, Status: 403}},
		{"list sessions without a token", openapicheck.Call{Method: "GET", Path: "/api/v1/creation-sessions", Status: 401, Doc: rejects}},
		register("register to a session", one, first, cciA, "", 201),
		{"read a case registered to a session", openapicheck.Call{Method: "GET", Path: path(one, ""), Token: cciA, Status: 200}},
		register("register to a full session", two, first, cciA, "", 409),
		register("register with a body", two, second, cciA, `{"now":true}`, 400, rejects),
		register("register with a large body", two, second, cciA, `{"now":"`+strings.Repeat("x", 100)+`"}`, 413, rejects),
		{"register as text", openapicheck.Call{Method: "POST", Path: path(two, "sessions/"+second), Token: cciA, ContentType: "text/plain", Body: "x", Status: 415, Doc: unchecked}},
		register("another chamber registers", two, second, cma, "", 403),
		register("register to an unknown session", two, unknown, cciA, "", 404),
		register("register without a token", two, second, "", "", 401, rejects),
	}
}

// session plans a session through the use case, in days, and returns its id.
func (a *api) session(token, kind string, capacity, days int) string {
	a.t.Helper()
	body := `{"kind":"` + kind + `","title":"Stage de préparation à l'installation","starts_at":"` +
		a.now.AddDate(0, 0, days).Format(time.RFC3339) + `","place":"Évry-Courcouronnes","capacity":` + itoa(capacity) + `}`
	r := a.do("POST", "/api/v1/creation-sessions", token, body)
	var out struct {
		ID string `json:"session_id"`
	}
	if r.status != 201 || json.Unmarshal([]byte(r.body), &out) != nil {
		a.t.Fatalf("plan session: %d %s", r.status, r.body)
	}
	return out.ID
}

func itoa(n int) string { b, _ := json.Marshal(n); return string(b) }

// TestAFullSessionOffersTheNext: a session holds as many cases as its
// capacity, a full one is refused with the next of its kind that has
// seats, a case is registered once, and each registration is an event.
func TestAFullSessionOffersTheNext(t *testing.T) {
	a := newAPI(t)
	a.advisor("cci-a", "CCI", 0)
	tok := a.token("cci-a", "CCI", auth.RoleAdvisor)
	full, later, meeting := a.session(tok, "training", 2, 5), a.session(tok, "training", 3, 12), a.session(tok, "information_meeting", 5, 8)
	a.session(tok, "training", 3, 30) // later still: not the one offered
	c1, c2, c3 := a.open("CCI", "", "cci-a"), a.open("CCI", "", "cci-a"), a.open("CCI", "", "cci-a")
	for _, c := range []string{c1, c2} {
		if r := a.do("POST", "/api/v1/creation-cases/"+c+"/sessions/"+full, tok, ""); r.status != 201 {
			t.Fatalf("register %s: %d %s", c, r.status, r.body)
		}
	}
	if r := a.do("POST", "/api/v1/creation-cases/"+c1+"/sessions/"+full, tok, ""); r.status != 409 || !strings.Contains(r.body, "déjà inscrit") {
		t.Fatalf("register twice: %d %s", r.status, r.body)
	}
	r := a.do("POST", "/api/v1/creation-cases/"+c3+"/sessions/"+full, tok, "")
	var refused struct {
		Title       string `json:"title"`
		NextSession struct {
			ID    string `json:"session_id"`
			Seats int    `json:"seats"`
		} `json:"next_session"`
	}
	if r.status != 409 || json.Unmarshal([]byte(r.body), &refused) != nil || refused.NextSession.ID != later || refused.NextSession.Seats != 3 {
		t.Fatalf("register to a full session: %d %s, want the next training %s offered", r.status, r.body, later)
	}
	if refused.NextSession.ID == meeting {
		t.Fatal("a meeting offered for a training")
	}
	var n int
	if err := a.pool.QueryRow(a.ctx, `SELECT count(*) FROM outbox WHERE topic LIKE 'creation.session.registered.%'`).Scan(&n); err != nil || n != 2 {
		t.Fatalf("%d registration events (%v), want 2", n, err)
	}
	var seats []int
	r = a.do("GET", "/api/v1/creation-sessions?kind=training", tok, "")
	var list struct {
		Sessions []struct {
			Seats int `json:"seats"`
		} `json:"sessions"`
	}
	if err := json.Unmarshal([]byte(r.body), &list); err != nil {
		t.Fatal(err)
	}
	for _, s := range list.Sessions {
		seats = append(seats, s.Seats)
	}
	if len(seats) != 3 || seats[0] != 0 || seats[1] != 3 {
		t.Fatalf("seats of the trainings %v, want [0 3 3]", seats)
	}
}

// TestACaseShowsItsSessions: the case lists the sessions it is
// registered to, by date, whichever chamber holds them, to the lead
// chamber and the case's advisor; the chamber it is shared with reads the
// header only, and a case registered nowhere lists none.
func TestACaseShowsItsSessions(t *testing.T) {
	a := newAPI(t)
	a.advisor("cci-a", "CCI", 0)
	cciA, cmaA := a.token("cci-a", "CCI", auth.RoleAdvisor), a.token("cma-a", "CMA", auth.RoleAdvisor)
	meeting, training := a.session(cciA, "information_meeting", 10, 10), a.session(cciA, "training", 10, 5)
	cmaTraining := a.session(cmaA, "training", 10, 7)
	id, other := a.open("CCI", "CMA", "cci-a"), a.open("CCI", "", "cci-a")
	for _, s := range []string{meeting, training, cmaTraining} {
		if r := a.do("POST", "/api/v1/creation-cases/"+id+"/sessions/"+s, cciA, ""); r.status != 201 {
			t.Fatalf("register to %s: %d %s", s, r.status, r.body)
		}
	}
	type enrolment struct {
		ID       string    `json:"session_id"`
		Chamber  string    `json:"chamber"`
		Kind     string    `json:"kind"`
		Title    string    `json:"title"`
		StartsAt time.Time `json:"starts_at"`
		Place    string    `json:"place"`
	}
	read := func(caseID, token string) []enrolment {
		t.Helper()
		r := a.do("GET", "/api/v1/creation-cases/"+caseID, token, "")
		var v struct {
			Sessions []enrolment `json:"sessions"`
		}
		if r.status != 200 {
			t.Fatalf("read: %d %s", r.status, r.body)
		}
		r.decode(t, &v)
		return v.Sessions
	}
	want := []enrolment{
		{training, "CCI", "training", "Stage de préparation à l'installation", a.now.AddDate(0, 0, 5).Truncate(time.Second), "Évry-Courcouronnes"},
		{cmaTraining, "CMA", "training", "Stage de préparation à l'installation", a.now.AddDate(0, 0, 7).Truncate(time.Second), "Évry-Courcouronnes"},
		{meeting, "CCI", "information_meeting", "Stage de préparation à l'installation", a.now.AddDate(0, 0, 10).Truncate(time.Second), "Évry-Courcouronnes"},
	}
	for _, reader := range []string{cciA, a.token("cci-b", "CCI", auth.RoleAdvisor)} {
		got := read(id, reader)
		if len(got) != len(want) {
			t.Fatalf("sessions %+v, want %+v", got, want)
		}
		for i := range want {
			if got[i].ID != want[i].ID || got[i].Chamber != want[i].Chamber || got[i].Kind != want[i].Kind ||
				got[i].Title != want[i].Title || !got[i].StartsAt.Equal(want[i].StartsAt) || got[i].Place != want[i].Place {
				t.Errorf("session %d: %+v, want %+v", i, got[i], want[i])
			}
		}
	}
	if got := read(id, a.token("cma-b", "CMA", auth.RoleAdvisor)); len(got) != 0 {
		t.Errorf("the chamber the case is shared with reads its sessions: %+v", got)
	}
	if got := read(other, cciA); len(got) != 0 {
		t.Errorf("a case registered nowhere lists %+v", got)
	}
}
