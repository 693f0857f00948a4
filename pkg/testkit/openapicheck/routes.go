package openapicheck

import (
	"go/ast"
	"go/parser"
	"go/token"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
)

// RoutesInSource returns the ServeMux patterns that the Go files of dir
// (tests aside) register: the first argument of every call to a method
// named Handle or HandleFunc, a string made of literals and the package's
// string constants. A pattern it cannot read fails the test, so that a
// route cannot escape the comparison with the document by being built at
// run time. It reads the source rather than asking the mux because a
// ServeMux does not list its patterns, and a port's Handler registers
// some routes only when their dependencies are given.
func RoutesInSource(t testing.TB, dir string) []string {
	t.Helper()
	fset := token.NewFileSet()
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var files []*ast.File
	for _, e := range entries {
		name := e.Name()
		if e.IsDir() || !strings.HasSuffix(name, ".go") || strings.HasSuffix(name, "_test.go") {
			continue
		}
		f, err := parser.ParseFile(fset, filepath.Join(dir, name), nil, parser.SkipObjectResolution)
		if err != nil {
			t.Fatal(err)
		}
		files = append(files, f)
	}
	consts := stringConsts(files)
	var out []string
	for _, f := range files {
		ast.Inspect(f, func(n ast.Node) bool {
			call, ok := n.(*ast.CallExpr)
			if !ok || len(call.Args) != 2 {
				return true
			}
			sel, ok := call.Fun.(*ast.SelectorExpr)
			if !ok || (sel.Sel.Name != "Handle" && sel.Sel.Name != "HandleFunc") {
				return true
			}
			p, ok := eval(call.Args[0], consts)
			if !ok {
				t.Errorf("%s: cannot read this route's pattern from the source", fset.Position(call.Pos()))
				return true
			}
			out = append(out, p)
			return true
		})
	}
	slices.Sort(out)
	return out
}

// stringConsts maps the package-level constants with a constant string
// value to it.
func stringConsts(files []*ast.File) map[string]string {
	exprs := map[string]ast.Expr{}
	for _, f := range files {
		for _, d := range f.Decls {
			gd, ok := d.(*ast.GenDecl)
			if !ok || gd.Tok != token.CONST {
				continue
			}
			for _, s := range gd.Specs {
				vs := s.(*ast.ValueSpec)
				for i, name := range vs.Names {
					if i < len(vs.Values) {
						exprs[name.Name] = vs.Values[i]
					}
				}
			}
		}
	}
	out := map[string]string{}
	// Constants may be made of constants: resolve until nothing changes.
	for changed := true; changed; {
		changed = false
		for name, e := range exprs {
			if _, done := out[name]; done {
				continue
			}
			if v, ok := eval(e, out); ok {
				out[name], changed = v, true
			}
		}
	}
	return out
}

func eval(e ast.Expr, consts map[string]string) (string, bool) {
	switch e := e.(type) {
	case *ast.BasicLit:
		if e.Kind != token.STRING {
			return "", false
		}
		s, err := strconv.Unquote(e.Value)
		return s, err == nil
	case *ast.Ident:
		s, ok := consts[e.Name]
		return s, ok
	case *ast.ParenExpr:
		return eval(e.X, consts)
	case *ast.BinaryExpr:
		if e.Op != token.ADD {
			return "", false
		}
		l, ok := eval(e.X, consts)
		if !ok {
			return "", false
		}
		r, ok := eval(e.Y, consts)
		return l + r, ok
	}
	return "", false
}
