package web

import (
	"cmp"
	"context"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"time"

	"github.com/ccicma/platform/pkg/auth"

	"github.com/ccicma/platform/services/advisor-desk/internal/adapters/peers"
	"github.com/ccicma/platform/services/advisor-desk/internal/domain/casefile"
)

// Sort orders of "Mes dossiers" (the "tri" parameter).
const (
	sortDue     = "echeance" // next action's due date first, cases without one last
	sortWaiting = "attente"  // longest unchanged first
)

// maxCasePages bounds the pages read for one desk page: 5 × 200 cases
// is more than an advisor, or a chamber's pipeline, holds open.
const (
	maxCasePages = 5
	casePageSize = 200
)

// myCasesView is the data of mycases.html.
type myCasesView struct {
	Cases           []caseLine
	Stages          []stageCount
	Stage, Sort     string
	StageOptions    []casefile.Stage
	Manager         bool
	Truncated       bool
	SortDueURL      string
	SortWaitingURL  string
	StageFilterText string
}

// caseLine is one row of "Mes dossiers".
type caseLine struct {
	ID, Short, Link, Stage, NAF, Commune string
	Waiting                              string
	WaitingSince                         time.Time
	Next                                 *peers.NextAction
	Closed                               bool
}

// stageCount is the number of the advisor's cases at a stage, with the
// link that filters on it.
type stageCount struct {
	Code, Label, Link string
	Count             int
}

// myCases shows the signed-in advisor's creation cases.
func (s *site) myCases(w http.ResponseWriter, r *http.Request) {
	p, tok, ok := s.session(r)
	if !ok {
		clearCookie(w, r, SessionCookie, "/")
		http.Redirect(w, r, "/connexion", http.StatusSeeOther)
		return
	}
	c := caseRequest{p: p, formToken: tok, bearer: sessionValue(r)}
	q := r.URL.Query()
	v := myCasesView{Stage: q.Get("etape"), Sort: q.Get("tri"), Manager: p.Has(auth.RoleManager),
		StageOptions: append(casefile.Stages(), casefile.Stage{Code: "follow_up", Label: casefile.StageLabel("follow_up")})}
	if !validStageFilter(v.Stage) {
		v.Stage = ""
	}
	if v.Sort != sortWaiting {
		v.Sort = sortDue
	}
	cases, truncated, err := s.allCases(r.Context(), c.bearer, peers.CaseFilter{Advisor: p.Subject})
	if err != nil {
		s.caseError(w, r, c, err)
		return
	}
	v.Truncated = truncated
	now := time.Now()
	open := slices.DeleteFunc(cases, func(cs peers.CreationCase) bool { return cs.Status == casefile.StatusClosed })
	v.Stages = stageCounts(open, v.Sort)
	for _, cs := range open {
		if v.Stage == "" || cs.Stage == v.Stage {
			v.Cases = append(v.Cases, s.caseLineOf(cs, now))
		}
	}
	sortLines(v.Cases, v.Sort)
	v.SortDueURL, v.SortWaitingURL = myCasesURL(v.Stage, sortDue), myCasesURL(v.Stage, sortWaiting)
	if v.Stage != "" {
		v.StageFilterText = casefile.StageLabel(v.Stage)
	}
	s.renderCase(w, r, c, http.StatusOK, "mycases", "Mes dossiers de création", v)
}

// allCases reads every page of the cases f selects, up to maxCasePages;
// truncated says some were left.
func (s *site) allCases(ctx context.Context, token string, f peers.CaseFilter) (cases []peers.CreationCase, truncated bool, err error) {
	f.Limit = casePageSize
	for range maxCasePages {
		page, err := s.Cases.CreationCases(ctx, token, f)
		if err != nil {
			return nil, false, fmt.Errorf("list creation cases: %w", err)
		}
		cases = append(cases, page.Cases...)
		if page.NextAfter == "" {
			return cases, false, nil
		}
		f.After = page.NextAfter
	}
	return cases, true, nil
}

// validStageFilter: a stage the list may be filtered on, or none.
func validStageFilter(stage string) bool {
	switch stage {
	case "", "opened", "in_progress", "follow_up":
		return true
	}
	return slices.ContainsFunc(casefile.Stages(), func(s casefile.Stage) bool { return s.Code == stage })
}

// stageCounts counts the cases per stage, in the journey's order.
func stageCounts(cases []peers.CreationCase, sort string) []stageCount {
	var out []stageCount
	for _, code := range journeyOrder() {
		n := 0
		for _, c := range cases {
			if c.Stage == code {
				n++
			}
		}
		if n > 0 {
			out = append(out, stageCount{Code: code, Label: casefile.StageLabel(code), Count: n, Link: myCasesURL(code, sort)})
		}
	}
	return out
}

// journeyOrder lists the stages of an open case, in order.
func journeyOrder() []string {
	out := []string{"opened", "in_progress"}
	for _, s := range casefile.Stages() {
		out = append(out, s.Code)
	}
	return append(out, "follow_up")
}

func (s *site) caseLineOf(cs peers.CreationCase, now time.Time) caseLine {
	since := cs.UpdatedAt
	if since.IsZero() {
		since = cs.OpenedAt
	}
	short, _, _ := strings.Cut(cs.ID, "-")
	return caseLine{ID: cs.ID, Short: short, Link: "/dossiers/creation/" + url.PathEscape(cs.ID), Stage: stageText(cs),
		NAF: s.nafText(cs.NAFCode), Commune: s.communeText(cs.CommuneCode), WaitingSince: since,
		Waiting: waitingText(now.Sub(since)), Next: cs.NextAction}
}

// stageText is the stage as creation-support words it, else ours.
func stageText(cs peers.CreationCase) string {
	if cs.StageLabel != "" {
		return cs.StageLabel
	}
	return casefile.StageLabel(cs.Stage)
}

// sortLines orders the rows: by due date (none last), or longest waiting
// first; ties by waiting time, so that the order is stable.
func sortLines(lines []caseLine, by string) {
	slices.SortStableFunc(lines, func(a, b caseLine) int {
		if by == sortDue {
			if c := cmp.Compare(dueKey(a), dueKey(b)); c != 0 {
				return c
			}
		}
		return a.WaitingSince.Compare(b.WaitingSince)
	})
}

// dueKey sorts dates as text (YYYY-MM-DD); no next action sorts last.
func dueKey(l caseLine) string {
	if l.Next == nil {
		return "9999-99-99"
	}
	return l.Next.Due
}

// waitingText is "depuis 3 jours", in whole days.
func waitingText(d time.Duration) string {
	switch days := int(d.Hours() / 24); {
	case days < 1:
		return "depuis moins d'un jour"
	case days == 1:
		return "depuis 1 jour"
	default:
		return fmt.Sprintf("depuis %d jours", days)
	}
}

func myCasesURL(stage, sort string) string {
	q := url.Values{"tri": {sort}}
	if stage != "" {
		q.Set("etape", stage)
	}
	return "/dossiers/creation?" + q.Encode()
}
