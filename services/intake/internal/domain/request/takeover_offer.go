package request

import (
	"fmt"
	"slices"
	"time"

	"github.com/ccicma/platform/pkg/events"
	"github.com/ccicma/platform/pkg/refdata"

	"github.com/ccicma/platform/services/intake/internal/domain/routing"
)

// Limits of a takeover offer's fields.
const (
	MaxReasonDetailsLen = 1000
	// MinAskingPrice: one euro, the symbolic price of some takeovers.
	MinAskingPrice = 1
)

// RevenueBands are the yearly revenue bands of a business for sale.
var RevenueBands = Choices{
	{"lt_100k", "Moins de 100 000 €"},
	{"100k_300k", "De 100 000 € à 300 000 €"},
	{"300k_1m", "De 300 000 € à 1 million d'euros"},
	{"1m_3m", "De 1 à 3 millions d'euros"},
	{"3m_10m", "De 3 à 10 millions d'euros"},
	{"gte_10m", "10 millions d'euros ou plus"},
}

// ProfitBands are the gross operating profit (excédent brut d'exploitation)
// bands of a business for sale.
var ProfitBands = Choices{
	{"negative", "Négatif"},
	{"lt_25k", "De 0 à 25 000 €"},
	{"25k_75k", "De 25 000 € à 75 000 €"},
	{"75k_150k", "De 75 000 € à 150 000 €"},
	{"150k_300k", "De 150 000 € à 300 000 €"},
	{"300k_1m", "De 300 000 € à 1 million d'euros"},
	{"gte_1m", "1 million d'euros ou plus"},
}

// SaleReasons are why an owner sells. Health is folded into "personal" on
// purpose: the code travels in events, and a health reason would be health
// data about the seller.
var SaleReasons = Choices{
	{"retirement", "Départ à la retraite"},
	{"personal", "Raisons personnelles, familiales ou de santé"},
	{"new_project", "Nouveau projet professionnel"},
	{"partner_departure", "Départ d'un associé"},
	{"economic", "Difficultés économiques"},
	{"other", "Autre raison"},
}

// BusinessLegalForms are the legal forms of a business for sale: those of
// a project (LegalForms, same codes) but "not known yet".
var BusinessLegalForms = Choices{
	{"EI", "Entreprise individuelle (EI, micro-entreprise comprise)"},
	{"EURL", "EURL"},
	{"SARL", "SARL"},
	{"SASU", "SASU"},
	{"SAS", "SAS"},
	{"SA", "SA"},
	{"SNC", "SNC"},
	{"SCOP", "SCOP"},
	{"AUTRE", "Autre forme"},
}

// CraftsRegistrations say whether the business is registered in the
// secteur des métiers (the répertoire des métiers, now the RNE's
// "activités artisanales"): a registered artisanal business keeps the
// droit de suite and stays with the CMA below 250 employees, whatever
// the deal.
var CraftsRegistrations = Choices{
	{"yes", "Oui, elle est immatriculée au répertoire des métiers"},
	{"no", "Non"},
}

// TakeoverOfferInput is a business for sale as typed by its owner.
type TakeoverOfferInput struct {
	Contact ContactInput
	// The business.
	SIRET, NAFCode, Postcode, CommuneCode string
	Headcount                             int
	RevenueBand, ProfitBand               string
	LegalForm                             string
	// CraftsRegistered is "yes" or "no" (CraftsRegistrations).
	CraftsRegistered string
	// The offer.
	AskingPrice   int64
	DealTypes     []string
	Reason        string
	ReasonDetails string // free text, required when Reason is "other"
	Timeline      string
	Confidential  bool
}

// TakeoverOffer is a validated takeover offer.
type TakeoverOffer struct {
	ID          string
	Applicant   Applicant
	SIRET       string
	NAFCode     string
	Commune     refdata.Commune
	Headcount   int
	RevenueBand string
	ProfitBand  string
	LegalForm   string
	// CraftsRegistered: registered in the secteur des métiers.
	CraftsRegistered bool
	AskingPrice      int64
	DealTypes        []string // canonical order, no duplicates
	Reason           string
	ReasonDetails    string
	Timeline         string
	Confidential     bool
	Routing          events.Routing
	// RoutingBasis is what the routing relied on, kept for advisors.
	RoutingBasis routing.Basis
	SubmittedAt  time.Time
}

// TakeoverReference is the reference data a takeover offer needs.
type TakeoverReference interface {
	Reference
	Artisanat(nafCode string) (refdata.ArtisanalActivity, bool)
}

// NewTakeoverOffer validates input and routes the offer by the business's
// activity, headcount and whether its fonds is for sale. All problems are reported at once.
func NewTakeoverOffer(id string, in TakeoverOfferInput, ref TakeoverReference, router routing.Router, now time.Time) (TakeoverOffer, error) {
	var ps Problems
	o := TakeoverOffer{ID: id, SubmittedAt: now.UTC(), Headcount: in.Headcount, AskingPrice: in.AskingPrice, Confidential: in.Confidential}
	o.Applicant = applicant(&ps, in.Contact)
	o.SIRET = requiredSIRET(&ps, "business.siret", in.SIRET)
	if in.NAFCode == "" {
		ps.add("business.naf_code", "required", "Code NAF (APE) obligatoire : il figure sur l'avis de situation Sirene (exemple : 10.71C).")
	} else {
		o.NAFCode = nafSubclass(&ps, "business.naf_code", in.NAFCode, ref)
	}
	o.Commune = commune(&ps, "business", in.Postcode, in.CommuneCode, ref)
	headcount(&ps, "business.headcount", in.Headcount)
	o.RevenueBand = choice(&ps, "business.revenue_band", in.RevenueBand, RevenueBands)
	o.ProfitBand = choice(&ps, "business.gross_operating_profit_band", in.ProfitBand, ProfitBands)
	o.LegalForm = choice(&ps, "business.legal_form", in.LegalForm, BusinessLegalForms)
	o.CraftsRegistered = choice(&ps, "business.crafts_registered", in.CraftsRegistered, CraftsRegistrations) == "yes"
	amount(&ps, "offer.asking_price", in.AskingPrice, MinAskingPrice, "Prix demandé")
	o.DealTypes = choiceSet(&ps, "offer.deal_types", in.DealTypes, DealTypes)
	o.Reason = choice(&ps, "offer.reason", in.Reason, SaleReasons)
	minDetails := 0
	if in.Reason == "other" {
		minDetails = 1
	}
	o.ReasonDetails = text(&ps, "offer.reason_details", in.ReasonDetails, minDetails, MaxReasonDetailsLen,
		fmt.Sprintf("Précisions sur la raison de la cession : %d caractères au plus, obligatoires pour « Autre raison ».", MaxReasonDetailsLen))
	o.Timeline = choice(&ps, "offer.timeline", in.Timeline, Timelines)
	if err := ps.err(); err != nil {
		return TakeoverOffer{}, err
	}
	// The droit de suite, as the routing table has it: a business already
	// registered in the secteur des métiers stays artisanal below 250
	// employees, whatever is sold; otherwise a fonds for sale may be
	// registered by its buyer with 11 to 99 employees.
	decision := router.Decide(routing.Input{Request: routing.RequestTakeoverOffer, NAFCode: o.NAFCode, Headcount: o.Headcount,
		Departement: o.Commune.Departement, EPCI: o.Commune.EPCI, AlreadyRegistered: o.CraftsRegistered,
		TakeoverOfArtisanFonds: slices.Contains(o.DealTypes, events.DealFonds)})
	o.Routing, o.RoutingBasis = decision.Routing, decision.Basis()
	return o, nil
}

// Submitted is the event announcing the offer, without personal data. A
// confidential offer is an anonymous teaser: no SIRET and no commune, only
// the département, until an advisor approves an introduction.
func (o TakeoverOffer) Submitted() events.TakeoverOfferSubmitted {
	e := events.TakeoverOfferSubmitted{
		RequestID: o.ID, NAFCode: o.NAFCode, NAFVersion: refdata.NAFVersion, Departement: o.Commune.Departement,
		Headcount: o.Headcount, RevenueBand: o.RevenueBand, GrossOperatingProfitBand: o.ProfitBand,
		AskingPrice: o.AskingPrice, DealTypes: slices.Clone(o.DealTypes), Reason: o.Reason, Timeline: o.Timeline,
		Confidential: o.Confidential, Routing: o.Routing, SubmittedAt: o.SubmittedAt,
	}
	if o.Confidential {
		// Only the département leaves intake: a small EPCI, with the
		// activity and the bands, could point to the business.
		e.Routing.EPCI = ""
	} else {
		e.CommuneCode, e.SIRET = o.Commune.Code, o.SIRET
	}
	return e
}

// ConcernIdentified names the business of an offer a takeover advisor
// raised a concern about (takeover.offer.difficulty_seen) for
// difficulty-alert alone: the offer's SIRET, which intake keeps for every
// offer (takeover-matching never holds a confidential one's), and its
// SIREN, the SIRET's first 9 digits. A SIRET that is not 14 digits (a
// request stored before the form checked it) names no business: ok is
// false.
func ConcernIdentified(p events.TakeoverOfferDifficultySeen, siret string) (e events.PreventionConcernIdentified, ok bool) {
	if len(siret) != 14 {
		return events.PreventionConcernIdentified{}, false
	}
	return events.PreventionConcernIdentified{OfferID: p.OfferID, ConcernID: p.ConcernID, RequestID: p.RequestID,
		SIREN: siret[:9], SIRET: siret, ObservedAt: p.SeenAt}, true
}
