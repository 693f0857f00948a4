package main

// The gates of deploy/gates/gates.sh (run by `make test` and so by CI) are
// tested here on small repositories of their own: each gate must fail on the
// finding it exists for (an unformatted file, an untidy go.mod, a stale
// generated file, an unused variable) and pass once it is fixed.

import (
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// gateRepo is a throwaway git repository holding a one-module Go workspace.
type gateRepo struct {
	t   *testing.T
	dir string
}

func newGateRepo(t *testing.T, files map[string]string) gateRepo {
	t.Helper()
	r := gateRepo{t: t, dir: t.TempDir()}
	base := map[string]string{
		"go.work":  "go 1.26.0\n\nuse ./m\n",
		"m/go.mod": "module example.com/m\n\ngo 1.26.0\n",
		"m/m.go":   "// Package m is a gate's test subject.\npackage m\n\n// Answer is exported, so that it is used.\nfunc Answer() int { return 42 }\n",
	}
	for name, body := range files {
		base[name] = body
	}
	for name, body := range base {
		r.write(name, body)
	}
	r.git("init", "-q")
	r.commit()
	return r
}

func (r gateRepo) write(name, body string) {
	r.t.Helper()
	path := filepath.Join(r.dir, name)
	if err := os.MkdirAll(filepath.Dir(path), 0o750); err != nil {
		r.t.Fatal(err)
	}
	if err := os.WriteFile(path, []byte(body), 0o600); err != nil {
		r.t.Fatal(err)
	}
}

func (r gateRepo) git(args ...string) {
	r.t.Helper()
	cmd := exec.Command("git", append([]string{"-c", "user.name=gate", "-c", "user.email=gate@example.invalid"}, args...)...)
	cmd.Dir = r.dir
	if out, err := cmd.CombinedOutput(); err != nil {
		r.t.Fatalf("git %v: %v\n%s", args, err, out)
	}
}

func (r gateRepo) commit() {
	r.git("add", "-A")
	r.git("commit", "-q", "--allow-empty", "-m", "state")
}

// gate runs one gate against the repository and returns its output and
// whether it passed.
func (r gateRepo) gate(name string) (string, bool) {
	r.t.Helper()
	script, err := filepath.Abs(filepath.Join(repoRoot, "deploy", "gates", "gates.sh"))
	if err != nil {
		r.t.Fatal(err)
	}
	cmd := exec.Command("bash", script, name)
	cmd.Env = append(os.Environ(), "ROOT="+r.dir, "GOFLAGS=", "GOWORK=")
	out, err := cmd.CombinedOutput()
	if err != nil {
		if exitErr := (*exec.ExitError)(nil); !errors.As(err, &exitErr) {
			r.t.Fatalf("gate %s did not run: %v", name, err)
		}
	}
	return string(out), err == nil
}

func (r gateRepo) wantFail(gate, mention string) {
	r.t.Helper()
	out, ok := r.gate(gate)
	if ok {
		r.t.Fatalf("gate %s passed, want a failure naming %q:\n%s", gate, mention, out)
	}
	if !strings.Contains(out, mention) {
		r.t.Fatalf("gate %s failed without naming %q:\n%s", gate, mention, out)
	}
}

func (r gateRepo) wantPass(gate string) {
	r.t.Helper()
	if out, ok := r.gate(gate); !ok {
		r.t.Fatalf("gate %s failed on a clean repository:\n%s", gate, out)
	}
}

func TestGateFmt(t *testing.T) {
	r := newGateRepo(t, map[string]string{"m/ugly.go": "package m\nfunc  ugly( ) int {return 1}\n"})
	r.wantFail("fmt", "m/ugly.go")
	r.write("m/ugly.go", "package m\n\nfunc ugly() int { return 1 }\n\nvar _ = ugly\n")
	r.commit()
	r.wantPass("fmt")
}

func TestGateTidy(t *testing.T) {
	// A requirement nothing imports: tidy would drop it. google/uuid is one
	// of the platform's own dependencies, so it is in the module cache.
	r := newGateRepo(t, map[string]string{
		"m/go.mod": "module example.com/m\n\ngo 1.26.0\n\nrequire github.com/google/uuid v1.6.0\n",
	})
	r.wantFail("tidy", "github.com/google/uuid")
	r.write("m/go.mod", "module example.com/m\n\ngo 1.26.0\n")
	r.commit()
	r.wantPass("tidy")
}

func TestGateGenerate(t *testing.T) {
	// The generator copies src.txt to gen.txt; a commit that changes the
	// source without regenerating leaves gen.txt stale.
	makefile := "generate:\n\tcp src.txt gen.txt\n"
	r := newGateRepo(t, map[string]string{"Makefile": makefile, "src.txt": "v1\n", "gen.txt": "v1\n"})
	r.wantPass("generate")
	r.write("src.txt", "v2\n")
	r.commit()
	r.wantFail("generate", "gen.txt")
	// The gate leaves the regenerated file in place: committing it clears the gate.
	r.commit()
	r.wantPass("generate")
}

func TestGateLint(t *testing.T) {
	// The repository's own linter configuration, on a package with an
	// unused variable (which the compiler accepts at package level).
	cfg, err := os.ReadFile(filepath.Join(repoRoot, ".golangci.yml"))
	if err != nil {
		t.Fatal(err)
	}
	r := newGateRepo(t, map[string]string{
		".golangci.yml": string(cfg),
		"m/unused.go":   "package m\n\nvar forgotten = 1\n",
	})
	r.wantFail("lint", "forgotten")
	r.write("m/unused.go", "package m\n")
	r.commit()
	r.wantPass("lint")
}
