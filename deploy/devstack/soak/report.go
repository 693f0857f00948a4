package main

import (
	"fmt"
	"net/http"
	"slices"
	"sort"
	"time"
)

// recovery is how long the platform took to get over one fault.
type recovery struct {
	faultRun
	// drained: from the fault's end until every request accepted before
	// it ended, and not done when it began, was done end to end (those
	// never done are counted in notDone, and reported as lost).
	drained time.Duration
	notDone int
	// firstNew: from the fault's end until the first request sent after
	// it was done end to end (-1: none was).
	firstNew time.Duration
	rejected int // requests not accepted while the fault lasted
}

// recoveries measures each fault's recovery from the requests' times;
// requests that open nothing (unrouted) have no end to wait for.
func recoveries(runs []faultRun, records []record, doneAt map[string]time.Time, unrouted map[string]bool) []recovery {
	out := make([]recovery, 0, len(runs))
	for _, f := range runs {
		r := recovery{faultRun: f, firstNew: -1}
		for _, rec := range records {
			if rec.status != http.StatusAccepted {
				if !rec.sent.Before(f.start) && rec.sent.Before(f.end) {
					r.rejected++
				}
				continue
			}
			if unrouted[rec.requestID] {
				continue
			}
			done, ok := doneAt[rec.requestID]
			switch {
			case rec.sent.Before(f.end) && !ok:
				r.notDone++
			case rec.sent.Before(f.end) && done.After(f.start):
				r.drained = max(r.drained, done.Sub(f.end))
			case !rec.sent.Before(f.end) && ok:
				if d := done.Sub(f.end); r.firstNew < 0 || d < r.firstNew {
					r.firstNew = d
				}
			}
		}
		out = append(out, r)
	}
	return out
}

// passed: nothing lost or applied twice, no dead letter, nothing stuck.
func (res *result) passed() bool {
	ok := len(res.lost) == 0 && len(res.dups) == 0 && len(res.mail.dups) == 0 && res.mail.lost() == 0 &&
		len(res.deadLetters) == 0 && len(res.stuck) == 0 && res.quiet
	for _, f := range res.faults {
		ok = ok && f.err == nil
	}
	return ok
}

func (res *result) print(o options, l *load) {
	accepted, reasons, latencies := res.tally()
	sent := len(res.records)
	fmt.Printf("\nsoak figures (%s, asked %.0f requests/s)\n", o.duration, o.rate)
	fmt.Printf("  sent          %7d  (%.1f requests/s achieved; %d sends skipped: %d requests already waiting for an answer)\n",
		sent, float64(sent)/l.elapsed.Seconds(), l.skipped.Load(), l.maxInFlight)
	fmt.Printf("  accepted      %7d  (202)\n", accepted)
	fmt.Printf("  rejected      %7d\n", sent-accepted)
	for _, r := range sortedKeys(reasons) {
		fmt.Printf("      %7d  %s\n", reasons[r], r)
	}
	fmt.Printf("  in intake     %7d  requests (accepted, and any whose answer was lost); %d routed to neither chamber, which opens nothing\n",
		res.requests, len(res.unrouted))
	if len(latencies) > 0 {
		fmt.Printf("  end to end    p50 %s  p99 %s  max %s  (POST sent -> first notification stored)\n",
			pct(latencies, 0.50), pct(latencies, 0.99), latencies[len(latencies)-1])
	}
	if !res.quiet {
		fmt.Println("  NOT QUIET when checked: requests still in a consumer's backlog are listed as lost below;")
		fmt.Println("  a longer -settle (or a lower -rate) tells a backlog from a loss")
	}
	printList("lost", res.lost)
	printList("duplicates", res.dups)
	printList("dead letters", res.deadLetters)
	printList("stuck consumers", res.stuck)
	m := res.mail
	fmt.Printf("  e-mails       %7d  caught; advisor-desk's record: %v\n", m.caught, m.status)
	if m.status["pending"] > 0 {
		fmt.Printf("      %d e-mails still queued when the soak ended: late, not lost\n",
			m.status["pending"])
	}
	fmt.Printf("      lost %d (recorded sent, never caught: %d; notifications never queued: %d), sent twice %d, caught but not recorded sent %d\n",
		m.lost(), m.sentNotCaught, m.notQueued, len(m.dups), m.caughtNotSent)
	printList("e-mail duplicates", m.dups)
	res.printRecoveries()
}

// tally counts the accepted requests, the others by reason, and the end to
// end latencies of those done.
func (res *result) tally() (int, map[string]int, []time.Duration) {
	accepted := 0
	reasons := map[string]int{}
	var lat []time.Duration
	for _, r := range res.records {
		if r.status != http.StatusAccepted {
			reasons[r.reason]++
			continue
		}
		accepted++
		if done, ok := res.doneAt[r.requestID]; ok {
			lat = append(lat, done.Sub(r.sent).Round(time.Millisecond))
		}
	}
	slices.Sort(lat)
	return accepted, reasons, lat
}

func (res *result) printRecoveries() {
	fmt.Println("  recovery after each fault (drained: every request in flight or accepted during the fault done end to end;")
	fmt.Println("  first new: the first request sent after it done end to end; counted from the fault's end)")
	var longest time.Duration
	for _, f := range res.faults {
		status := ""
		if f.note != "" {
			status = "  NOTE: " + f.note
		}
		if f.err != nil {
			status = "  FAULT FAILED: " + f.err.Error()
		}
		fmt.Printf("      %-48s %6s  drained %8s  first new %8s  rejected meanwhile %4d%s\n",
			f.name, f.end.Sub(f.start).Round(100*time.Millisecond), dur(f.drained), dur(f.firstNew), f.rejected, notDone(f.notDone)+status)
		longest = max(longest, f.drained)
	}
	fmt.Printf("  longest time to recover: %s\n", longest.Round(100*time.Millisecond))
	fmt.Printf("  lost %d, duplicates %d, dead letters %d, stuck consumers %d, e-mails lost %d, e-mails twice %d, quiet after the load: %v\n",
		len(res.lost), len(res.dups), len(res.deadLetters), len(res.stuck), res.mail.lost(), len(res.mail.dups), res.quiet)
}

func dur(d time.Duration) string {
	if d < 0 {
		return "never"
	}
	return d.Round(100 * time.Millisecond).String()
}

func pct(sorted []time.Duration, p float64) time.Duration {
	return sorted[min(len(sorted)-1, int(p*float64(len(sorted))))]
}

// printList prints a count and the first few items.
func printList(what string, items []string) {
	fmt.Printf("  %-13s %7d\n", what, len(items))
	sort.Strings(items)
	for i, it := range items {
		if i == 10 {
			fmt.Printf("      ... and %d more\n", len(items)-10)
			break
		}
		fmt.Printf("      %s\n", it)
	}
}

func sortedKeys(m map[string]int) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Slice(keys, func(i, j int) bool { return m[keys[i]] > m[keys[j]] })
	return keys
}

func notDone(n int) string {
	if n == 0 {
		return ""
	}
	return fmt.Sprintf("  (%d never done: see lost)", n)
}
