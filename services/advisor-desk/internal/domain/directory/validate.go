package directory

import (
	"fmt"
	"net/mail"
	"regexp"
	"slices"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/ccicma/platform/pkg/auth"
	"github.com/ccicma/platform/pkg/events"
	"github.com/ccicma/platform/pkg/refdata"
)

// Places are the reference data an entry's territory is checked against
// (*refdata.Data).
type Places interface {
	Departement(code string) (refdata.Departement, bool)
	Commune(insee string) (refdata.Commune, bool)
	EPCI(siren string) (refdata.EPCI, bool)
}

// Bounds of an entry: generous for real use, tight enough that a
// malformed import cannot store megabytes.
const (
	MaxNameLen      = 200 // characters
	MaxEmailLen     = 254 // bytes (RFC 5321 path limit)
	MaxDepartements = 20
	MaxCommunes     = 500
	MaxEPCIs        = 50
	MaxCapacity     = 500
	// MaxAbsence is how far ahead an absence may end: further is a typo
	// (2062 for 2026) rather than a plan.
	MaxAbsence = 400 * 24 * time.Hour
)

var idPattern = regexp.MustCompile(`^[a-z0-9][a-z0-9-]{2,62}$`)

// FieldError names one field that breaks a rule. Field is the JSON member
// (and CSV column); Code is for programs, Message (French) for people.
type FieldError struct {
	Field   string `json:"field"`
	Code    string `json:"code"`
	Message string `json:"message"`
}

// ValidationError lists every rule an entry breaks. It wraps ErrInvalid.
type ValidationError struct {
	AdvisorID string
	Fields    []FieldError
}

func (e *ValidationError) Error() string {
	parts := make([]string, len(e.Fields))
	for i, f := range e.Fields {
		parts[i] = f.Field + " " + f.Code + ": " + f.Message
	}
	return fmt.Sprintf("%s %s: %s", ErrInvalid, e.AdvisorID, strings.Join(parts, "; "))
}

func (e *ValidationError) Unwrap() error { return ErrInvalid }

// checker collects field errors.
type checker struct{ errs []FieldError }

func (c *checker) add(field, code, format string, args ...any) {
	c.errs = append(c.errs, FieldError{Field: field, Code: code, Message: fmt.Sprintf(format, args...)})
}

// Validate checks every rule of an entry; now bounds the end of an
// absence. It returns a *ValidationError naming each bad field, or nil.
func (a Advisor) Validate(places Places, now time.Time) error {
	c := &checker{}
	if !idPattern.MatchString(a.AdvisorID) {
		c.add("advisor_id", "invalid", "Identifiant « %s » : 3 à 63 minuscules, chiffres ou tirets.", clip(a.AdvisorID))
	}
	if a.Chamber != events.ChamberCCI && a.Chamber != events.ChamberCMA {
		c.add("chamber", "invalid", "Chambre « %s » : CCI ou CMA.", clip(a.Chamber))
	}
	c.text("full_name", a.FullName)
	c.email(a.Email)
	c.territory(places, a.Departements, a.Communes, a.EPCIs)
	c.list("specialities", a.Specialities, 0, func(s string) bool {
		return slices.Contains([]string{events.SpecialityCreation, events.SpecialityTakeover, events.SpecialityDifficulty}, s)
	}, "spécialité", "creation, takeover ou difficulty")
	if a.Capacity < 0 || a.Capacity > MaxCapacity {
		c.add("capacity", "range", "Capacité %d : entre 0 et %d dossiers.", a.Capacity, MaxCapacity)
	}
	if a.AbsentUntil != nil && (a.AbsentUntil.IsZero() || a.AbsentUntil.After(now.Add(MaxAbsence))) {
		c.add("absent_until", "range", "Fin d'absence au plus tard %d jours après aujourd'hui.", int(MaxAbsence.Hours()/24))
	}
	if len(a.Roles) == 0 {
		c.add("roles", "required", "Au moins un rôle.")
	}
	c.list("roles", a.Roles, 0, auth.KnownRole, "rôle", "advisor, manager, prevention_cell ou admin")
	if len(c.errs) > 0 {
		return &ValidationError{AdvisorID: a.AdvisorID, Fields: c.errs}
	}
	return nil
}

// CheckAbsence checks the end of an absence an advisor or admin sets: in
// the future, and not beyond MaxAbsence.
func CheckAbsence(advisorID string, until, now time.Time) error {
	if until.After(now) && !until.After(now.Add(MaxAbsence)) {
		return nil
	}
	return &ValidationError{AdvisorID: advisorID, Fields: []FieldError{{Field: "until", Code: "range",
		Message: fmt.Sprintf("La fin d'absence doit être dans le futur, au plus %d jours après aujourd'hui.", int(MaxAbsence.Hours()/24))}}}
}

func (c *checker) text(field, s string) {
	switch {
	case strings.TrimSpace(s) == "":
		c.add(field, "required", "Nom requis.")
	case !utf8.ValidString(s) || utf8.RuneCountInString(s) > MaxNameLen:
		c.add(field, "length", "Au plus %d caractères.", MaxNameLen)
	case strings.IndexFunc(s, unicode.IsControl) >= 0 || s != strings.TrimSpace(s):
		c.add(field, "invalid", "Ni caractère de contrôle, ni espace en début ou en fin.")
	}
}

func (c *checker) email(s string) {
	if s == "" {
		c.add("email", "required", "Adresse e-mail requise.")
		return
	}
	addr, err := mail.ParseAddress(s)
	local, domain, _ := strings.Cut(s, "@")
	if err != nil || addr.Address != s || len(s) > MaxEmailLen || local == "" || !strings.Contains(domain, ".") ||
		strings.ContainsAny(s, " \"\\") {
		c.add("email", "invalid", "Adresse e-mail invalide (nom@domaine.fr, %d octets au plus).", MaxEmailLen)
	}
}

// territory checks that the départements exist (in their canonical
// spelling), that each commune exists and lies in one of them, and that
// each EPCI exists. The reference data lists no member communes of EPCIs,
// so their place within the départements cannot be checked.
func (c *checker) territory(places Places, deps, communes, epcis []string) {
	if len(deps) == 0 {
		c.add("departements", "required", "Au moins un département.")
	}
	c.list("departements", deps, MaxDepartements, func(code string) bool {
		d, ok := places.Departement(code)
		return ok && d.Code == code
	}, "département", "un code existant, tel que 91, 2A ou 974")
	c.list("communes", communes, MaxCommunes, func(code string) bool {
		cm, ok := places.Commune(code)
		return ok && cm.Code == code
	}, "commune", "un code INSEE existant")
	for _, code := range communes {
		if cm, ok := places.Commune(code); ok && cm.Code == code && !slices.Contains(deps, cm.Departement) {
			c.add("communes", "outside", "Commune %s (%s) : hors des départements de l'entrée.", code, cm.Name)
		}
	}
	c.list("epcis", epcis, MaxEPCIs, func(siren string) bool {
		e, ok := places.EPCI(siren)
		return ok && e.Code == siren
	}, "EPCI", "un SIREN d'EPCI existant, 9 chiffres")
}

// list checks each item (known) and that none is repeated; most > 0 also
// bounds the count.
func (c *checker) list(field string, items []string, most int, known func(string) bool, noun, want string) {
	if most > 0 && len(items) > most {
		c.add(field, "length", "Au plus %d éléments.", most)
		return
	}
	for i, s := range items {
		switch {
		case !known(s):
			c.add(field, "unknown", "Valeur « %s » inconnue (%s) : %s.", clip(s), noun, want)
		case slices.Contains(items[:i], s):
			c.add(field, "duplicate", "Valeur « %s » citée deux fois (%s).", clip(s), noun)
		}
	}
}

// clip shortens a value quoted in a message, so an error never echoes a
// whole oversized input.
func clip(s string) string {
	if utf8.RuneCountInString(s) <= 40 {
		return s
	}
	return string([]rune(s)[:40]) + "…"
}
