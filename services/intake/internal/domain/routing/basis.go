package routing

// Basis is what a decision relied on: the inputs as read and what the
// reference data said of them. Intake keeps it beside the decision, so
// that an advisor can check a routing (rule id and French reason say what
// was decided, the basis from what) even after the table has changed.
type Basis struct {
	Request                string   `json:"request"`
	NAFCode                string   `json:"naf_code,omitempty"`
	NAFKnown               bool     `json:"naf_known"`
	NAFVersion             string   `json:"naf_version,omitempty"`
	Artisanal              string   `json:"artisanal,omitempty"` // always, partly or "" (not listed)
	Family                 string   `json:"family,omitempty"`
	Sectors                []string `json:"sectors,omitempty"`
	Headcount              int      `json:"headcount"`
	Departement            string   `json:"departement,omitempty"`
	Region                 string   `json:"region,omitempty"`
	EPCI                   string   `json:"epci,omitempty"`
	AlreadyRegistered      bool     `json:"already_registered,omitempty"`
	TakeoverOfArtisanFonds bool     `json:"takeover_of_artisan_fonds,omitempty"`
}

// Basis returns what the decision relied on.
func (d Decision) Basis() Basis {
	in := d.Input
	req := in.Request
	if req == "" {
		req = RequestCreation
	}
	return Basis{Request: req, NAFCode: in.NAFCode, NAFKnown: d.NAFKnown, NAFVersion: d.NAFVersion,
		Artisanal: string(d.Artisanal), Family: d.Family, Sectors: in.Sectors, Headcount: in.Headcount,
		Departement: in.Departement, Region: d.Region, EPCI: in.EPCI,
		AlreadyRegistered: in.AlreadyRegistered, TakeoverOfArtisanFonds: in.TakeoverOfArtisanFonds}
}
