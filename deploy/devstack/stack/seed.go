package stack

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"time"

	"github.com/jackc/pgx/v5"
)

// Querier reads the platform's database as its administrator (a pool).
type Querier interface {
	QueryRow(ctx context.Context, sql string, args ...any) pgx.Row
}

// project is one demo creation request and how far its journey goes.
type project struct {
	first, last, email string
	description, naf   string
	commune            string // INSEE code
	reach              string // the stage to reach; "" leaves the case waiting
}

// demoProjects are the creation projects SeedJourneys submits: artisans
// (CMA) and traders (CCI) of the Essonne, at every stage of the journey.
var demoProjects = []project{
	{"Inès", "Moreau", "ines.moreau@example.fr", "Boulangerie-pâtisserie artisanale", "10.71C", "91228", ""},
	{"Karim", "Benali", "karim.benali@example.fr", "Salon de coiffure mixte", "96.02A", "91174", "welcome"},
	{"Julie", "Martin", "julie.martin@example.fr", "Plomberie et chauffage", "43.22A", "91377", "diagnosis"},
	{"Thomas", "Petit", "thomas.petit@example.fr", "Épicerie fine et produits locaux", "47.29Z", "91228", "business_plan"},
	{"Sophie", "Durand", "sophie.durand@example.fr", "Restaurant traditionnel", "56.10A", "91477", "funding"},
	{"Lucas", "Bernard", "lucas.bernard@example.fr", "Menuiserie sur mesure", "16.23Z", "91223", "formalities"},
	{"Camille", "Roux", "camille.roux@example.fr", "Conseil en informatique", "62.02A", "91377", "registered"},
	{"Nadia", "Fontaine", "nadia.fontaine@example.fr", "Boutique de vêtements", "47.71Z", "91174", "abandoned"},
	{"Hugo", "Lambert", "hugo.lambert@example.fr", "Charcuterie-traiteur", "10.13B", "91228", "redirected"},
	{"Léa", "Girard", "lea.girard@example.fr", "Fleuriste en centre-ville", "47.76Z", "91477", ""},
}

// postcodes of the demo projects' communes.
var postcodes = map[string]string{"91228": "91000", "91174": "91100", "91377": "91300", "91477": "91120", "91223": "91150"}

// journey is the order of the stages a seeded case moves through.
var journey = []string{"welcome", "diagnosis", "training", "business_plan", "funding", "formalities"}

// SeedJourneys fills an empty platform with demo creation projects at
// every stage, so that the desk is not empty: each is submitted through
// intake, taken in charge by the advisor it went to, its facts recorded
// and moved along, through the services' APIs with the advisor's
// development token. It does nothing when creation-support has cases
// already (a second run), and returns how many projects it seeded.
func (st *Stack) SeedJourneys(ctx context.Context, db Querier) (int, error) {
	var n int
	if err := db.QueryRow(ctx, `SELECT count(*) FROM creation_support.creation_cases`).Scan(&n); err != nil {
		return 0, fmt.Errorf("count creation cases: %w", err)
	}
	if n > 0 {
		return 0, nil
	}
	s := seeder{st: st, db: db, client: &http.Client{Timeout: 10 * time.Second}}
	meetings, err := s.plan(ctx)
	if err != nil {
		return 0, fmt.Errorf("plan the demo sessions: %w", err)
	}
	s.meetings = meetings
	for i, p := range demoProjects {
		if err := s.seed(ctx, i, p); err != nil {
			return i, fmt.Errorf("seed %q: %w", p.description, err)
		}
	}
	return len(demoProjects), nil
}

type seeder struct {
	st     *Stack
	db     Querier
	client *http.Client
	// meetings are each chamber's next information meeting, where the
	// projects at their first stages are registered.
	meetings map[string]string
}

// demoSessions are the sessions each chamber's manager plans: a
// collective information meeting and a training, in the coming weeks.
var demoSessions = []struct {
	manager, chamber, kind, title, place string
	inDays, capacity                     int
}{
	{"cma-91-001", "CMA", "information_meeting", "Réunion d'information : créer son entreprise artisanale", "CMA Essonne, Évry-Courcouronnes", 10, 20},
	{"cma-91-001", "CMA", "training", "Stage de préparation à l'installation", "CMA Essonne, Évry-Courcouronnes", 24, 12},
	{"cci-91-001", "CCI", "information_meeting", "Réunion d'information : les étapes de la création", "CCI Essonne, Évry-Courcouronnes", 8, 30},
	{"cci-91-001", "CCI", "training", "5 jours pour entreprendre", "CCI Essonne, Évry-Courcouronnes", 17, 15},
}

// plan plans the demo sessions and returns each chamber's information
// meeting.
func (s seeder) plan(ctx context.Context) (map[string]string, error) {
	meetings := map[string]string{}
	day := time.Now().UTC().Truncate(24 * time.Hour)
	for _, d := range demoSessions {
		token, err := s.token(ctx, d.manager)
		if err != nil {
			return nil, err
		}
		var planned struct {
			ID string `json:"session_id"`
		}
		startsAt := day.AddDate(0, 0, d.inDays).Add(8 * time.Hour) // 9 or 10 h in Paris
		if err := s.call(ctx, http.MethodPost, s.st.URL("creation-support")+"/api/v1/creation-sessions", token, map[string]any{
			"kind": d.kind, "title": d.title, "starts_at": startsAt.Format(time.RFC3339), "place": d.place, "capacity": d.capacity,
		}, &planned); err != nil {
			return nil, err
		}
		if d.kind == "information_meeting" {
			meetings[d.chamber] = planned.ID
		}
	}
	return meetings, nil
}

func (s seeder) seed(ctx context.Context, i int, p project) error {
	body := map[string]any{
		"applicant": map[string]any{"first_name": p.first, "last_name": p.last, "email": p.email},
		"project":   map[string]any{"description": p.description, "naf_code": p.naf, "postcode": postcodes[p.commune], "commune_code": p.commune, "planned_headcount": 1 + i%4},
	}
	var accepted struct {
		RequestID string `json:"request_id"`
	}
	if err := s.call(ctx, http.MethodPost, s.st.URL("intake")+"/api/v1/creation-requests", "", body, &accepted,
		"Idempotency-Key", fmt.Sprintf("devstack-seed-%02d", i)); err != nil {
		return err
	}
	caseID, chamber, advisor, err := s.awaitCase(ctx, accepted.RequestID)
	if err != nil || p.reach == "" || advisor == "" {
		return err
	}
	token, err := s.token(ctx, advisor)
	if err != nil {
		return err
	}
	base := s.st.URL("creation-support") + "/api/v1/creation-cases/" + caseID
	if err := s.follow(ctx, base, token, p.reach); err != nil {
		return err
	}
	if p.reach != "welcome" && p.reach != "diagnosis" {
		return nil
	}
	// Early in the journey: registered to the chamber's information
	// meeting, whose confirmation intake e-mails to the holder.
	return s.call(ctx, http.MethodPost, base+"/sessions/"+s.meetings[chamber], token, nil, nil)
}

// follow takes the case in charge and moves it to reach, recording what
// each stage needs before it is left.
func (s seeder) follow(ctx context.Context, base, token, reach string) error {
	if err := s.call(ctx, http.MethodPost, base+"/take-in-charge", token, nil, nil); err != nil {
		return err
	}
	yes := true
	facts := map[string]any{
		"welcome":       map[string]any{"kind": "collective", "at": time.Now().UTC().AddDate(0, 0, -20).Format(time.RFC3339)},
		"diagnosis":     map[string]any{"chamber_confirmed": true, "regulated": &yes, "qualification": "CAP ou trois ans d'expérience", "qualification_held": true},
		"training":      map[string]any{"course": "Stage de préparation à l'installation", "hours": 35, "attestation": true},
		"business_plan": map[string]any{"market": done, "funding_plan": done, "forecast_pl": done, "cash_plan": done},
		"funding":       []map[string]any{{"partner": "Initiative Essonne", "asked": 15000, "decision": "granted", "granted": 12000}},
	}
	if err := s.call(ctx, http.MethodPut, base+"/facts", token, facts, nil); err != nil {
		return err
	}
	switch reach {
	case "abandoned":
		return s.call(ctx, http.MethodPost, base+"/abandon", token, map[string]any{"reason": "no_funding"}, nil)
	case "redirected":
		return s.call(ctx, http.MethodPost, base+"/redirect-to-takeover", token, nil, nil)
	}
	target := reach
	if reach == "registered" {
		target = "formalities"
	}
	for _, stage := range journey[1:] {
		if target == "welcome" {
			break
		}
		if err := s.call(ctx, http.MethodPost, base+"/stage", token, map[string]any{"to": stage}, nil); err != nil {
			return err
		}
		if stage == target {
			break
		}
	}
	due := time.Now().UTC().AddDate(0, 0, 7).Format(time.DateOnly)
	if err := s.call(ctx, http.MethodPut, base+"/next-action", token, map[string]any{"label": "Rappeler le porteur de projet", "due": due}, nil); err != nil {
		return err
	}
	if reach != "registered" {
		return nil
	}
	return s.call(ctx, http.MethodPost, base+"/registration", token, map[string]any{
		"siren": "901234567", "registered_on": time.Now().UTC().AddDate(0, 0, -3).Format(time.DateOnly), "legal_form": "SASU"}, nil)
}

var done = map[string]any{"done": true, "reviewed": true}

// awaitCase waits for the case of a request, its chamber and its advisor.
func (s seeder) awaitCase(ctx context.Context, requestID string) (caseID, chamber, advisor string, err error) {
	deadline := time.Now().Add(30 * time.Second)
	for time.Now().Before(deadline) {
		err = s.db.QueryRow(ctx, `SELECT case_id::text, chamber, coalesce(advisor_id, '') FROM creation_support.creation_cases
			WHERE request_id = $1`, requestID).Scan(&caseID, &chamber, &advisor)
		if err == nil {
			return caseID, chamber, advisor, nil
		}
		if !errors.Is(err, pgx.ErrNoRows) {
			return "", "", "", fmt.Errorf("read the case of request %s: %w", requestID, err)
		}
		select {
		case <-ctx.Done():
			return "", "", "", ctx.Err()
		case <-time.After(100 * time.Millisecond):
		}
	}
	return "", "", "", fmt.Errorf("no case opened for request %s within 30 s", requestID)
}

// token signs the advisor in through advisor-desk's development sign-in.
func (s seeder) token(ctx context.Context, advisor string) (string, error) {
	var out struct {
		AccessToken string `json:"access_token"`
	}
	err := s.call(ctx, http.MethodPost, s.st.URL("advisor-desk")+"/api/v1/dev/tokens", "", map[string]any{"advisor_id": advisor}, &out)
	return out.AccessToken, err
}

// call sends a JSON request and decodes a 2xx answer into out (when set);
// any other answer is an error that quotes it.
func (s seeder) call(ctx context.Context, method, url, token string, in, out any, header ...string) error {
	var body io.Reader
	if in != nil {
		b, err := json.Marshal(in)
		if err != nil {
			return err
		}
		body = bytes.NewReader(b)
	}
	req, err := http.NewRequestWithContext(ctx, method, url, body)
	if err != nil {
		return err
	}
	if in != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	for i := 0; i+1 < len(header); i += 2 {
		req.Header.Set(header[i], header[i+1])
	}
	resp, err := s.client.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(io.LimitReader(resp.Body, 64<<10))
	if err != nil {
		return err
	}
	if resp.StatusCode/100 != 2 {
		return fmt.Errorf("%s %s: %d %s", method, url, resp.StatusCode, b)
	}
	if out == nil {
		return nil
	}
	return json.Unmarshal(b, out)
}
