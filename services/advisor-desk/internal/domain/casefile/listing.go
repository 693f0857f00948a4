package casefile

// The takeover marketplace (takeover-matching's listings and searches):
// the choices of the vetting form, the status changes an advisor may
// ask, and the NAF sections, in French.

// Statuses of a listing and of a search, as takeover-matching sends them.
const (
	ListingSubmitted = "submitted"
	ListingPublished = "published"
	ListingPaused    = "paused"
	ListingWithdrawn = "withdrawn"
	ListingConcluded = "concluded"
	SearchDraft      = "draft"
	SearchOpen       = "open"
	SearchPaused     = "paused"
	SearchWithdrawn  = "withdrawn"
	SearchConcluded  = "concluded"
	SearchExpired    = "expired"
)

// ListingMoves and SearchMoves are the status changes takeover-matching
// allows from each status (its lifecycle.go): the page offers these, the
// service decides (409 otherwise). Publishing a submitted offer is its
// vetting, not a move.
func ListingMoves(status string) []Choice {
	return map[string][]Choice{
		ListingSubmitted: {{ListingWithdrawn, "Retirer l'offre"}},
		ListingPublished: {{ListingPaused, "Mettre en pause (négociation en cours)"}, {ListingWithdrawn, "Retirer l'annonce"},
			{ListingConcluded, "Déclarer l'entreprise cédée"}},
		ListingPaused: {{ListingPublished, "Republier l'annonce"}, {ListingWithdrawn, "Retirer l'annonce"},
			{ListingConcluded, "Déclarer l'entreprise cédée"}},
	}[status]
}

// SearchMoves are a search's status changes (see ListingMoves).
// Reopening an expired search renews it.
func SearchMoves(status string) []Choice {
	return map[string][]Choice{
		SearchOpen: {{SearchPaused, "Mettre en pause"}, {SearchWithdrawn, "Retirer la recherche"},
			{SearchConcluded, "Déclarer la reprise conclue"}},
		SearchPaused: {{SearchOpen, "Rouvrir la recherche"}, {SearchWithdrawn, "Retirer la recherche"},
			{SearchConcluded, "Déclarer la reprise conclue"}},
		SearchExpired: {{SearchOpen, "Rouvrir la recherche (la renouvelle)"}, {SearchWithdrawn, "Retirer la recherche"}},
	}[status]
}

// Renewable tells whether a search may be renewed: open or paused.
func Renewable(status string) bool { return status == SearchOpen || status == SearchPaused }

// ListingStatuses and SearchStatuses are the statuses a list filters on.
func ListingStatuses() []Choice {
	return choicesOf("listing", ListingSubmitted, ListingPublished, ListingPaused, ListingWithdrawn, ListingConcluded)
}

// SearchStatuses are the statuses a list of searches filters on.
func SearchStatuses() []Choice {
	return choicesOf("search", SearchDraft, SearchOpen, SearchPaused, SearchWithdrawn, SearchConcluded, SearchExpired)
}

// RevenueBands are a teaser's revenue bands (takeover-matching's
// listing.go, as the other bands).
func RevenueBands() []Choice {
	return choicesOf("band", "lt_100k", "100k_300k", "300k_1m", "1m_3m", "3m_10m", "gte_10m")
}

// ProfitBands are a teaser's EBE bands.
func ProfitBands() []Choice {
	return choicesOf("band", "negative", "lt_25k", "25k_75k", "75k_150k", "150k_300k", "300k_1m", "gte_1m")
}

// HeadcountBands are a teaser's staff bands.
func HeadcountBands() []Choice {
	return choicesOf("headcount", "0", "1_2", "3_5", "6_9", "10_19", "20_49", "50_249", "gte_250")
}

// PriceBands are a listing's price and a search's budget bands, on one
// scale.
func PriceBands() []Choice {
	return choicesOf("band", "lt_50k", "50k_100k", "100k_300k", "300k_1m", "1m_3m", "3m_10m", "gte_10m")
}

// DealTypes are what is for sale.
func DealTypes() []Choice { return choicesOf("deal", "fonds", "titres", "droit_au_bail", "murs") }

// Timelines are when the deal is to be done.
func Timelines() []Choice { return choicesOf("timeline", "lt_6m", "6m_12m", "12m_24m", "gt_24m") }

// Chambers are the lead chambers of a file.
func Chambers() []Choice {
	return []Choice{{"CCI", "CCI (commerce, industrie, services)"}, {"CMA", "CMA (artisanat)"}}
}

// NAFSections are the sections of the NAF rév. 2, which the reference
// data does not list (it starts at the divisions).
func NAFSections() []Choice {
	return []Choice{
		{"A", "Agriculture, sylviculture et pêche"}, {"B", "Industries extractives"}, {"C", "Industrie manufacturière"},
		{"D", "Production et distribution d'électricité, de gaz, de vapeur et d'air conditionné"},
		{"E", "Production et distribution d'eau ; assainissement, gestion des déchets et dépollution"},
		{"F", "Construction"}, {"G", "Commerce ; réparation d'automobiles et de motocycles"},
		{"H", "Transports et entreposage"}, {"I", "Hébergement et restauration"}, {"J", "Information et communication"},
		{"K", "Activités financières et d'assurance"}, {"L", "Activités immobilières"},
		{"M", "Activités spécialisées, scientifiques et techniques"},
		{"N", "Activités de services administratifs et de soutien"}, {"O", "Administration publique"},
		{"P", "Enseignement"}, {"Q", "Santé humaine et action sociale"}, {"R", "Arts, spectacles et activités récréatives"},
		{"S", "Autres activités de services"},
		{"T", "Activités des ménages en tant qu'employeurs ; activités des ménages pour usage propre"},
		{"U", "Activités extra-territoriales"},
	}
}

// NAFSectionLabel is a section's label, or the code.
func NAFSectionLabel(code string) string { return labelOf(NAFSections(), code) }

// SectorLevels and PlaceLevels are the levels a teaser shows its sector
// and place at.
func SectorLevels() []Choice {
	return []Choice{{"section", "Section"}, {"division", "Division"}, {"group", "Groupe"}, {"class", "Classe"},
		{"subclass", "Sous-classe"}}
}

// PlaceLevels are the levels a teaser shows its place at.
func PlaceLevels() []Choice {
	return []Choice{{"commune", "La commune"}, {"epci", "L'intercommunalité (EPCI)"}, {"departement", "Le département"}}
}

func choicesOf(family string, codes ...string) []Choice {
	out := make([]Choice, len(codes))
	for i, c := range codes {
		out[i] = Choice{c, Label(family, c)}
	}
	return out
}
