package signal

import (
	"encoding/json"
	"errors"
	"fmt"
	"regexp"
	"strings"
	"time"
)

// Procedure is the collective procedure a court judgment opens, changes or
// closes; the latest one of a business is its court state, shown as such
// rather than hidden in a score.
type Procedure string

// The procedures.
const (
	ProcedureSauvegarde             Procedure = "sauvegarde"
	ProcedureRedressementJudiciaire Procedure = "redressement_judiciaire"
	ProcedureLiquidationJudiciaire  Procedure = "liquidation_judiciaire"
	ProcedurePlan                   Procedure = "plan"
	ProcedureCloture                Procedure = "cloture"
	ProcedureOther                  Procedure = "other"
)

// Procedures lists every procedure.
func Procedures() []Procedure {
	return []Procedure{ProcedureSauvegarde, ProcedureRedressementJudiciaire, ProcedureLiquidationJudiciaire,
		ProcedurePlan, ProcedureCloture, ProcedureOther}
}

// NoticeType is a BODACC notice's typeavis.
type NoticeType string

// The notice types: a first notice, a rectification that replaces an
// earlier notice, a cancellation that withdraws it.
const (
	NoticeInitial       NoticeType = "annonce"
	NoticeRectification NoticeType = "rectificatif"
	NoticeCancellation  NoticeType = "annulation"
)

// departementCode is a département's code: metropolitan, Corsica's, or
// overseas.
var departementCode = regexp.MustCompile(`^(0[1-9]|[1-8][0-9]|9[0-5]|2A|2B|97[1-6])$`)

// ValidDepartement tells whether code is a département's code as the
// BODACC writes it ("91", "2A", "974").
func ValidDepartement(code string) bool { return departementCode.MatchString(code) }

// FamilyCollective is the familleavis of the procédures collectives, the
// only family imported.
const FamilyCollective = "collective"

// BodaccRecord is one record of the "annonces commerciales" open-data
// export, its fields as the export holds them (the adapter reads JSON and
// CSV exports into it): Jugement and PreviousNotice are JSON documents
// encoded in a string field; Registre lists the SIREN, often twice ("123
// 456 789" and "123456789").
type BodaccRecord struct {
	ID             string   // id: "A" + parution + numeroannonce
	Family         string   // familleavis
	Type           string   // typeavis
	Registre       []string // registre
	Tribunal       string   // tribunal
	Published      string   // dateparution, YYYY-MM-DD
	Parution       string   // parution: the bulletin's number, YYYYNNNN
	Number         string   // numeroannonce
	Jugement       string   // jugement, JSON
	PreviousNotice string   // parutionavisprecedent, JSON
	Departement    string   // numerodepartement
}

// BodaccEntry is one record of an export file: its place (Index from 1,
// and its Line in a CSV) and either the record or why it cannot be read.
type BodaccEntry struct {
	Index  int
	Line   int
	Record BodaccRecord
	Err    *Rejection
}

// Notice is a BODACC notice of a collective procedure, read and checked.
type Notice struct {
	Type NoticeType
	// Ref is the notice's reference: its bulletin and number
	// ("20230012-1432"); Previous, for a rectification or cancellation,
	// the earlier notice's.
	Ref, Previous string
	ID            string
	SIREN         string
	Tribunal      string
	Published     time.Time
	// JudgmentOn is the judgment's date (the publication's when the
	// notice gives none).
	JudgmentOn time.Time
	Procedure  Procedure
	// Nature is the judgment's nature as published ("Jugement
	// d'ouverture d'une procédure de redressement judiciaire").
	Nature string
	// Departement is the département of the notice ("91", "2A", "974"),
	// empty when it gives none or a code that is not one: it only
	// addresses the case a score opens.
	Departement string
}

// Reasons a record is rejected, each with its French label.
const (
	ReasonReference = "reference"        // no bulletin and number, or an unreadable id
	ReasonType      = "type"             // typeavis unknown
	ReasonDate      = "date"             // dateparution or the judgment's date unreadable
	ReasonSIREN     = "siren"            // no SIREN, several, or one failing the Luhn check
	ReasonJugement  = "jugement"         // jugement missing or not a JSON object
	ReasonPrevious  = "previous"         // a rectification or cancellation naming no earlier notice
	ReasonMalformed = "malformed"        // the record itself cannot be read
	ReasonUnknown   = "unknown_previous" // a cancellation of a notice never imported
)

// Rejection says why a record was not imported.
type Rejection struct {
	Reason string
	Detail string
}

func (r *Rejection) Error() string { return r.Reason + ": " + r.Detail }

func reject(reason, format string, args ...any) *Rejection {
	return &Rejection{Reason: reason, Detail: fmt.Sprintf(format, args...)}
}

// ErrNotCollective says the record is of another family than the procédures
// collectives; it is ignored, not rejected.
var ErrNotCollective = errors.New("not a collective procedure notice")

var idPattern = regexp.MustCompile(`^[A-C](\d{8})(\d+)$`)

// ReadNotice checks a record and reads it as a notice: ErrNotCollective
// for another family, a *Rejection saying why otherwise.
func ReadNotice(r BodaccRecord) (Notice, error) {
	if strings.TrimSpace(r.Family) != FamilyCollective {
		return Notice{}, ErrNotCollective
	}
	n := Notice{Type: NoticeType(strings.TrimSpace(r.Type)), ID: strings.TrimSpace(r.ID), Tribunal: strings.TrimSpace(r.Tribunal)}
	if d := strings.TrimSpace(r.Departement); departementCode.MatchString(d) {
		n.Departement = d
	}
	if n.Type != NoticeInitial && n.Type != NoticeRectification && n.Type != NoticeCancellation {
		return Notice{}, reject(ReasonType, "typeavis %q", r.Type)
	}
	var rj *Rejection
	if n.Ref, rj = noticeRef(r); rj != nil {
		return Notice{}, rj
	}
	published, err := time.Parse(time.DateOnly, strings.TrimSpace(r.Published))
	if err != nil {
		return Notice{}, reject(ReasonDate, "dateparution %q", r.Published)
	}
	n.Published = published
	if n.SIREN, rj = registreSIREN(r.Registre); rj != nil {
		return Notice{}, rj
	}
	if n.Type != NoticeInitial {
		if n.Previous, rj = previousRef(r.PreviousNotice); rj != nil {
			return Notice{}, rj
		}
	}
	if n.Type == NoticeCancellation {
		return n, nil
	}
	if rj = n.readJugement(r.Jugement); rj != nil {
		return Notice{}, rj
	}
	return n, nil
}

// noticeRef is the bulletin and number of the notice, from parution and
// numeroannonce, or from the id that joins them.
func noticeRef(r BodaccRecord) (string, *Rejection) {
	parution, number := strings.TrimSpace(r.Parution), strings.TrimSpace(r.Number)
	if m := idPattern.FindStringSubmatch(strings.TrimSpace(r.ID)); m != nil {
		if parution == "" {
			parution = m[1]
		}
		if number == "" {
			number = m[2]
		}
	}
	if !allDigits(parution) || len(parution) != 8 || !allDigits(number) {
		return "", reject(ReasonReference, "parution %q, numeroannonce %q, id %q", r.Parution, r.Number, r.ID)
	}
	return ref(parution, number), nil
}

func ref(parution, number string) string {
	return parution + "-" + strings.TrimLeft(number, "0")
}

// previousRef reads parutionavisprecedent, the earlier notice a
// rectification or cancellation concerns.
func previousRef(doc string) (string, *Rejection) {
	var p struct {
		Parution string `json:"numeroParution"`
		Number   any    `json:"numeroAnnonce"`
	}
	if err := json.Unmarshal([]byte(doc), &p); err != nil {
		return "", reject(ReasonPrevious, "parutionavisprecedent is not a JSON object")
	}
	number := strings.TrimSpace(fmt.Sprint(p.Number))
	if len(p.Parution) != 8 || !allDigits(p.Parution) || p.Number == nil || !allDigits(number) {
		return "", reject(ReasonPrevious, "parutionavisprecedent names no notice")
	}
	return ref(p.Parution, number), nil
}

// registreSIREN is the one SIREN the registre lists (often twice,
// formatted and not).
func registreSIREN(registre []string) (string, *Rejection) {
	var siren string
	for _, v := range registre {
		if strings.TrimSpace(v) == "" {
			continue
		}
		d, err := NormalizeSIREN(v)
		if err != nil {
			return "", reject(ReasonSIREN, "registre %q: SIREN de 9 chiffres à clé de Luhn attendu", v)
		}
		if siren != "" && d != siren {
			return "", reject(ReasonSIREN, "registre names several businesses")
		}
		siren = d
	}
	if siren == "" {
		return "", reject(ReasonSIREN, "registre is empty")
	}
	return siren, nil
}

func (n *Notice) readJugement(doc string) *Rejection {
	var j struct {
		Famille string `json:"famille"`
		Nature  string `json:"nature"`
		Date    string `json:"date"`
	}
	if strings.TrimSpace(doc) == "" {
		return reject(ReasonJugement, "jugement is missing")
	}
	if err := json.Unmarshal([]byte(doc), &j); err != nil {
		return reject(ReasonJugement, "jugement is not a JSON object: %v", err)
	}
	if strings.TrimSpace(j.Nature) == "" && strings.TrimSpace(j.Famille) == "" {
		return reject(ReasonJugement, "jugement has no nature")
	}
	n.Nature = strings.TrimSpace(j.Nature)
	n.Procedure = ProcedureOf(j.Famille + " " + j.Nature)
	n.JudgmentOn = n.Published
	if d := strings.TrimSpace(j.Date); d != "" {
		on, err := time.Parse(time.DateOnly, d)
		if err != nil {
			if on, err = time.Parse("02/01/2006", d); err != nil {
				return reject(ReasonDate, "jugement.date %q", d)
			}
		}
		n.JudgmentOn = on
	}
	return nil
}

// ProcedureOf reads the procedure from a judgment's family and nature. A
// closing comes first (a "clôture" of a liquidation closes it), then a
// liquidation (a plan's resolution into a liquidation is a liquidation),
// then a plan, the openings, and other judgments.
func ProcedureOf(nature string) Procedure {
	s := strings.ToLower(nature)
	switch {
	case strings.Contains(s, "clôture") || strings.Contains(s, "cloture"):
		return ProcedureCloture
	case strings.Contains(s, "liquidation judiciaire"):
		return ProcedureLiquidationJudiciaire
	case strings.Contains(s, "plan"):
		return ProcedurePlan
	case strings.Contains(s, "redressement judiciaire"):
		return ProcedureRedressementJudiciaire
	case strings.Contains(s, "sauvegarde"):
		return ProcedureSauvegarde
	default:
		return ProcedureOther
	}
}

// Weights of court judgments before decay, and how long they count: a
// liquidation is the strongest sign and the longest kept. Scoring will
// move these to its versioned data file.
var courtWeights = map[Procedure]struct {
	strength int
	years    int
}{
	ProcedureLiquidationJudiciaire:  {100, 5},
	ProcedureRedressementJudiciaire: {80, 3},
	ProcedureSauvegarde:             {60, 3},
	ProcedurePlan:                   {50, 3},
	ProcedureCloture:                {40, 2},
	ProcedureOther:                  {30, 1},
}

// Signal is the court-event signal of a notice that carries a judgment
// (not a cancellation).
func (n Notice) Signal() Signal {
	w := courtWeights[n.Procedure]
	return Signal{Source: SourceBodacc, Kind: KindCourtJudgment, Theme: ThemeCourtEvents, SIREN: n.SIREN,
		On: n.JudgmentOn, Strength: w.strength, Expires: n.JudgmentOn.AddDate(w.years, 0, 0), Ref: n.Ref, Procedure: n.Procedure}
}

func allDigits(s string) bool {
	if s == "" {
		return false
	}
	for _, r := range s {
		if r < '0' || r > '9' {
			return false
		}
	}
	return true
}

// Label is the procedure's name in French, as advisors read it.
func (p Procedure) Label() string {
	switch p {
	case ProcedureSauvegarde:
		return "Sauvegarde"
	case ProcedureRedressementJudiciaire:
		return "Redressement judiciaire"
	case ProcedureLiquidationJudiciaire:
		return "Liquidation judiciaire"
	case ProcedurePlan:
		return "Plan (sauvegarde ou redressement)"
	case ProcedureCloture:
		return "Clôture de la procédure"
	default:
		return "Autre jugement"
	}
}
