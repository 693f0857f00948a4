package web

import (
	"fmt"
	"net/url"

	"github.com/ccicma/platform/services/intake/internal/domain/request"
)

// takeoverFields are the controls of the takeover offer form, in page order.
type takeoverFields struct {
	contactFields
	// The business.
	SIRET, NAF, Headcount, RevenueBand, ProfitBand *field
	LegalForm, CraftsRegistered                    *field
	Postcode, Commune                              *field
	// The offer.
	AskingPrice, DealTypes, Reason, ReasonDetails, Timeline, Confidential *field
}

func (f takeoverFields) list() []*field {
	return append(f.contactFields.list(), f.SIRET, f.NAF, f.Headcount, f.RevenueBand, f.ProfitBand,
		f.LegalForm, f.CraftsRegistered, f.Postcode, f.Commune, f.AskingPrice, f.DealTypes, f.Reason, f.ReasonDetails, f.Timeline, f.Confidential)
}

// takeoverPage is the data of takeover.html: a business for sale.
type takeoverPage struct {
	form
	F takeoverFields
	activityAndPlace
}

func (s *site) newTakeoverPage(v url.Values, token string) requestForm[request.TakeoverOfferInput] {
	const path = "/cession"
	p := &takeoverPage{form: form{ID: "cession-form", Path: path, Token: token, ref: s.Ref}}
	p.Location = newCommunePicker(path, "business", "Où est installée votre entreprise ?",
		"Code postal (5 chiffres) ou nom de la commune de l'établissement principal, par exemple 91000 ou Évry-Courcouronnes.")
	p.F = takeoverFields{contactFields: newContactFields(),
		SIRET: &field{Name: "business.siret", Label: "Numéro SIRET de l'entreprise", Type: "text", Inputmode: "numeric",
			Hint: "14 chiffres, sur l'extrait Kbis ou l'avis de situation Sirene.", MaxLength: 20},
		NAF: &field{Name: "business.naf_code", Label: "Activité principale (code NAF ou APE)", Type: "text",
			Hint:      "Il figure sur l'avis de situation Sirene (exemple : 10.71C). Vous pouvez aussi saisir des mots-clés puis « Chercher l'activité ».",
			MaxLength: 100, Missing: "Indiquez le code NAF (APE) de l'entreprise, ou cherchez l'activité par mots-clés."},
		Headcount: &field{Name: "business.headcount", Label: "Nombre de salariés", Type: "text", Inputmode: "numeric",
			Hint: "0 si l'entreprise n'a pas de salarié.", MaxLength: 6,
			Missing:   "Indiquez le nombre de salariés, 0 si l'entreprise n'en a pas.",
			NotNumber: "Indiquez un nombre entier de salariés, 0 si l'entreprise n'en a pas."},
		RevenueBand: &field{Name: "business.revenue_band", Label: "Chiffre d'affaires annuel", Type: "select",
			Hint: "Celui du dernier exercice clos, hors taxes.", Options: choiceOptions(request.RevenueBands, true),
			Missing: "Choisissez la tranche de chiffre d'affaires."},
		ProfitBand: &field{Name: "business.gross_operating_profit_band", Label: "Excédent brut d'exploitation (EBE)", Type: "select",
			Hint: "Celui du dernier exercice clos ; votre expert-comptable le connaît.", Options: choiceOptions(request.ProfitBands, true),
			Missing: "Choisissez la tranche d'excédent brut d'exploitation."},
		LegalForm: &field{Name: "business.legal_form", Label: "Forme juridique", Type: "select",
			Hint: "Elle figure sur l'extrait Kbis ou l'avis de situation Sirene.", Options: choiceOptions(request.BusinessLegalForms, true),
			Missing: "Choisissez la forme juridique de l'entreprise."},
		CraftsRegistered: &field{Name: "business.crafts_registered", Label: "L'entreprise est-elle immatriculée au répertoire des métiers ?",
			Type: "radios", Options: choiceOptions(request.CraftsRegistrations, false),
			Hint:    "Une entreprise artisanale déjà immatriculée reste suivie par la chambre de métiers et de l'artisanat jusqu'à 249 salariés (droit de suite).",
			Missing: "Indiquez si l'entreprise est immatriculée au répertoire des métiers."},
		Postcode: p.Location.Postcode,
		Commune:  p.Location.Commune,
		AskingPrice: &field{Name: "offer.asking_price", Label: "Prix de cession souhaité", Type: "text", Inputmode: "numeric",
			Hint: "En euros, sans les centimes (exemple : 150 000). Une estimation suffit.", MaxLength: 20,
			Missing:   "Indiquez le prix souhaité en euros, même approximatif.",
			NotNumber: "Indiquez le prix en euros, en chiffres (exemple : 150 000)."},
		DealTypes: &field{Name: "offer.deal_types", Label: "Ce que vous cédez", Type: "checkboxes",
			Hint: "Cochez tout ce qui est à céder.", Options: choiceOptions(request.DealTypes, false),
			Missing: "Cochez au moins un élément à céder."},
		Reason: &field{Name: "offer.reason", Label: "Raison de la cession", Type: "radios", Options: choiceOptions(request.SaleReasons, false),
			Missing: "Choisissez la raison de la cession."},
		ReasonDetails: &field{Name: "offer.reason_details", Label: "Précisions sur la raison", Type: "textarea", Rows: 3, Optional: true,
			Hint:      fmt.Sprintf("Obligatoires si vous avez choisi « Autre raison » (%d caractères au plus).", request.MaxReasonDetailsLen),
			MaxLength: request.MaxReasonDetailsLen, Missing: "Précisez la raison de la cession."},
		Timeline: &field{Name: "offer.timeline", Label: "Quand souhaitez-vous céder ?", Type: "radios", Options: choiceOptions(request.Timelines, false),
			Missing: "Choisissez quand vous souhaitez céder."},
		Confidential: &field{Name: "offer.confidential", Label: "Présenter mon entreprise de façon anonyme", Type: "checkbox", Optional: true,
			Hint: "Les repreneurs ne verront qu'une fiche sans nom, SIRET ni commune (seulement le département) jusqu'à ce qu'un conseiller approuve une mise en relation."},
	}
	p.NAF = newNAFPicker(path, p.F.NAF)
	p.fields = p.F.list()
	if v == nil {
		p.F.Confidential.Value = "1" // discretion unless the seller says otherwise
	}
	p.fill(v)
	p.fillIn(v, s.Ref)
	return p
}

func (p *takeoverPage) base() *form { return &p.form }

func (p *takeoverPage) lookup(action string) bool { return p.lookupIn(p.ref, action) }

func (p *takeoverPage) input() request.TakeoverOfferInput {
	f := p.F
	return request.TakeoverOfferInput{
		Contact: f.contactFields.input(),
		SIRET:   f.SIRET.trimmed(), NAFCode: f.NAF.trimmed(), Postcode: p.Location.postcode(), CommuneCode: p.Location.communeCode(),
		Headcount: int(intValue(f.Headcount, false)), RevenueBand: f.RevenueBand.Value, ProfitBand: f.ProfitBand.Value,
		LegalForm: f.LegalForm.Value, CraftsRegistered: f.CraftsRegistered.Value,
		AskingPrice: intValue(f.AskingPrice, false), DealTypes: f.DealTypes.Values, Reason: f.Reason.Value,
		ReasonDetails: f.ReasonDetails.trimmed(), Timeline: f.Timeline.Value, Confidential: f.Confidential.Value != "",
	}
}

func (p *takeoverPage) invalid(ps request.Problems) {
	p.NAF.invalid(p.ref)
	p.setProblems(ps, func(pr request.Problem, f *field) string {
		switch f {
		case p.F.NAF:
			return p.NAF.message(pr)
		case p.F.Commune, p.F.Postcode:
			return p.Location.message(pr)
		case p.F.ReasonDetails:
			if pr.Code == "length" {
				return fmt.Sprintf("Précisions : %d caractères au plus.", request.MaxReasonDetailsLen)
			}
		}
		return ""
	})
}
