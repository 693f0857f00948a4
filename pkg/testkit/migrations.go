package testkit

import (
	"io/fs"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/ccicma/platform/pkg/pgdb"
)

// MigrationsBefore is set cut before step (a file name prefix, "011"):
// the schema as a database stood before that migration, so that a test
// can store rows the old way, migrate the rest and check what the step
// made of them.
func MigrationsBefore(t testing.TB, set pgdb.Migrations, step string) pgdb.Migrations {
	t.Helper()
	files := fstest.MapFS{}
	err := fs.WalkDir(set.FS, set.Dir, func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || !strings.HasSuffix(path, ".sql") || path >= step {
			return err
		}
		b, err := fs.ReadFile(set.FS, path)
		files[path] = &fstest.MapFile{Data: b}
		return err
	})
	if err != nil {
		t.Fatalf("read migrations of %s: %v", set.Name, err)
	}
	return pgdb.Migrations{Name: set.Name, FS: files, Dir: "."}
}
