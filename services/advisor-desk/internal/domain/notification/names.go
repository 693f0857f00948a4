package notification

import "github.com/ccicma/platform/pkg/refdata"

// Names puts the advisors' words on the codes events carry: the label of
// an activity, the name of a commune (the reference data answers it;
// *refdata.Data does). Without it (nil) the texts give the codes.
type Names interface {
	NAF(code string) (refdata.NAFEntry, bool)
	Commune(insee string) (refdata.Commune, bool)
}

// words names codes with Names, falling back on the code itself.
type words struct{ names Names }

// activity is "Boulangerie et boulangerie-pâtisserie (NAF 10.71C)", or
// "activité NAF 10.71C" for a code the reference data does not know.
func (w words) activity(naf string) string {
	if naf == "" {
		return "activité non précisée"
	}
	if w.names != nil {
		if e, ok := w.names.NAF(naf); ok {
			return e.Label + " (NAF " + naf + ")"
		}
	}
	return "activité NAF " + naf
}

// commune is "Évry-Courcouronnes", or "commune INSEE 91228" when unknown.
func (w words) commune(insee string) string {
	if w.names != nil {
		if c, ok := w.names.Commune(insee); ok {
			return c.Name
		}
	}
	return "commune INSEE " + insee
}
