package refdata

import "fmt"

// ArtisanalKind says how much of a NAF sub-class is artisanal.
type ArtisanalKind string

const (
	// ArtisanalAlways means that every activity of the sub-class is on the
	// list of artisanal activities (Code de l'artisanat, art. R. 111-1).
	ArtisanalAlways ArtisanalKind = "always"
	// ArtisanalPartly means that only some activities of the sub-class are
	// on the list ("inclus dans", "sauf ..."); the activity description has
	// to decide.
	ArtisanalPartly ArtisanalKind = "partly"
)

// The four families of the list of artisanal activities.
const (
	FamilyAlimentation = "alimentation"
	FamilyBatiment     = "batiment"
	FamilyFabrication  = "fabrication"
	FamilyServices     = "services"
)

// ArtisanalActivity is a NAF sub-class that is always or partly artisanal. A
// sub-class absent from the list is not artisanal.
type ArtisanalActivity struct {
	Code   string // NAF sub-class, "10.71C"
	Kind   ArtisanalKind
	Family string // one of the Family constants
	Note   string // the list item quoted, with its exclusions; "uncertain" when the source was unclear
}

// Artisanat returns the entry of the list of artisanal activities for a NAF
// sub-class in any spelling NormalizeNAF accepts; false when the sub-class is
// not artisanal (or not a sub-class).
func (d *Data) Artisanat(nafCode string) (ArtisanalActivity, bool) {
	c, ok := NormalizeNAF(nafCode)
	if !ok {
		return ArtisanalActivity{}, false
	}
	return find(d.artisanat, c, func(a ArtisanalActivity) string { return a.Code })
}

func (d *Data) loadArtisanat() error {
	err := rows(artisanatTSV, 4, func(f []string) error {
		a := ArtisanalActivity{Code: f[0], Kind: ArtisanalKind(f[1]), Family: f[2], Note: f[3]}
		switch a.Kind {
		case ArtisanalAlways:
			d.artisanal[0]++
		case ArtisanalPartly:
			d.artisanal[1]++
		default:
			return fmt.Errorf("%s: kind %q", a.Code, a.Kind)
		}
		switch a.Family {
		case FamilyAlimentation, FamilyBatiment, FamilyFabrication, FamilyServices:
		default:
			return fmt.Errorf("%s: family %q", a.Code, a.Family)
		}
		d.artisanat = append(d.artisanat, a)
		return nil
	})
	if err != nil {
		return err
	}
	return sorted(d.artisanat, func(a ArtisanalActivity) string { return a.Code })
}
