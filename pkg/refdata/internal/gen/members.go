package main

import (
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
)

// The shared communes.json carries no EPCI, despite its description, so the
// membership comes from the data/epci.json of the npm package
// @etalab/decoupage-administratif@6.0.0 (MIT), the same release the shared
// extracts were made from. That file is 4 MB; extractMembers keeps what the
// platform needs, one line per EPCI with its member communes, in
// source/epci-membres.tsv, committed so that regenerating needs no network.
//
// To refresh it: npm pack @etalab/decoupage-administratif@6.0.0, untar, and
// run the generator with -decoupage <package>/data.

const membersHeader = "# siren\tmember communes (INSEE codes, comma-separated); from @etalab/decoupage-administratif@6.0.0 data/epci.json (MIT)\n"

func extractMembers(decoupage, src, path string) error {
	var in []struct {
		Code    string
		Membres []struct{ Code string }
	}
	if err := readJSON(filepath.Join(decoupage, "epci.json"), &in); err != nil {
		return err
	}
	var shared []struct{ Code string }
	if err := readJSON(filepath.Join(src, "epci.json"), &shared); err != nil {
		return err
	}
	if len(in) != len(shared) {
		return fmt.Errorf("%d EPCI in the package, %d in the shared epci.json: not the same release", len(in), len(shared))
	}
	t := &table{header: ""}
	for _, e := range in {
		codes := make([]string, len(e.Membres))
		for i, m := range e.Membres {
			codes[i] = m.Code
		}
		slices.Sort(codes)
		if err := t.add(e.Code, strings.Join(codes, ",")); err != nil {
			return err
		}
	}
	b := t.bytes()
	b = append([]byte(membersHeader), b[len("# \n"):]...)
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return err
	}
	return os.WriteFile(path, b, 0o644)
}

// readMembers returns the EPCI SIREN of each member commune, refusing a
// commune listed in two EPCI (a commune belongs to exactly one, or to none).
func readMembers(path string) (map[string]string, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	epciOf := make(map[string]string, 35000)
	for i, line := range strings.Split(strings.TrimSuffix(string(b), "\n"), "\n") {
		if strings.HasPrefix(line, "#") {
			continue
		}
		siren, codes, ok := strings.Cut(line, "\t")
		if !ok || len(siren) != 9 || codes == "" {
			return nil, fmt.Errorf("%s:%d: want siren<TAB>codes", path, i+1)
		}
		for _, c := range strings.Split(codes, ",") {
			if prev, dup := epciOf[c]; dup {
				return nil, fmt.Errorf("%s:%d: commune %s in EPCI %s and %s", path, i+1, c, prev, siren)
			}
			epciOf[c] = siren
		}
	}
	return epciOf, nil
}
