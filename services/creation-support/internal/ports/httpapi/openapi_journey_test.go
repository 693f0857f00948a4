package httpapi_test

import (
	"strings"
	"time"

	"github.com/ccicma/platform/pkg/auth"
	"github.com/ccicma/platform/pkg/testkit/openapicheck"
)

// validBodies are a valid body of each operation that needs one, by
// method and last path element: what the unavailable service is sent.
var validBodies = map[string]string{
	"POST /hand-back":           `{"reason":"other"}`,
	"POST /reassign":            `{"advisor_id":"cci-b"}`,
	"POST /stage":               `{"to":"diagnosis"}`,
	"PUT /facts":                `{}`,
	"POST /registration":        `{"siren":"732829320","registered_on":"2026-01-05","legal_form":"SARL"}`,
	"POST /abandon":             `{"reason":"other"}`,
	"PUT /next-action":          `{"label":"Rappeler","due":"2099-01-01"}`,
	"POST /{n}":                 `{"still_active":true}`,
	"POST /difficulty-concerns": `{"concerns":["cash_flow"]}`,
	"POST /notes":               `{"text":"Note"}`,
	"POST /creation-sessions":   `{"kind":"training","title":"Stage","starts_at":"2099-01-01T09:00:00Z","place":"Évry","capacity":1}`,
}

type namedCall = struct {
	name string
	openapicheck.Call
}

// journeyCalls are the calls of the journey's operations, valid and
// invalid, in an order where each finds the case in the state it needs.
func journeyCalls(a *api, path func(id, action string) string, cciA, cciB, admin, unknown string) []namedCall {
	const rejects, unchecked = openapicheck.Rejects, openapicheck.Unchecked
	jc, rg, ab, rd := a.open("CCI", "CMA", "cci-a"), a.open("CCI", "", "cci-a"), a.open("CCI", "", "cci-a"), a.open("CCI", "", "cci-a")
	cmaA := a.token("cma-a", "CMA", auth.RoleAdvisor)
	registered := a.now.AddDate(0, -7, 0).Format(time.DateOnly)
	huge := func(field string) string { return `{"` + field + `":"` + strings.Repeat("x", 50000) + `"}` }
	call := func(name, method, p, token, body string, status int, doc ...openapicheck.Doc) namedCall {
		c := openapicheck.Call{Method: method, Path: p, Token: token, Body: body, Status: status}
		if len(doc) > 0 {
			c.Doc = doc[0]
		}
		return namedCall{name, c}
	}
	text := func(name, method, p string) namedCall {
		return namedCall{name, openapicheck.Call{Method: method, Path: p, Token: cciA, ContentType: "text/plain", Body: "x", Status: 415, Doc: unchecked}}
	}
	var calls []namedCall
	for _, id := range []string{jc, rg, ab, rd} {
		calls = append(calls, call("take in charge for the journey", "POST", path(id, "take-in-charge"), cciA, "", 200))
	}
	return append(calls,
		call("skip a stage", "POST", path(jc, "stage"), cciA, `{"to":"training","reason":"done_elsewhere","comment":"Accueil fait en réunion."}`, 200),
		call("move on without the criteria", "POST", path(jc, "stage"), cciA, `{"to":"business_plan"}`, 409),
		call("step back without a reason", "POST", path(jc, "stage"), cciA, `{"to":"welcome"}`, 422),
		call("move with an unknown member", "POST", path(jc, "stage"), cciA, `{"to":"welcome","urgent":true}`, 400, rejects),
		call("move too large", "POST", path(jc, "stage"), cciA, huge("comment"), 413, rejects),
		text("move as text", "POST", path(jc, "stage")),
		call("a colleague moves", "POST", path(jc, "stage"), cciB, `{"to":"welcome","reason":"incomplete"}`, 403),
		call("move an unknown case", "POST", path(unknown, "stage"), cciA, `{"to":"welcome","reason":"incomplete"}`, 404),
		call("move without a token", "POST", path(jc, "stage"), "", `{"to":"welcome","reason":"incomplete"}`, 401, rejects),

		call("record facts", "PUT", path(jc, "facts"), cciA, `{"training":{"course":"5 jours pour entreprendre","hours":35,"attestation":true},"funding":[{"partner":"Adie","asked":5000,"decision":"pending"}]}`, 200),
		call("record bad facts", "PUT", path(jc, "facts"), cciA, `{"funding":[{"partner":"","asked":5000,"decision":"granted"}]}`, 422, rejects),
		call("record facts with an unknown member", "PUT", path(jc, "facts"), cciA, `{"colour":"red"}`, 400, rejects),
		call("record facts too large", "PUT", path(jc, "facts"), cciA, huge("x"), 413, rejects),
		text("record facts as text", "PUT", path(jc, "facts")),
		call("the shared chamber records facts", "PUT", path(jc, "facts"), cmaA, `{}`, 403),
		call("record facts of an unknown case", "PUT", path(unknown, "facts"), cciA, `{}`, 404),
		call("record facts without a token", "PUT", path(jc, "facts"), "", `{}`, 401, rejects),

		call("reach the formalities", "POST", path(rg, "stage"), cciA, `{"to":"formalities","reason":"done_elsewhere"}`, 200),
		call("register with a bad SIREN", "POST", path(rg, "registration"), cciA, `{"siren":"732829321","registered_on":"`+registered+`","legal_form":"SARL"}`, 422),
		call("register", "POST", path(rg, "registration"), cciA, `{"siren":"732829320","registered_on":"`+registered+`","legal_form":"SARL"}`, 200),
		call("register again", "POST", path(rg, "registration"), cciA, `{"siren":"732829320","registered_on":"`+registered+`","legal_form":"SARL"}`, 409),
		call("register with an unknown member", "POST", path(rg, "registration"), cciA, `{"siren":"732829320","urgent":true}`, 400, rejects),
		call("register too large", "POST", path(rg, "registration"), cciA, huge("siren"), 413, rejects),
		text("register as text", "POST", path(rg, "registration")),
		call("a colleague registers", "POST", path(rg, "registration"), cciB, `{"siren":"732829320","registered_on":"`+registered+`","legal_form":"SARL"}`, 403),
		call("register an unknown case", "POST", path(unknown, "registration"), cciA, `{"siren":"732829320","registered_on":"`+registered+`","legal_form":"SARL"}`, 404),
		call("register without a token", "POST", path(rg, "registration"), "", `{"siren":"732829320","registered_on":"`+registered+`","legal_form":"SARL"}`, 401, rejects),

		call("record a checkpoint", "POST", path(rg, "checkpoints/1"), cciA, `{"still_active":true,"headcount":2}`, 200),
		call("record it again", "POST", path(rg, "checkpoints/1"), cciA, `{"still_active":true,"headcount":2}`, 409),
		call("record a checkpoint not due", "POST", path(rg, "checkpoints/4"), cciA, `{"still_active":true}`, 409),
		call("record a checkpoint before registration", "POST", path(jc, "checkpoints/1"), cciA, `{"still_active":true}`, 404),
		call("record a fifth checkpoint", "POST", path(rg, "checkpoints/5"), cciA, `{"still_active":true}`, 404, rejects),
		call("record a negative headcount", "POST", path(rg, "checkpoints/2"), cciA, `{"still_active":true,"headcount":-1}`, 422, rejects),
		call("record a checkpoint with an unknown member", "POST", path(rg, "checkpoints/2"), cciA, `{"active":true}`, 400, rejects),
		call("record a checkpoint too large", "POST", path(rg, "checkpoints/2"), cciA, huge("x"), 413, rejects),
		text("record a checkpoint as text", "POST", path(rg, "checkpoints/2")),
		call("a colleague records a checkpoint", "POST", path(rg, "checkpoints/2"), cciB, `{"still_active":true}`, 403),
		call("record a checkpoint of an unknown case", "POST", path(unknown, "checkpoints/2"), cciA, `{"still_active":true}`, 404),
		call("record a checkpoint without a token", "POST", path(rg, "checkpoints/2"), "", `{"still_active":true}`, 401, rejects),

		call("raise a concern", "POST", path(rg, "difficulty-concerns"), cciA, `{"concerns":["cash_flow","overdue_debts"]}`, 201),
		call("raise another the same day", "POST", path(rg, "difficulty-concerns"), cciA, `{"concerns":["owner_wellbeing"]}`, 200),
		call("read the case with its concern", "GET", path(rg, ""), cciA, "", 200),
		call("raise a concern without a code", "POST", path(rg, "difficulty-concerns"), cciA, `{"concerns":[]}`, 422, rejects),
		call("raise a concern with a code not listed", "POST", path(rg, "difficulty-concerns"), cciA, `{"concerns":["cash_flow","bankrupt"]}`, 422, rejects),
		call("raise a concern with a code twice", "POST", path(rg, "difficulty-concerns"), cciA, `{"concerns":["cash_flow","cash_flow"]}`, 422, rejects),
		call("raise a concern with an unknown member", "POST", path(rg, "difficulty-concerns"), cciA, `{"concerns":["cash_flow"],"comment":"x"}`, 400, rejects),
		call("raise a concern too large", "POST", path(rg, "difficulty-concerns"), cciA, huge("x"), 413, rejects),
		text("raise a concern as text", "POST", path(rg, "difficulty-concerns")),
		call("a colleague raises a concern", "POST", path(rg, "difficulty-concerns"), cciB, `{"concerns":["cash_flow"]}`, 403),
		call("raise a concern before registration", "POST", path(jc, "difficulty-concerns"), cciA, `{"concerns":["cash_flow"]}`, 409),
		call("raise a concern about an unknown case", "POST", path(unknown, "difficulty-concerns"), cciA, `{"concerns":["cash_flow"]}`, 404),
		call("raise a concern without a token", "POST", path(rg, "difficulty-concerns"), "", `{"concerns":["cash_flow"]}`, 401, rejects),

		call("abandon", "POST", path(ab, "abandon"), cciA, `{"reason":"no_funding"}`, 200),
		call("abandon again", "POST", path(ab, "abandon"), cciA, `{"reason":"no_funding"}`, 409),
		call("abandon for an unknown reason", "POST", path(jc, "abandon"), cciA, `{"reason":"bored"}`, 422, rejects),
		call("abandon with an unknown member", "POST", path(jc, "abandon"), cciA, `{"reason":"other","urgent":true}`, 400, rejects),
		call("abandon too large", "POST", path(jc, "abandon"), cciA, huge("reason"), 413, rejects),
		text("abandon as text", "POST", path(jc, "abandon")),
		call("a colleague abandons", "POST", path(jc, "abandon"), cciB, `{"reason":"other"}`, 403),
		call("abandon an unknown case", "POST", path(unknown, "abandon"), cciA, `{"reason":"other"}`, 404),
		call("abandon without a token", "POST", path(jc, "abandon"), "", `{"reason":"other"}`, 401, rejects),
		call("record facts of a closed case", "PUT", path(ab, "facts"), cciA, `{}`, 409),

		call("redirect to takeover", "POST", path(rd, "redirect-to-takeover"), cciA, "", 200),
		call("redirect again", "POST", path(rd, "redirect-to-takeover"), cciA, `{}`, 409),
		call("redirect with a body", "POST", path(jc, "redirect-to-takeover"), cciA, `{"now":true}`, 400, rejects),
		call("redirect with a large body", "POST", path(jc, "redirect-to-takeover"), cciA, `{"now":"`+strings.Repeat("x", 100)+`"}`, 413, rejects),
		text("redirect as text", "POST", path(jc, "redirect-to-takeover")),
		call("a colleague redirects", "POST", path(jc, "redirect-to-takeover"), cciB, "", 403),
		call("redirect an unknown case", "POST", path(unknown, "redirect-to-takeover"), cciA, "", 404),
		call("redirect without a token", "POST", path(jc, "redirect-to-takeover"), "", "", 401, rejects),

		call("plan the next action", "PUT", path(jc, "next-action"), cciA, `{"label":"Relire le plan de trésorerie","due":"2099-01-01"}`, 200),
		call("plan an empty next action", "PUT", path(jc, "next-action"), cciA, `{"label":" ","due":"2099-01-01"}`, 422),
		call("plan the next action of a closed case", "PUT", path(ab, "next-action"), cciA, `{"label":"Rappeler","due":"2099-01-01"}`, 409),
		call("plan with an unknown member", "PUT", path(jc, "next-action"), cciA, `{"label":"Rappeler","due":"2099-01-01","urgent":true}`, 400, rejects),
		call("plan too large", "PUT", path(jc, "next-action"), cciA, huge("label"), 413, rejects),
		text("plan as text", "PUT", path(jc, "next-action")),
		call("a colleague plans", "PUT", path(jc, "next-action"), cciB, `{"label":"Rappeler","due":"2099-01-01"}`, 403),
		call("plan for an unknown case", "PUT", path(unknown, "next-action"), cciA, `{"label":"Rappeler","due":"2099-01-01"}`, 404),
		call("plan without a token", "PUT", path(jc, "next-action"), "", `{"label":"Rappeler","due":"2099-01-01"}`, 401, rejects),
		call("read the journey case", "GET", path(jc, ""), cciA, "", 200),
		call("read the journey case, shared chamber", "GET", path(jc, ""), cmaA, "", 200),
		call("list by stage", "GET", "/api/v1/creation-cases?stage=training&status=in_progress", cciA, "", 200),

		call("write a note", "POST", path(jc, "notes"), cmaA, `{"text":"Vu en réunion CMA.","shared":false}`, 201),
		call("write an empty note", "POST", path(jc, "notes"), cciA, `{"text":"  "}`, 422),
		call("write a note with an unknown member", "POST", path(jc, "notes"), cciA, `{"text":"x","pinned":true}`, 400, rejects),
		call("write a note too large", "POST", path(jc, "notes"), cciA, huge("text"), 413, rejects),
		text("write a note as text", "POST", path(jc, "notes")),
		call("an admin writes a note", "POST", path(jc, "notes"), admin, `{"text":"x"}`, 403),
		call("write a note on an unknown case", "POST", path(unknown, "notes"), cciA, `{"text":"x"}`, 404),
		call("write a note without a token", "POST", path(jc, "notes"), "", `{"text":"x"}`, 401, rejects),
		call("read notes", "GET", path(jc, "notes"), cciA, "", 200),
		call("an admin reads notes", "GET", path(jc, "notes"), admin, "", 403),
		call("read notes of an unknown case", "GET", path(unknown, "notes"), cciA, "", 404),
		call("read notes without a token", "GET", path(jc, "notes"), "", "", 401, rejects),
	)
}
