package request

import (
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/ccicma/platform/pkg/refdata"

	"github.com/ccicma/platform/services/intake/internal/domain/check"
)

// Kinds of request, as stored and shown on the status endpoint.
const (
	KindCreation      = "creation"
	KindTakeoverOffer = "takeover_offer"
	KindBuyerSearch   = "buyer_search"
	KindDifficulty    = "difficulty"
)

// Limits shared by every kind of request.
const (
	MaxNameLen   = 100
	MaxHeadcount = 100000
	// MaxAmount bounds the amounts in euros (asking price, budget).
	MaxAmount = 100_000_000
)

// ContactInput is the applicant block every kind of request starts with,
// as typed.
type ContactInput struct {
	FirstName, LastName, Email, Phone string
}

// Applicant holds the personal data of the person behind a request. It
// stays in intake: events never carry it.
type Applicant struct {
	FirstName string `json:"first_name"`
	LastName  string `json:"last_name"`
	Email     string `json:"email"`
	Phone     string `json:"phone,omitempty"` // E.164
}

// Reference is the reference data validation needs.
type Reference interface {
	NAF(code string) (refdata.NAFEntry, bool)
	Commune(insee string) (refdata.Commune, bool)
	CommunesByPostcode(pc string) []refdata.Commune
}

// Choice is one value of an enumeration, with its French label for forms.
type Choice struct {
	Code  string
	Label string
}

// Choices is an enumeration, in the order forms show it.
type Choices []Choice

// Has reports whether code is one of the choices.
func (cs Choices) Has(code string) bool { return cs.index(code) >= 0 }

// Codes lists the codes in order.
func (cs Choices) Codes() []string {
	out := make([]string, len(cs))
	for i, c := range cs {
		out[i] = c.Code
	}
	return out
}

// Label returns the French label of code.
func (cs Choices) Label(code string) (string, bool) {
	if i := cs.index(code); i >= 0 {
		return cs[i].Label, true
	}
	return "", false
}

func (cs Choices) index(code string) int {
	return slices.IndexFunc(cs, func(c Choice) bool { return c.Code == code })
}

// Timelines is when a takeover should happen, for sellers and buyers alike.
var Timelines = Choices{
	{"lt_6m", "Dans moins de 6 mois"},
	{"6m_12m", "Dans 6 à 12 mois"},
	{"12m_24m", "Dans 12 à 24 mois"},
	{"gt_24m", "Dans plus de 24 mois"},
}

// DealTypes are the kinds of takeover deal.
var DealTypes = Choices{
	{"fonds", "Le fonds (de commerce ou artisanal)"},
	{"titres", "Les parts sociales ou actions (titres)"},
	{"droit_au_bail", "Le droit au bail"},
	{"murs", "Les murs (locaux)"},
}

func applicant(ps *Problems, in ContactInput) Applicant {
	a := Applicant{FirstName: strings.TrimSpace(in.FirstName), LastName: strings.TrimSpace(in.LastName)}
	if check.Text(in.FirstName, 1, MaxNameLen) != nil {
		ps.add("applicant.first_name", "required", fmt.Sprintf("Prénom obligatoire (%d caractères au plus).", MaxNameLen))
	}
	if check.Text(in.LastName, 1, MaxNameLen) != nil {
		ps.add("applicant.last_name", "required", fmt.Sprintf("Nom obligatoire (%d caractères au plus).", MaxNameLen))
	}
	email, err := check.NormalizeEmail(in.Email)
	if err != nil {
		ps.add("applicant.email", "format", "Adresse électronique invalide (exemple : prenom.nom@exemple.fr).")
	}
	a.Email = email
	if in.Phone != "" {
		phone, err := check.FrenchPhone(in.Phone)
		if err != nil {
			ps.add("applicant.phone", "format", "Numéro de téléphone français invalide (exemple : 06 12 34 56 78).")
		}
		a.Phone = phone
	}
	return a
}

// commune resolves a commune from its postcode, and from the commune code
// when the postcode serves several communes. Problems are reported on
// <prefix>.postcode and <prefix>.commune_code.
func commune(ps *Problems, prefix, postcode, communeCode string, ref Reference) refdata.Commune {
	if err := check.Postcode(postcode); err != nil {
		ps.add(prefix+".postcode", "format", "Code postal à 5 chiffres attendu.")
		return refdata.Commune{}
	}
	candidates := ref.CommunesByPostcode(postcode)
	if len(candidates) == 0 {
		ps.add(prefix+".postcode", "unknown", "Ce code postal n'existe pas.")
		return refdata.Commune{}
	}
	if communeCode == "" {
		if len(candidates) == 1 {
			return candidates[0]
		}
		ps.add(prefix+".commune_code", "ambiguous", fmt.Sprintf("Ce code postal couvre %d communes : précisez la commune (code INSEE).", len(candidates)))
		return refdata.Commune{}
	}
	for _, c := range candidates {
		if c.Code == communeCode {
			return c
		}
	}
	ps.add(prefix+".commune_code", "mismatch", "Cette commune ne correspond pas au code postal.")
	return refdata.Commune{}
}

// requiredSIRET checks a SIRET the request cannot do without.
func requiredSIRET(ps *Problems, field, raw string) string {
	if strings.TrimSpace(raw) == "" {
		ps.add(field, "required", "Numéro SIRET obligatoire (14 chiffres, sur l'extrait Kbis ou l'avis de situation Sirene).")
		return ""
	}
	return siret(ps, field, raw)
}

// siret normalises a typed SIRET, reporting a wrong check digit apart from
// a wrong shape because it is usually a typo.
func siret(ps *Problems, field, raw string) string {
	s, err := check.NormalizeSIRET(raw)
	switch {
	case errors.Is(err, check.ErrChecksum):
		ps.add(field, "checksum", "Numéro SIRET invalide : la clé de contrôle ne correspond pas (faute de frappe ?).")
	case err != nil:
		ps.add(field, "format", "Un SIRET compte 14 chiffres.")
	}
	return s
}

// nafSubclass returns the canonical code of a NAF sub-class typed "47.11F"
// or "4711F".
func nafSubclass(ps *Problems, field, raw string, ref Reference) string {
	e, ok := ref.NAF(raw)
	if !ok {
		ps.add(field, "unknown", "Code NAF inconnu dans la nomenclature NAF rév. 2 (exemple : 47.11F).")
		return ""
	}
	return e.Code
}

func headcount(ps *Problems, field string, n int) {
	if n < 0 || n > MaxHeadcount {
		ps.add(field, "range", fmt.Sprintf("Nombre de salariés entre 0 et %d.", MaxHeadcount))
	}
}

func amount(ps *Problems, field string, n int64, lowest int64, what string) {
	if n < lowest || n > MaxAmount {
		ps.add(field, "range", fmt.Sprintf("%s en euros, nombre entier entre %d et %d.", what, lowest, MaxAmount))
	}
}

// choice checks a required enumeration value.
func choice(ps *Problems, field, code string, cs Choices) string {
	if code == "" {
		ps.add(field, "required", "Choisissez une valeur dans la liste.")
		return ""
	}
	if !cs.Has(code) {
		ps.add(field, "invalid", "Valeur inconnue : choisissez une valeur dans la liste.")
		return ""
	}
	return code
}

// choiceSet checks a list of at least one enumeration value; it returns the
// values without duplicates, in the enumeration's order, so that equal sets
// compare equal.
func choiceSet(ps *Problems, field string, codes []string, cs Choices) []string {
	if len(codes) == 0 {
		ps.add(field, "required", "Choisissez au moins une valeur.")
		return nil
	}
	// Only duplicates make the list longer than the enumeration: tolerate a
	// few, but refuse a list that would flood the answer with problems.
	if len(codes) > 2*len(cs) {
		ps.add(field, "too_many", fmt.Sprintf("%d valeurs au plus.", len(cs)))
		return nil
	}
	seen := make([]bool, len(cs))
	for i, code := range codes {
		j := cs.index(code)
		if j < 0 {
			ps.add(fmt.Sprintf("%s[%d]", field, i), "invalid", "Valeur inconnue : choisissez une valeur dans la liste.")
			continue
		}
		seen[j] = true
	}
	var out []string
	for j, ok := range seen {
		if ok {
			out = append(out, cs[j].Code)
		}
	}
	return out
}

// text checks a free text of minLen to maxLen characters (minLen 0: it is
// optional) and returns it trimmed; lengthMsg says what is expected.
func text(ps *Problems, field, raw string, minLen, maxLen int, lengthMsg string) string {
	err := check.Text(raw, minLen, maxLen)
	switch {
	case err == nil:
	case errors.Is(err, check.ErrFormat):
		ps.add(field, "format", "Le texte contient des caractères de contrôle non autorisés.")
	case errors.Is(err, check.ErrRequired):
		ps.add(field, "required", lengthMsg)
	default:
		ps.add(field, "length", lengthMsg)
	}
	return strings.TrimSpace(raw)
}
