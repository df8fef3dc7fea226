// Command hclcheck checks Terraform configurations offline, as far as that is
// possible without the provider schemas (which only the provider binaries,
// fetched from the Terraform registry, can give; see docs/operations.md).
//
// For every directory given (each holds one Terraform module) it checks:
//
//   - every .tf file parses as HCL native syntax;
//
//   - every .tf file is formatted canonically (hclwrite.Format, the formatter
//     behind terraform fmt);
//
//   - the top-level blocks are ones Terraform knows, with the right labels;
//
//   - every var.X, local.X, module.X and resource reference resolves to a
//     declaration in the same module, and every module.X.Y to an output of the
//     called module (local sources only);
//
//   - every module call passes only variables its module declares and all the
//     variables that have no default.
//
//     hclcheck DIR...
package main

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hclsyntax"
	"github.com/hashicorp/hcl/v2/hclwrite"
)

type module struct {
	dir       string
	variables map[string]bool // name -> has default
	locals    map[string]bool
	outputs   map[string]bool
	resources map[string]bool // type.name
	data      map[string]bool // type.name
	modules   map[string]*hclsyntax.Block
	exprs     []hclsyntax.Expression
}

var problems []string

func fail(format string, args ...any) { problems = append(problems, fmt.Sprintf(format, args...)) }

func main() {
	if len(os.Args) < 2 {
		fmt.Fprintln(os.Stderr, "usage: hclcheck DIR...")
		os.Exit(2)
	}
	files := 0
	for _, dir := range os.Args[1:] {
		m := load(dir)
		if m == nil {
			continue
		}
		files++
		check(m)
	}
	sort.Strings(problems)
	seen := map[string]bool{}
	unique := problems[:0]
	for _, p := range problems {
		if !seen[p] {
			seen[p] = true
			unique = append(unique, p)
			fmt.Println("FAIL", p)
		}
	}
	problems = unique
	fmt.Printf("hclcheck: %d modules, %d problems\n", files, len(problems))
	if len(problems) > 0 || files == 0 {
		os.Exit(1)
	}
}

func load(dir string) *module {
	paths, _ := filepath.Glob(filepath.Join(dir, "*.tf"))
	if len(paths) == 0 {
		fail("%s: no .tf files", dir)
		return nil
	}
	m := &module{dir: dir, variables: map[string]bool{}, locals: map[string]bool{}, outputs: map[string]bool{},
		resources: map[string]bool{}, data: map[string]bool{}, modules: map[string]*hclsyntax.Block{}}
	for _, path := range paths {
		src, err := os.ReadFile(path)
		if err != nil {
			fail("%s: %v", path, err)
			continue
		}
		if formatted := hclwrite.Format(src); !bytes.Equal(formatted, src) {
			fail("%s: not formatted canonically (run terraform fmt)", path)
		}
		f, diags := hclsyntax.ParseConfig(src, path, hcl.InitialPos)
		if diags.HasErrors() {
			fail("%s: %s", path, diags.Error())
			continue
		}
		body := f.Body.(*hclsyntax.Body)
		for name := range body.Attributes {
			fail("%s: unexpected top-level attribute %q", path, name)
		}
		for _, b := range body.Blocks {
			where := fmt.Sprintf("%s:%d", path, b.TypeRange.Start.Line)
			want := map[string]int{"terraform": 0, "provider": 1, "variable": 1, "locals": 0, "output": 1,
				"resource": 2, "data": 2, "module": 1, "check": 1, "moved": 0, "import": 0, "removed": 0}
			n, ok := want[b.Type]
			if !ok {
				fail("%s: unknown top-level block %q", where, b.Type)
				continue
			}
			if len(b.Labels) != n {
				fail("%s: block %q needs %d labels, has %d", where, b.Type, n, len(b.Labels))
				continue
			}
			switch b.Type {
			case "variable":
				_, hasDefault := b.Body.Attributes["default"]
				m.variables[b.Labels[0]] = hasDefault
			case "locals":
				for name := range b.Body.Attributes {
					m.locals[name] = true
				}
			case "output":
				m.outputs[b.Labels[0]] = true
				if _, ok := b.Body.Attributes["value"]; !ok {
					fail("%s: output %q has no value", where, b.Labels[0])
				}
			case "resource":
				m.resources[b.Labels[0]+"."+b.Labels[1]] = true
			case "data":
				m.data[b.Labels[0]+"."+b.Labels[1]] = true
			case "module":
				m.modules[b.Labels[0]] = b
			}
			collect(m, b.Body)
		}
	}
	return m
}

func collect(m *module, body *hclsyntax.Body) {
	for _, a := range body.Attributes {
		m.exprs = append(m.exprs, a.Expr)
	}
	for _, b := range body.Blocks {
		collect(m, b.Body)
	}
}

func check(m *module) {
	for _, e := range m.exprs {
		for _, t := range e.Variables() {
			root := t.RootName()
			attr := func(i int) string {
				if len(t) > i {
					if a, ok := t[i].(hcl.TraverseAttr); ok {
						return a.Name
					}
				}
				return ""
			}
			where := fmt.Sprintf("%s:%d", t.SourceRange().Filename, t.SourceRange().Start.Line)
			switch root {
			case "var":
				if _, ok := m.variables[attr(1)]; !ok {
					fail("%s: var.%s is not declared", where, attr(1))
				}
			case "local":
				if !m.locals[attr(1)] {
					fail("%s: local.%s is not declared", where, attr(1))
				}
			case "module":
				call, ok := m.modules[attr(1)]
				if !ok {
					fail("%s: module.%s is not declared", where, attr(1))
					continue
				}
				if out := attr(2); out != "" {
					if child := childOf(m, call); child != nil && !child.outputs[out] {
						fail("%s: module.%s has no output %q", where, attr(1), out)
					}
				}
			case "data":
				if !m.data[attr(1)+"."+attr(2)] {
					fail("%s: data.%s.%s is not declared", where, attr(1), attr(2))
				}
			case "each", "count", "path", "terraform", "self":
			default:
				if strings.Contains(root, "_") && !m.resources[root+"."+attr(1)] {
					fail("%s: resource %s.%s is not declared", where, root, attr(1))
				}
			}
		}
	}
	for name, call := range m.modules {
		child := childOf(m, call)
		if child == nil {
			continue
		}
		where := fmt.Sprintf("%s:%d", call.TypeRange.Filename, call.TypeRange.Start.Line)
		meta := map[string]bool{"source": true, "version": true, "providers": true, "count": true, "for_each": true, "depends_on": true}
		for arg := range call.Body.Attributes {
			if _, ok := child.variables[arg]; !ok && !meta[arg] {
				fail("%s: module %q passes %q, which %s does not declare", where, name, arg, child.dir)
			}
		}
		for v, hasDefault := range child.variables {
			if _, ok := call.Body.Attributes[v]; !ok && !hasDefault {
				fail("%s: module %q does not pass required variable %q", where, name, v)
			}
		}
	}
}

var loaded = map[string]*module{}

func childOf(m *module, call *hclsyntax.Block) *module {
	a, ok := call.Body.Attributes["source"]
	if !ok {
		fail("%s: module without source", m.dir)
		return nil
	}
	v, diags := a.Expr.Value(nil)
	if diags.HasErrors() || !strings.HasPrefix(v.AsString(), ".") {
		return nil // registry or remote source: not checkable offline
	}
	dir := filepath.Clean(filepath.Join(m.dir, v.AsString()))
	if c, ok := loaded[dir]; ok {
		return c
	}
	c := load(dir)
	loaded[dir] = c
	return c
}
