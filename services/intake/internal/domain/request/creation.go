package request

import (
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/ccicma/platform/pkg/events"
	"github.com/ccicma/platform/pkg/refdata"

	"github.com/ccicma/platform/services/intake/internal/domain/check"
	"github.com/ccicma/platform/services/intake/internal/domain/routing"
)

// Limits of a creation request's fields.
const (
	MaxNameLen        = 100
	MaxDescriptionLen = 4000
	MaxHeadcount      = 100000
)

// LegalForms are the legal forms a project may consider.
var LegalForms = map[string]string{
	"EI": "Entreprise individuelle (dont micro-entreprise)", "EURL": "EURL", "SARL": "SARL",
	"SASU": "SASU", "SAS": "SAS", "SA": "SA", "SNC": "SNC", "SCOP": "SCOP", "AUTRE": "Autre", "NSP": "Ne sait pas encore",
}

// CreationInput is a creation project as typed by the applicant.
type CreationInput struct {
	FirstName, LastName, Email, Phone string
	Description                       string
	NAFCode                           string
	LegalForm                         string
	Postcode                          string
	CommuneCode                       string
	PlannedStart                      string // YYYY-MM-DD, optional
	PlannedHeadcount                  int
	SIRET                             string
}

// Applicant holds the personal data of the person behind a request. It
// stays in intake: events never carry it.
type Applicant struct {
	FirstName string `json:"first_name"`
	LastName  string `json:"last_name"`
	Email     string `json:"email"`
	Phone     string `json:"phone,omitempty"` // E.164
}

// Creation is a validated creation request.
type Creation struct {
	ID               string
	Applicant        Applicant
	Description      string
	NAFCode          string // canonical, empty if unknown
	LegalForm        string
	Commune          refdata.Commune
	PlannedStart     *time.Time
	PlannedHeadcount int
	SIRET            string
	Routing          events.Routing
	SubmittedAt      time.Time
}

// Reference is the reference data validation needs.
type Reference interface {
	NAF(code string) (refdata.NAFEntry, bool)
	Commune(insee string) (refdata.Commune, bool)
	CommunesByPostcode(pc string) []refdata.Commune
}

// NewCreation validates input and routes the request. All problems are
// reported at once.
func NewCreation(id string, in CreationInput, ref Reference, router routing.Router, now time.Time) (Creation, error) {
	var ps Problems
	c := Creation{ID: id, SubmittedAt: now.UTC(), PlannedHeadcount: in.PlannedHeadcount}
	c.Applicant = applicant(&ps, in)
	c.Description = strings.TrimSpace(in.Description)
	if err := check.Text(in.Description, 10, MaxDescriptionLen); err != nil {
		ps.add("project.description", "length", fmt.Sprintf("Décrivez le projet en 10 à %d caractères.", MaxDescriptionLen))
	}
	if in.NAFCode != "" {
		if e, ok := ref.NAF(in.NAFCode); ok {
			c.NAFCode = e.Code
		} else {
			ps.add("project.naf_code", "unknown", "Code NAF inconnu dans la nomenclature NAF rév. 2 (exemple : 47.11F).")
		}
	}
	if in.LegalForm != "" {
		if _, ok := LegalForms[in.LegalForm]; !ok {
			ps.add("project.legal_form", "invalid", "Forme juridique inconnue.")
		}
		c.LegalForm = in.LegalForm
	}
	c.Commune = commune(&ps, in, ref)
	if in.PlannedStart != "" {
		t, err := time.Parse(time.DateOnly, in.PlannedStart)
		if err != nil {
			ps.add("project.planned_start", "format", "Date attendue au format AAAA-MM-JJ.")
		} else {
			c.PlannedStart = &t
		}
	}
	if in.PlannedHeadcount < 0 || in.PlannedHeadcount > MaxHeadcount {
		ps.add("project.planned_headcount", "range", fmt.Sprintf("Nombre de salariés entre 0 et %d.", MaxHeadcount))
	}
	if in.SIRET != "" {
		s, err := check.NormalizeSIRET(in.SIRET)
		switch {
		case errors.Is(err, check.ErrChecksum):
			ps.add("project.siret", "checksum", "Numéro SIRET invalide : la clé de contrôle ne correspond pas (faute de frappe ?).")
		case err != nil:
			ps.add("project.siret", "format", "Un SIRET compte 14 chiffres.")
		}
		c.SIRET = s
	}
	if err := ps.err(); err != nil {
		return Creation{}, err
	}
	c.Routing = router.Route(routing.Input{NAFCode: c.NAFCode, Headcount: c.PlannedHeadcount, Departement: c.Commune.Departement})
	return c, nil
}

func applicant(ps *Problems, in CreationInput) Applicant {
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

// commune resolves the project's commune from its postcode, and from the
// commune code when the postcode serves several communes.
func commune(ps *Problems, in CreationInput, ref Reference) refdata.Commune {
	if err := check.Postcode(in.Postcode); err != nil {
		ps.add("project.postcode", "format", "Code postal à 5 chiffres attendu.")
		return refdata.Commune{}
	}
	candidates := ref.CommunesByPostcode(in.Postcode)
	if len(candidates) == 0 {
		ps.add("project.postcode", "unknown", "Ce code postal n'existe pas.")
		return refdata.Commune{}
	}
	if in.CommuneCode == "" {
		if len(candidates) == 1 {
			return candidates[0]
		}
		ps.add("project.commune_code", "ambiguous", fmt.Sprintf("Ce code postal couvre %d communes : précisez la commune (code INSEE).", len(candidates)))
		return refdata.Commune{}
	}
	for _, c := range candidates {
		if c.Code == in.CommuneCode {
			return c
		}
	}
	ps.add("project.commune_code", "mismatch", "Cette commune ne correspond pas au code postal.")
	return refdata.Commune{}
}

// Submitted is the event announcing the request, without personal data.
func (c Creation) Submitted() events.CreationSubmitted {
	nafVersion := ""
	if c.NAFCode != "" {
		nafVersion = refdata.NAFVersion
	}
	return events.CreationSubmitted{
		RequestID: c.ID, NAFCode: c.NAFCode, NAFVersion: nafVersion, CommuneCode: c.Commune.Code,
		Departement: c.Commune.Departement, LegalForm: c.LegalForm, PlannedHeadcount: c.PlannedHeadcount,
		HasSIRET: c.SIRET != "", Routing: c.Routing, SubmittedAt: c.SubmittedAt,
	}
}
