package signal

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/ccicma/platform/pkg/siren"
)

// The kinds of signals partners push (source partner).
const (
	// KindSocialDebt: social contributions overdue (URSSAF, MSA).
	KindSocialDebt Kind = "social_debt"
	// KindTaxDebt: taxes overdue (DGFiP).
	KindTaxDebt Kind = "tax_debt"
	// KindPaymentIncident: a payment incident (an unpaid bill, a
	// rejected payment) reported by a bank, a credit insurer or a
	// supplier's feed.
	KindPaymentIncident Kind = "payment_incident"
	// KindLateAccounts: the annual accounts of a financial year not filed
	// when due.
	KindLateAccounts Kind = "late_accounts"
)

// The scopes of the partners' API, one a family of kinds: a partner
// client is granted the scopes of the kinds it may push.
const (
	ScopeSocialTaxDebts = "signals:social_tax_debts"
	ScopePayments       = "signals:payments"
	ScopeAccounts       = "signals:accounts"
)

// PartnerScopes lists every scope.
func PartnerScopes() []string { return []string{ScopeSocialTaxDebts, ScopePayments, ScopeAccounts} }

// PartnerKind says what a kind of partner signal is: its theme, the scope
// a client needs to push it, its strength and default validity, and what
// it must carry. Strengths and validities are provisional, as the court
// judgments' are: scoring will move them to its versioned data file.
type PartnerKind struct {
	Kind  Kind
	Theme Theme
	Scope string
	// Strength is the signal's weight before decay.
	Strength int
	// ValidMonths is how long the signal counts when the partner gives
	// no expiry.
	ValidMonths int
	// Amount: the signal must carry an amount (a debt, an incident);
	// otherwise it must not.
	Amount bool
	// FiscalYear: the signal must carry the end of the financial year
	// concerned (late accounts); otherwise it must not.
	FiscalYear bool
}

// PartnerKinds lists the kinds partners may push.
func PartnerKinds() []PartnerKind {
	return []PartnerKind{
		{Kind: KindSocialDebt, Theme: ThemeSocialTaxDebts, Scope: ScopeSocialTaxDebts, Strength: 50, ValidMonths: 12, Amount: true},
		{Kind: KindTaxDebt, Theme: ThemeSocialTaxDebts, Scope: ScopeSocialTaxDebts, Strength: 50, ValidMonths: 12, Amount: true},
		{Kind: KindPaymentIncident, Theme: ThemePayments, Scope: ScopePayments, Strength: 40, ValidMonths: 12, Amount: true},
		{Kind: KindLateAccounts, Theme: ThemeFinances, Scope: ScopeAccounts, Strength: 30, ValidMonths: 18, FiscalYear: true},
	}
}

// PartnerKindOf returns the description of kind k; ok is false for a kind
// partners may not push.
func PartnerKindOf(k Kind) (PartnerKind, bool) {
	for _, pk := range PartnerKinds() {
		if pk.Kind == k {
			return pk, true
		}
	}
	return PartnerKind{}, false
}

// Limits of a partner's signal.
const (
	// MaxReferenceLen bounds a partner's reference of a signal.
	MaxReferenceLen = 100
	// MaxAmountCents bounds an amount: a billion euros.
	MaxAmountCents = 100_000_000_000
	// MaxValidYears bounds an expiry after the date of the fact.
	MaxValidYears = 5
	// MaxAgeYears bounds how old a fact may be.
	MaxAgeYears = 5
)

var referencePattern = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9_.:/-]*$`)

// PartnerReport is one signal as a partner sends it, fields as written
// (dates YYYY-MM-DD, the amount a decimal number of euros), before checks.
type PartnerReport struct {
	// Reference is the partner's own reference of the fact: the same
	// reference from the same client is the same signal.
	Reference     string
	Kind          string
	SIREN         string
	SIRET         string
	OccurredOn    string
	ExpiresOn     string
	Amount        string
	FiscalYearEnd string
}

// Problem names a bad field of a partner's report and what is wrong, in
// French (the API's words).
type Problem struct {
	Field   string
	Code    string
	Message string
}

// PartnerSignal is a partner's report once checked: the signal to store
// and what only a partner says.
type PartnerSignal struct {
	Signal
	Reference     string
	AmountCents   int64 // 0 when the kind has none
	FiscalYearEnd time.Time
}

// Check reads report r of client, pushed on day today (UTC date), into a
// partner signal, or lists every bad field. The SIREN must pass its Luhn
// key; a SIRET must be valid and of that SIREN; the date of the fact
// cannot be in the future nor older than MaxAgeYears; the expiry, by
// default the kind's validity, comes after the fact, within MaxValidYears.
func (r PartnerReport) Check(client string, today time.Time) (PartnerSignal, []Problem) {
	var ps []Problem
	bad := func(field, code, msg string) { ps = append(ps, Problem{Field: field, Code: code, Message: msg}) }
	out := PartnerSignal{Reference: r.Reference}
	switch {
	case r.Reference == "":
		bad("reference", "required", "La référence du signal chez le partenaire est obligatoire.")
	case len(r.Reference) > MaxReferenceLen || !referencePattern.MatchString(r.Reference):
		bad("reference", "format", fmt.Sprintf("Au plus %d caractères parmi lettres, chiffres, « _ . : / - ».", MaxReferenceLen))
	}
	pk, known := PartnerKindOf(Kind(r.Kind))
	switch {
	case r.Kind == "":
		bad("kind", "required", "La nature du signal est obligatoire.")
	case !known:
		bad("kind", "unknown", "Nature de signal inconnue : "+kindList()+".")
	}
	switch {
	case r.SIREN == "":
		bad("siren", "required", "Le SIREN est obligatoire.")
	case !siren.Digits(r.SIREN, 9):
		bad("siren", "format", "Un SIREN s'écrit en 9 chiffres, sans espace.")
	case !siren.Luhn(r.SIREN):
		bad("siren", "key", "Ce SIREN n'a pas une clé valide (contrôle de Luhn).")
	}
	if r.SIRET != "" {
		switch {
		case !siren.Digits(r.SIRET, 14):
			bad("siret", "format", "Un SIRET s'écrit en 14 chiffres, sans espace.")
		case !siren.ValidSIRET(r.SIRET):
			bad("siret", "key", "Ce SIRET n'a pas une clé valide.")
		case r.SIRET[:9] != r.SIREN:
			bad("siret", "other_siren", "Ce SIRET est celui d'un établissement d'une autre entreprise que le SIREN donné.")
		}
	}
	on, onOK := date(r.OccurredOn)
	switch {
	case r.OccurredOn == "":
		bad("occurred_on", "required", "La date du fait signalé est obligatoire.")
	case !onOK:
		bad("occurred_on", "format", "Date attendue au format AAAA-MM-JJ.")
	case on.After(today):
		bad("occurred_on", "future", "La date du fait signalé ne peut pas être dans le futur.")
	case on.Before(today.AddDate(-MaxAgeYears, 0, 0)):
		bad("occurred_on", "too_old", fmt.Sprintf("Un fait de plus de %d ans n'est pas un signal.", MaxAgeYears))
	}
	expires := on.AddDate(0, pk.ValidMonths, 0)
	if r.ExpiresOn != "" {
		e, ok := date(r.ExpiresOn)
		switch {
		case !ok:
			bad("expires_on", "format", "Date attendue au format AAAA-MM-JJ.")
		case onOK && !e.After(on):
			bad("expires_on", "before_fact", "La fin de validité vient après la date du fait signalé.")
		case onOK && e.After(on.AddDate(MaxValidYears, 0, 0)):
			bad("expires_on", "too_far", fmt.Sprintf("Un signal compte au plus %d ans après le fait.", MaxValidYears))
		}
		expires = e
	}
	if known {
		out.AmountCents = r.checkAmount(pk, bad)
		out.FiscalYearEnd = r.checkFiscalYear(pk, on, onOK, bad)
	}
	if len(ps) > 0 {
		return PartnerSignal{}, ps
	}
	out.Signal = Signal{Source: SourcePartner, Kind: pk.Kind, Theme: pk.Theme, SIREN: r.SIREN, SIRET: r.SIRET, On: on,
		Strength: pk.Strength, Expires: expires, Ref: client + ":" + r.Reference}
	return out, nil
}

func (r PartnerReport) checkAmount(pk PartnerKind, bad func(field, code, msg string)) int64 {
	switch {
	case !pk.Amount && r.Amount != "":
		bad("amount", "not_allowed", "Un signal de cette nature ne porte pas de montant.")
	case pk.Amount && r.Amount == "":
		bad("amount", "required", "Le montant (en euros) est obligatoire pour un signal de cette nature.")
	case pk.Amount:
		cents, ok := parseCents(r.Amount)
		if !ok || cents <= 0 || cents > MaxAmountCents {
			bad("amount", "invalid", "Montant en euros attendu : positif, au plus deux décimales, au plus un milliard.")
		}
		return cents
	}
	return 0
}

func (r PartnerReport) checkFiscalYear(pk PartnerKind, on time.Time, onOK bool, bad func(field, code, msg string)) time.Time {
	switch {
	case !pk.FiscalYear && r.FiscalYearEnd != "":
		bad("fiscal_year_end", "not_allowed", "Seul un retard de dépôt des comptes porte une fin d'exercice.")
	case pk.FiscalYear && r.FiscalYearEnd == "":
		bad("fiscal_year_end", "required", "La date de clôture de l'exercice dont les comptes manquent est obligatoire.")
	case pk.FiscalYear:
		end, ok := date(r.FiscalYearEnd)
		switch {
		case !ok:
			bad("fiscal_year_end", "format", "Date attendue au format AAAA-MM-JJ.")
		case onOK && !end.Before(on):
			bad("fiscal_year_end", "after_fact", "L'exercice se clôt avant la date où ses comptes étaient dus.")
		}
		return end
	}
	return time.Time{}
}

// date reads YYYY-MM-DD.
func date(s string) (time.Time, bool) {
	t, err := time.Parse(time.DateOnly, s)
	return t, err == nil
}

// parseCents reads a decimal number of euros with at most two decimals
// ("1250", "1250.5", "1250.50"), as JSON writes it, without going through a
// float.
func parseCents(s string) (int64, bool) {
	whole, frac, hasFrac := strings.Cut(s, ".")
	if whole == "" || len(whole) > 12 || (hasFrac && (frac == "" || len(frac) > 2)) {
		return 0, false
	}
	for _, part := range []string{whole, frac} {
		for _, c := range part {
			if c < '0' || c > '9' {
				return 0, false
			}
		}
	}
	w, err := strconv.ParseInt(whole, 10, 64)
	if err != nil {
		return 0, false
	}
	frac = (frac + "00")[:2]
	f, _ := strconv.ParseInt(frac, 10, 64)
	return w*100 + f, true
}

func kindList() string {
	var names []string
	for _, pk := range PartnerKinds() {
		names = append(names, string(pk.Kind))
	}
	return strings.Join(names, ", ")
}
