package judge

import (
	"go/ast"
	"go/parser"
	"go/token"
	"io/fs"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

// A judge names check ids and reasons by the catalogue's constants, never
// by a string of its own, so that a misspelt one is a build failure: this
// walks the judges' and audits' source and fails on a string literal
// given as an ID or a Reason (a field, an assignment, or an argument to a
// function of the package whose parameter is id, reason or reasons).
func TestJudgesNameIDsAndReasonsByConstants(t *testing.T) {
	fset := token.NewFileSet()
	n := 0
	for _, root := range []string{".", filepath.Join("..", "audit")} {
		dirs := map[string][]*ast.File{}
		err := filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
			if err != nil || d.IsDir() || !strings.HasSuffix(path, ".go") || strings.HasSuffix(path, "_test.go") {
				return err
			}
			f, err := parser.ParseFile(fset, path, nil, 0)
			if err != nil {
				return err
			}
			dirs[filepath.Dir(path)] = append(dirs[filepath.Dir(path)], f)
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
		for _, files := range dirs {
			n += len(files)
			for _, bad := range literalIDsAndReasons(files) {
				t.Errorf("%s: %s", fset.Position(bad.pos), bad.what)
			}
		}
	}
	if n < 20 {
		t.Fatalf("only %d files walked", n)
	}
}

type literal struct {
	pos  token.Pos
	what string
}

// named reports whether a field, variable or parameter name holds an id or
// a reason.
func named(name string) bool {
	switch name {
	case "ID", "Reason", "id", "reason", "reasons", "Reasons":
		return true
	}
	// a package's own constant for an id: IDSecure, PreloadID
	return strings.HasPrefix(name, "ID") || strings.HasSuffix(name, "ID")
}

// stringIn reports a string literal in e: the literal itself, or a part of
// a concatenation ("unit." + key).
func stringIn(e ast.Expr) (string, bool) {
	switch e := e.(type) {
	case *ast.BasicLit:
		if e.Kind == token.STRING {
			s, _ := strconv.Unquote(e.Value)
			return s, true
		}
	case *ast.BinaryExpr:
		if s, ok := stringIn(e.X); ok {
			return s, true
		}
		return stringIn(e.Y)
	case *ast.ParenExpr:
		return stringIn(e.X)
	}
	return "", false
}

func literalIDsAndReasons(files []*ast.File) []literal {
	// the parameters of the package's functions that take an id or a reason
	params := map[string][]int{}
	for _, f := range files {
		for _, d := range f.Decls {
			fd, ok := d.(*ast.FuncDecl)
			if !ok {
				continue
			}
			i := 0
			for _, field := range fd.Type.Params.List {
				names := field.Names
				if len(names) == 0 {
					i++
					continue
				}
				for _, nm := range names {
					if named(nm.Name) {
						params[fd.Name.Name] = append(params[fd.Name.Name], i)
					}
					i++
				}
			}
		}
	}
	var out []literal
	flag := func(e ast.Expr, where string) {
		if s, ok := stringIn(e); ok && s != "" && !strings.ContainsAny(s, " \t") { // "" is unset; a message is no code
			out = append(out, literal{e.Pos(), where + " is the literal " + strconv.Quote(s) + ": use the check package's constant"})
		}
	}
	for _, f := range files {
		ast.Inspect(f, func(node ast.Node) bool {
			switch x := node.(type) {
			case *ast.KeyValueExpr:
				if k, ok := x.Key.(*ast.Ident); ok && named(k.Name) {
					flag(x.Value, k.Name)
				}
			case *ast.AssignStmt:
				if len(x.Lhs) != len(x.Rhs) {
					break
				}
				for i, l := range x.Lhs {
					var name string
					switch l := l.(type) {
					case *ast.SelectorExpr:
						name = l.Sel.Name
					case *ast.Ident:
						name = l.Name
					}
					if named(name) {
						flag(x.Rhs[i], name)
					}
				}
			case *ast.ValueSpec:
				for i, nm := range x.Names {
					if named(nm.Name) && i < len(x.Values) {
						flag(x.Values[i], nm.Name)
					}
				}
			case *ast.CallExpr:
				var name string
				switch fn := x.Fun.(type) {
				case *ast.Ident:
					name = fn.Name
				case *ast.SelectorExpr:
					name = fn.Sel.Name
				}
				for _, i := range params[name] {
					if i < len(x.Args) {
						flag(x.Args[i], "argument "+strconv.Itoa(i)+" of "+name)
					}
				}
			case *ast.BinaryExpr:
				// f.Reason == "absent"
				if x.Op != token.EQL && x.Op != token.NEQ {
					break
				}
				for _, pair := range [][2]ast.Expr{{x.X, x.Y}, {x.Y, x.X}} {
					if sel, ok := pair[0].(*ast.SelectorExpr); ok && named(sel.Sel.Name) {
						flag(pair[1], "a comparison with "+sel.Sel.Name)
					}
				}
			}
			return true
		})
	}
	return out
}
