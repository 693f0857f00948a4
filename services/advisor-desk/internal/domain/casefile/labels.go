package casefile

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
	"listing": {"submitted": "À examiner par son conseiller", "published": "Publiée", "paused": "En pause (négociation en cours)",
		"withdrawn": "Retirée", "concluded": "Cédée"},
	"search": {"draft": "Brouillon à compléter", "open": "Ouverte", "paused": "En pause", "withdrawn": "Retirée",
		"concluded": "Reprise conclue", "expired": "Expirée (non renouvelée)"},
}

// Label is the French label of a code of a family ("reason", "status",
// "level", "source", "kind", "band", "deal", "timeline", "sale", "mobility",
// "experience", "criterion", "listing", "search"), or the code itself.
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
