package web

import (
	"fmt"
	"net/url"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/ccicma/platform/services/advisor-desk/internal/adapters/peers"
	"github.com/ccicma/platform/services/advisor-desk/internal/domain/casefile"
)

// The funding section of the facts form lists the case's funding
// requests, one row each (financement-0-partenaire, ...), and a blank row
// to add one: no script adds rows. A row left blank, or marked to be
// withdrawn, is not sent.

// sectionFunding is the facts form's section at the funding stage.
const sectionFunding = "funding"

// inputField is one field of a repeated part of a form: its id (its name
// too), its value as shown, and its error message, if any.
type inputField struct{ ID, Value, Error string }

// fundingRow is one funding request of the form; N counts from 1.
type fundingRow struct {
	N                                 int
	New                               bool
	Partner, Asked, Decision, Granted inputField
	Withdraw                          bool
	WithdrawID                        string
}

// fundingID is the id of a row's field, e.g. financement-0-demande.
func fundingID(row int, field string) string { return fmt.Sprintf("financement-%d-%s", row, field) }

// The rows' fields: the page's suffix of each of creation-support's names.
var fundingSuffixes = map[string]string{"partner": "partenaire", "asked": "demande", "decision": "decision", "granted": "accorde"}

// newFundingRow is the row at index i of the form, with its ids.
func newFundingRow(i int) fundingRow {
	return fundingRow{N: i + 1, Partner: inputField{ID: fundingID(i, "partenaire")}, Asked: inputField{ID: fundingID(i, "demande")},
		Decision: inputField{ID: fundingID(i, "decision")}, Granted: inputField{ID: fundingID(i, "accorde")},
		WithdrawID: fundingID(i, "retirer")}
}

// fundingRowsOf is the form of the recorded requests, and a blank row to
// add one while creation-support keeps more.
func fundingRowsOf(reqs []peers.FundingRequest) []fundingRow {
	var rows []fundingRow
	for i, r := range reqs {
		row := newFundingRow(i)
		row.Partner.Value, row.Asked.Value, row.Decision.Value = r.Partner, strconv.FormatInt(r.Asked, 10), r.Decision
		if r.Granted != 0 {
			row.Granted.Value = strconv.FormatInt(r.Granted, 10)
		}
		rows = append(rows, row)
	}
	if len(rows) < casefile.MaxFunding {
		row := newFundingRow(len(rows))
		row.New, row.Decision.Value = true, casefile.FundingPending
		rows = append(rows, row)
	}
	return rows
}

// readFundingRows reads the rows a form sent, as typed: at most one more
// than creation-support keeps (the blank one).
func readFundingRows(form url.Values) []fundingRow {
	var rows []fundingRow
	for i := range casefile.MaxFunding + 1 {
		row := newFundingRow(i)
		if _, sent := form[row.Partner.ID]; !sent {
			continue
		}
		row.Partner.Value, row.Decision.Value = strings.TrimSpace(form.Get(row.Partner.ID)), form.Get(row.Decision.ID)
		row.Asked.Value, row.Granted.Value = strings.TrimSpace(form.Get(row.Asked.ID)), strings.TrimSpace(form.Get(row.Granted.ID))
		row.Withdraw = form.Get(row.WithdrawID) == "oui"
		rows = append(rows, row)
	}
	return rows
}

// blank tells whether a row was left empty (the blank row, unused).
func (r fundingRow) blank() bool {
	return r.Partner.Value == "" && r.Asked.Value == "" && r.Granted.Value == ""
}

// applyFunding replaces the funding requests of f by the rows kept; it
// returns the rows' errors, and the page's ids of creation-support's
// names for the requests sent (funding[0].asked: the first row sent).
func applyFunding(f *peers.Facts, rows []fundingRow) ([]peers.FieldError, fieldIDs) {
	var bad []peers.FieldError
	add := func(id, msg string) { bad = append(bad, peers.FieldError{Field: id, Code: "invalid", Message: msg}) }
	ids := fieldIDs{}
	f.Funding = nil
	for _, row := range rows {
		if row.Withdraw || row.blank() {
			continue
		}
		req, rowBad := row.request()
		bad = append(bad, rowBad...)
		at := fmt.Sprintf("funding[%d]", len(f.Funding))
		for name, suffix := range fundingSuffixes {
			ids[at+"."+name] = fundingID(row.N-1, suffix)
		}
		if len(f.Funding) == 0 {
			ids["funding"] = row.Partner.ID
		}
		f.Funding = append(f.Funding, req)
	}
	if len(f.Funding) > casefile.MaxFunding {
		add(rows[len(rows)-1].Partner.ID, fmt.Sprintf("Le dossier garde %d demandes de financement au plus : retirez-en une.", casefile.MaxFunding))
	}
	return bad, ids
}

// request is the funding request of a row, and what is wrong with it.
func (r fundingRow) request() (peers.FundingRequest, []peers.FieldError) {
	var bad []peers.FieldError
	add := func(id, msg string) { bad = append(bad, peers.FieldError{Field: id, Code: "invalid", Message: msg}) }
	req := peers.FundingRequest{Partner: r.Partner.Value, Decision: r.Decision.Value}
	if n := utf8.RuneCountInString(req.Partner); n == 0 || n > maxFact {
		add(r.Partner.ID, fmt.Sprintf("Demande n° %d : indiquez le partenaire sollicité, en 200 caractères au plus.", r.N))
	}
	asked, ok := readEuros(r.Asked.Value)
	if !ok || asked == 0 {
		add(r.Asked.ID, fmt.Sprintf("Demande n° %d : indiquez le montant demandé, en euros (un nombre entier).", r.N))
	}
	if !casefile.Valid(casefile.FundingDecisions(), req.Decision) {
		add(r.Decision.ID, fmt.Sprintf("Demande n° %d : choisissez la décision du partenaire.", r.N))
	}
	granted, ok := int64(0), true
	if r.Granted.Value != "" {
		granted, ok = readEuros(r.Granted.Value)
	}
	if !ok {
		add(r.Granted.ID, fmt.Sprintf("Demande n° %d : indiquez le montant accordé, en euros (un nombre entier).", r.N))
	}
	req.Asked, req.Granted = asked, granted
	return req, bad
}

// readEuros reads a whole amount in euros as advisors type it ("8 000",
// "8000 €"); ok is false for anything else, or a negative amount.
func readEuros(s string) (int64, bool) {
	s = strings.Map(func(r rune) rune {
		switch r {
		case ' ', '\u00a0', '\u202f', '€':
			return -1
		}
		return r
	}, s)
	n, err := strconv.ParseInt(s, 10, 64)
	return n, err == nil && n >= 0
}

// withErrors sets the rows' error messages from the page's errors.
func withErrors(rows []fundingRow, errs map[string]string) {
	for i := range rows {
		for _, f := range []*inputField{&rows[i].Partner, &rows[i].Asked, &rows[i].Decision, &rows[i].Granted} {
			f.Error = errs[f.ID]
		}
	}
}
