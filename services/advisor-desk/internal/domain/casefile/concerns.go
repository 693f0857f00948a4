package casefile

import "github.com/ccicma/platform/pkg/events"

// OfferConcerns are what an advisor following the sale of a business may
// have seen when they raise a concern about it (events.ConcernKinds, in
// that order): the desk offers them, takeover-matching checks them, and
// a prevention case opened from a concern shows them.
func OfferConcerns() []Choice {
	return []Choice{
		{events.ConcernCashFlow, "Trésorerie tendue (découvert, fins de mois difficiles)"},
		{events.ConcernActivityDrop, "Baisse d'activité (chiffre d'affaires en recul, clients perdus)"},
		{events.ConcernOverdueDebts, "Cotisations sociales ou impôts en retard"},
		{events.ConcernSupplierDelays, "Retards de paiement aux fournisseurs"},
		{events.ConcernOwnerWellbeing, "Santé ou épuisement du dirigeant"},
	}
}

// ConcernLabels names concern codes in French, in their order; an
// unknown code stays as it is.
func ConcernLabels(codes []string) []string {
	out := make([]string, len(codes))
	for i, code := range codes {
		out[i] = code
		for _, c := range OfferConcerns() {
			if c.Code == code {
				out[i] = c.Label
			}
		}
	}
	return out
}
