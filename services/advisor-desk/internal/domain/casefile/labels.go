package casefile

import "slices"

// The French labels of the codes the owning services send. A code without
// a label is shown as is (a service may add codes before this list).

// HandBackReason is a reason an advisor may give when handing a creation
// case back, with its label, in the form's order.
type HandBackReason struct{ Code, Label string }

// HandBackReasons are the reasons creation-support accepts from an advisor.
func HandBackReasons() []HandBackReason {
	return []HandBackReason{
		{"wrong_chamber", "Le dossier relève de l'autre chambre"},
		{"wrong_speciality", "Le dossier relève d'une autre spécialité"},
		{"no_capacity", "Je n'ai pas la disponibilité pour le suivre"},
		{"other", "Autre motif"},
	}
}

// MaxComment bounds the comment of a hand-back, in characters, as
// creation-support does.
const MaxComment = 500

var labels = map[string]map[string]string{
	"reason": {
		"wrong_chamber": "relève de l'autre chambre", "wrong_speciality": "relève d'une autre spécialité",
		"no_capacity": "pas de disponibilité", "absence": "conseiller absent", "departure": "conseiller parti", "manager": "décision du responsable",
		"other": "autre motif",
	},
	"status": {
		StatusOpened: "En attente de prise en charge", StatusInProgress: "Pris en charge", StatusClosed: "Clos",
	},
	"stage": {
		"opened": "En attente de prise en charge", "in_progress": "Pris en charge", "welcome": "Accueil",
		"diagnosis": "Diagnostic et orientation", "training": "Formation", "business_plan": "Business plan",
		"funding": "Financement", "formalities": "Formalités", "follow_up": "Suivi post-création", "closed": "Dossier clos",
	},
	"move": {
		"not_needed": "étape sans objet pour ce projet", "done_elsewhere": "étape faite ailleurs ou plus tôt",
		"holder_choice": "le porteur de projet ne la souhaite pas", "new_information": "un fait nouveau change le projet",
		"incomplete": "travail d'une étape antérieure à reprendre", "other": "autre motif",
	},
	"level": {"call_back": "À rappeler", "vigilance": "Vigilance", "none": "Sans alerte"},
	"source": {
		"self_report":         "Autodiagnostic de l'entreprise",
		"advisor_observation": "Signalé par le conseiller création lors du suivi post-création",
	},
	"kind": {
		"cash_flow": "Tensions de trésorerie", "unpaid_social_debts": "Dettes sociales impayées (URSSAF, retraite)",
		"unpaid_tax_debts": "Dettes fiscales impayées (TVA, impôts)", "major_customer_loss": "Perte d'un client important",
		"dispute": "Litige (client, fournisseur, associé, salarié)", "manager_health": "Santé du dirigeant",
		"supplier_issue": "Difficultés avec un fournisseur", "other": "Autre difficulté",
	},
	"band": {
		"negative": "Négatif", "lt_25k": "De 0 à 25 000 €", "lt_50k": "Moins de 50 000 €", "lt_100k": "Moins de 100 000 €",
		"25k_75k": "De 25 000 € à 75 000 €", "50k_100k": "De 50 000 € à 100 000 €", "75k_150k": "De 75 000 € à 150 000 €",
		"100k_300k": "De 100 000 € à 300 000 €", "150k_300k": "De 150 000 € à 300 000 €",
		"300k_1m": "De 300 000 € à 1 million d'euros", "1m_3m": "De 1 à 3 millions d'euros",
		"3m_10m": "De 3 à 10 millions d'euros", "gte_1m": "1 million d'euros ou plus", "gte_10m": "10 millions d'euros ou plus",
	},
	"deal": {
		"fonds": "Le fonds (de commerce ou artisanal)", "titres": "Les parts sociales ou actions (titres)",
		"droit_au_bail": "Le droit au bail", "murs": "Les murs (locaux)",
	},
	"timeline": {"lt_6m": "Dans moins de 6 mois", "6m_12m": "Dans 6 à 12 mois", "12m_24m": "Dans 12 à 24 mois", "gt_24m": "Dans plus de 24 mois"},
	"sale": {
		"retirement": "Départ à la retraite", "personal": "Raisons personnelles, familiales ou de santé",
		"new_project": "Nouveau projet professionnel", "partner_departure": "Départ d'un associé",
		"economic": "Difficultés économiques", "other": "Autre raison",
	},
	"mobility": {"local": "Uniquement dans les zones indiquées", "regional": "Dans toute la région des zones indiquées", "national": "Partout en France"},
	"experience": {
		"none": "Pas d'expérience de direction d'entreprise", "sector": "Expérience salariée dans le secteur recherché",
		"manager": "Expérience de cadre dirigeant ou de manager", "business_owner": "Chef d'entreprise, actuel ou ancien",
		"buyer": "A déjà repris une entreprise",
	},
	"criterion": {"sector": "secteur", "area": "zone", "budget": "budget", "size": "taille", "deal_type": "type de reprise", "timeline": "calendrier",
		"experience": "expérience"},
	"headcount": {"0": "Aucun salarié", "1_2": "1 ou 2 salariés", "3_5": "De 3 à 5 salariés", "6_9": "De 6 à 9 salariés",
		"10_19": "De 10 à 19 salariés", "20_49": "De 20 à 49 salariés", "50_249": "De 50 à 249 salariés", "gte_250": "250 salariés ou plus"},
	"listing": {"submitted": "À examiner par son conseiller", "published": "Publiée", "paused": "En pause (négociation en cours)",
		"withdrawn": "Retirée", "concluded": "Cédée"},
	"search": {"draft": "Brouillon à compléter", "open": "Ouverte", "paused": "En pause", "withdrawn": "Retirée",
		"concluded": "Reprise conclue", "expired": "Expirée (non renouvelée)"},
	// A match's introduction (takeover-matching): its stages, the sides,
	// the steps as its history names them, and as its forms' buttons do.
	"match-stage": {
		MatchProposed:    "Proposée : à examiner par les conseillers des deux parties",
		MatchReviewed:    "Examinée par les deux parties : en attente de l'intérêt du repreneur",
		MatchInterested:  "Repreneur intéressé : en attente de l'accord du cédant et de l'engagement de confidentialité",
		MatchIntroduced:  "Mise en relation faite : les parties se connaissent",
		MatchNegotiating: "En négociation",
		MatchConcluded:   "Reprise conclue",
		MatchDropped:     "Abandonnée",
	},
	"side": {"seller": "Cédant", "buyer": "Repreneur"},
	"match-step": {
		"review": "Examen de la proposition", "interest": "Intérêt du repreneur",
		"approve_introduction": "Accord du cédant pour la mise en relation",
		"accept_undertaking":   "Engagement de confidentialité signé par le repreneur",
		"negotiate":            "Début de la négociation", "conclude": "Reprise conclue", "drop": "Fin de la mise en relation",
	},
	"match-action": {
		"review": "J'ai examiné cette proposition", "interest": "Le repreneur est intéressé",
		"approve_introduction": "Le cédant accepte la mise en relation",
		"accept_undertaking":   "Enregistrer l'engagement de confidentialité",
		"negotiate":            "Les parties négocient", "conclude": "Enregistrer la reprise conclue", "drop": "Mettre fin à la mise en relation",
	},
}

// The stages of a match's introduction, as takeover-matching sends them,
// in order (dropped may end any before concluded).
const (
	MatchProposed    = "proposed"
	MatchReviewed    = "reviewed"
	MatchInterested  = "interested"
	MatchIntroduced  = "introduced"
	MatchNegotiating = "negotiating"
	MatchConcluded   = "concluded"
	MatchDropped     = "dropped"
)

// MatchDropReasons are the reasons takeover-matching takes for ending an
// introduction (takeover.DropReasons).
func MatchDropReasons() []Choice {
	return []Choice{
		{"buyer_not_interested", "Le repreneur ne donne pas suite"},
		{"seller_declined", "Le cédant ne retient pas ce repreneur"},
		{"price", "Pas d'accord sur le prix"},
		{"financing", "Le repreneur n'a pas obtenu son financement"},
		{"timing", "Les calendriers ne concordent pas"},
		{"other_party", "L'entreprise ou le repreneur s'est engagé ailleurs"},
		{"no_response", "L'une des parties ne répond plus"},
		{"other", "Autre motif"},
	}
}

// MatchDropLabel is the label of a drop reason, or the code.
func MatchDropLabel(code string) string { return labelOf(MatchDropReasons(), code) }

// Introduced tells whether a match's sides were introduced to each other,
// from its stage and the stages its history went through: from then on
// the buyer's side sees the offer whole, even once dropped.
func Introduced(stage string, reached []string) bool {
	switch stage {
	case MatchIntroduced, MatchNegotiating, MatchConcluded:
		return true
	case MatchDropped:
		return slices.Contains(reached, MatchIntroduced)
	}
	return false
}

// Label is the French label of a code of a family ("reason", "status",
// "level", "source", "kind", "band", "deal", "timeline", "sale", "mobility",
// "experience", "criterion", "listing", "search", "match-stage", "side",
// "match-step", "match-action"), or the code itself.
func Label(family, code string) string {
	if l, ok := labels[family][code]; ok {
		return l
	}
	return code
}

// ValidHandBackReason tells whether code is one of HandBackReasons.
func ValidHandBackReason(code string) bool {
	for _, r := range HandBackReasons() {
		if r.Code == code {
			return true
		}
	}
	return false
}
