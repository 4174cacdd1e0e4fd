//go:build ignore

// inlining-objdump: for a sample of the compiler's hot-budget inlining
// decisions ("hot-budget check allows inlining for call F (cost N) at
// FILE:LINE:COL in function G", cmd/compile/internal/inline/inl.go
// inlineCostOK), what `go tool objdump` shows in G: the bytes of the
// instructions it attributes to F's own source lines (the declaration's
// line span, from go/parser; alignment NOPs apart), and the CALL
// instructions to F at LINE.
// pgodrift's unit tests compare these with the bytes of the inline-tree
// node's own code (its pcs less its children's) and with its call
// decoding (tests/unit/test_inlining.c).
//
// Usage: go run contrib/inlining-objdump.go -go GO -bin BIN -decisions FILE -n N
// Output: TSV with a header line, one sample per line, sorted.
package main

import (
	"bufio"
	"flag"
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"sort"
	"strconv"
	"strings"
)

type decision struct {
	callee, caller, file string
	line                 int
}

type span struct {
	file       string
	start, end int
}

var (
	goCmd  = flag.String("go", "go", "go command")
	bin    = flag.String("bin", "", "binary")
	decs   = flag.String("decisions", "", "file with the compiler's hot-budget lines")
	nWant  = flag.Int("n", 40, "samples")
	rxDec  = regexp.MustCompile(`^hot-budget check allows inlining for call (\S+) \(cost \d+\) at (\S+):(\d+):\d+ in function (\S+)$`)
	rxInsn = regexp.MustCompile(`^\s+(\S+):(\d+)\s+0x[0-9a-f]+\s+([0-9a-f]+)\s+(.*)$`)
)

func main() {
	flag.Parse()
	ds, err := readDecisions(*decs)
	check(err)
	// Spread the sample over the sorted list; skip closures (no declaration
	// of their own to parse) and callees whose source cannot be found.
	step := len(ds) / *nWant
	if step < 1 {
		step = 1
	}
	fmt.Println("caller\tline\tcallee\tcallee_span\tobjdump_bytes\tobjdump_nop_bytes\tobjdump_calls")
	dumps := map[string][]string{}
	n := 0
	for i := 0; i < len(ds) && n < *nWant; i += step {
		d := ds[i]
		sp, ok := declSpan(d.callee)
		if !ok {
			continue
		}
		lines, ok := dumps[d.caller]
		if !ok {
			lines = objdump(d.caller)
			dumps[d.caller] = lines
		}
		bytes, nops, calls := measure(lines, d, sp)
		fmt.Printf("%s\t%d\t%s\t%s:%d-%d\t%d\t%d\t%d\n", d.caller, d.line, d.callee, sp.file, sp.start, sp.end, bytes, nops, calls)
		n++
	}
}

func check(err error) {
	if err != nil {
		fmt.Fprintln(os.Stderr, "inlining-objdump:", err)
		os.Exit(2)
	}
}

func readDecisions(path string) ([]decision, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	seen := map[decision]bool{}
	var out []decision
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 1<<20), 1<<20)
	for sc.Scan() {
		m := rxDec.FindStringSubmatch(sc.Text())
		if m == nil || strings.Contains(m[1], ".func") || strings.Contains(m[4], ".func") {
			continue
		}
		line, _ := strconv.Atoi(m[3])
		d := decision{callee: m[1], caller: m[4], file: m[2], line: line}
		if !seen[d] {
			seen[d] = true
			out = append(out, d)
		}
	}
	sort.Slice(out, func(i, j int) bool {
		a, b := out[i], out[j]
		if a.caller != b.caller {
			return a.caller < b.caller
		}
		if a.line != b.line {
			return a.line < b.line
		}
		return a.callee < b.callee
	})
	return out, sc.Err()
}

// splitName: "go/printer.(*printer).print" -> package, receiver type, name.
func splitName(name string) (pkg, recv, fn string) {
	if i := strings.Index(name, "["); i >= 0 {
		name = name[:i]
	}
	slash := strings.LastIndex(name, "/")
	dot := strings.Index(name[slash+1:], ".")
	if dot < 0 {
		return "", "", ""
	}
	pkg = name[:slash+1+dot]
	rest := name[slash+1+dot+1:]
	if j := strings.LastIndex(rest, "."); j >= 0 {
		recv = strings.Trim(rest[:j], "(*)")
		fn = rest[j+1:]
	} else {
		fn = rest
	}
	return pkg, recv, fn
}

func declSpan(name string) (span, bool) {
	pkg, recv, fn := splitName(name)
	if pkg == "" {
		return span{}, false
	}
	out, err := exec.Command(*goCmd, "list", "-f", "{{.Dir}}", pkg).Output()
	if err != nil {
		return span{}, false
	}
	dir := strings.TrimSpace(string(out))
	files, _ := filepath.Glob(filepath.Join(dir, "*.go"))
	fset := token.NewFileSet()
	for _, path := range files {
		if strings.HasSuffix(path, "_test.go") {
			continue
		}
		f, err := parser.ParseFile(fset, path, nil, parser.SkipObjectResolution)
		if err != nil {
			continue
		}
		for _, decl := range f.Decls {
			fd, ok := decl.(*ast.FuncDecl)
			if !ok || fd.Name.Name != fn || recvName(fd) != recv || fd.Body == nil {
				continue
			}
			return span{path, fset.Position(fd.Pos()).Line, fset.Position(fd.End()).Line}, true
		}
	}
	return span{}, false
}

func recvName(fd *ast.FuncDecl) string {
	if fd.Recv == nil || len(fd.Recv.List) == 0 {
		return ""
	}
	t := fd.Recv.List[0].Type
	for {
		switch x := t.(type) {
		case *ast.StarExpr:
			t = x.X
		case *ast.IndexExpr:
			t = x.X
		case *ast.IndexListExpr:
			t = x.X
		case *ast.Ident:
			return x.Name
		default:
			return ""
		}
	}
}

func objdump(fn string) []string {
	out, err := exec.Command(*goCmd, "tool", "objdump", "-s", "^"+regexp.QuoteMeta(fn)+"$", *bin).Output()
	check(err)
	return strings.Split(string(out), "\n")
}

// measure: bytes of instructions attributed to the callee's span, and calls
// to the callee at the decision's line of the caller's file.
func measure(lines []string, d decision, sp span) (bytes, nops, calls int) {
	call := "CALL " + d.callee + "(SB)"
	for _, l := range lines {
		m := rxInsn.FindStringSubmatch(l)
		if m == nil {
			continue
		}
		file := m[1]
		line, _ := strconv.Atoi(m[2])
		// Alignment padding carries the line of the code after it but may
		// belong to no inlined copy (PCDATA_InlTreeIndex -1): counted apart.
		if filepath.Base(file) == filepath.Base(sp.file) && strings.HasSuffix(sp.file, file) &&
			line >= sp.start && line <= sp.end {
			if strings.HasPrefix(strings.TrimSpace(m[4]), "NOP") {
				nops += len(m[3]) / 2
			} else {
				bytes += len(m[3]) / 2
			}
		}
		if strings.HasSuffix(d.file, file) && line == d.line && strings.HasPrefix(strings.TrimSpace(m[4]), call) {
			calls++
		}
	}
	return bytes, nops, calls
}
