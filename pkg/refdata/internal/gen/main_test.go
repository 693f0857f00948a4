package main

import (
	"bytes"
	"compress/gzip"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// The committed files in ../../data must be what the generator makes from the
// shared sources, so that nobody edits them by hand or forgets to regenerate.
func TestGeneratedFilesAreFresh(t *testing.T) {
	// REFDATA_SRC names the shared data when the repository is not checked
	// out next to it (a git worktree elsewhere, for instance).
	src := os.Getenv("REFDATA_SRC")
	if src == "" {
		src = filepath.Join("..", "..", "..", "..", "..", "shared", "data")
	}
	if _, err := os.Stat(filepath.Join(src, "communes.json")); err != nil {
		t.Skipf("shared reference data not found next to the repository (%v); nothing to compare with", err)
	}
	out := t.TempDir()
	if err := run([]string{"-src", src, "-out", out, "-members", filepath.Join("source", "epci-membres.tsv")}); err != nil {
		t.Fatalf("run: %v", err)
	}
	committed := filepath.Join("..", "..", "data")
	entries, err := os.ReadDir(out)
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range entries {
		got := content(t, filepath.Join(out, e.Name()))
		want := content(t, filepath.Join(committed, e.Name()))
		if !bytes.Equal(got, want) {
			t.Errorf("data/%s is stale: run go generate ./pkg/refdata", e.Name())
		}
	}
}

// content reads a file, decompressed when gzipped: gzip's output may change with
// the Go version while the content does not.
func content(t *testing.T, path string) []byte {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasSuffix(path, ".gz") {
		return b
	}
	zr, err := gzip.NewReader(bytes.NewReader(b))
	if err != nil {
		t.Fatal(err)
	}
	b, err = io.ReadAll(zr)
	if err != nil {
		t.Fatal(err)
	}
	return b
}
