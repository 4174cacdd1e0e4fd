//go:build ignore

// field-metrics judges pgodrift against the compiler's own log: run by
// contrib/field-check.sh (`go run contrib/field-metrics.go ...`), after the
// data stage has built every program with -gcflags=all=-d=pgodebug=3.
//
// The oracle is cmd/compile's CallStat record, one JSON line per call
// (cmd/compile/internal/devirtualize/pgo.go, ProfileGuided and
// constructCallStat): Pkg, Pos (file:line:col), Caller (linker name),
// Direct, Interface, Weight (all edges at the call's line offset), Hottest,
// Devirtualized (the callee the call was rewritten to). CallStat does not
// name the callee of a call that was not devirtualized, so each record is
// paired with the "PGO devirtualize considering call EXPR" line that
// ProfileGuided prints just before it (pgodebug >= 2, same Pos; the edit is
// post-order, so the last such line with that Pos is the call's own) and the
// called name is read from EXPR: the selector before the outermost argument
// list ("p.lineFor(x.Pos())" calls lineFor). That is what tells two calls on
// one line apart.
package main

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
)

// Rec is one CallStat record plus the call expression and the called name.
type Rec struct {
	Pkg                 string
	Pos                 string
	Caller              string
	Direct              bool
	Interface           bool
	Weight              int64
	Hottest             string
	HottestWeight       int64
	Devirtualized       string
	DevirtualizedWeight int64
	Call                string // the considering line's expression ("" if none)
	Name                string // called name read from Call ("" if none)
}

// Site is the part of a pgodrift check site this harness reads.
type Site struct {
	Verdict     string  `json:"verdict"`
	Caller      string  `json:"caller"`
	File        string  `json:"file"`
	Line        int     `json:"line"`
	Offset      int     `json:"offset"`
	Kind        string  `json:"kind"`
	Method      *string `json:"method"`
	Guarded     *string `json:"guarded"`
	GuardedType *string `json:"guarded_type"`
	Binary      *struct {
		Checked bool    `json:"checked"`
		Guard   *string `json:"guard"`
	} `json:"binary"`
	Callees []struct {
		Name string `json:"name"`
	} `json:"callees"`
}

// Report is the part of a pgodrift check report this harness reads.
type Report struct {
	Summary map[string]any `json:"summary"`
	Outcome any            `json:"outcome"`
	Sites   []Site         `json:"sites"`
}

// Row is one line of the table (one program, one build).
type Row struct {
	Go              string         `json:"go"`
	Program         string         `json:"program"`
	Build           string         `json:"build"`
	Base            string         `json:"base"`
	Judged          int            `json:"indirect_sites_judged"`
	Misclassified   int            `json:"misclassified"`
	Unmatched       int            `json:"unmatched"`
	CallerRenamed   int            `json:"caller_named_otherwise"`
	GuardVsBinary   int            `json:"guard_vs_binary"`
	GuardNoBinary   int            `json:"guard_not_in_binary"`
	GuardVsOracle   int            `json:"guard_vs_oracle"`
	LostGuard       int            `json:"devirtualized_without_guard"`
	SitesMiscls     int            `json:"misclassified_all_kinds"`
	DevirtTotal     int            `json:"weighted_devirt_total"`
	DevirtListed    int            `json:"weighted_devirt_listed"`
	SameFindings    int            `json:"false_alarms_fresh_eq_base"`
	SameVerdicts    map[string]int `json:"fresh_eq_base_verdicts"`
	SameOutcome     any            `json:"fresh_eq_base_outcome"`
	SameExit        int            `json:"fresh_eq_base_exit"`
	SameMS1Findings int            `json:"false_alarms_fresh_eq_base_min_samples_1"`
	SameMS1Verdicts map[string]int `json:"fresh_eq_base_min_samples_1_verdicts"`
	OtherFindings   int            `json:"findings_fresh_other"`
	OtherOutcome    any            `json:"fresh_other_outcome"`
	OtherVerdicts   map[string]int `json:"fresh_other_verdicts"`
	OtherExit       int            `json:"fresh_other_exit"`
	Details         string         `json:"details"`
}

var (
	root     = flag.String("root", "", "FIELD_DIR/<go version>")
	pgodrift = flag.String("pgodrift", "", "pgodrift binary")
	tag      = flag.String("tag", "current", "results directory name")
	goroot   = flag.String("goroot", "", "GOROOT of the toolchain (path prefixes to strip)")
)

func main() {
	flag.Parse()
	if *root == "" || *pgodrift == "" {
		fatal(errors.New("usage: field-metrics -root DIR -pgodrift BIN [-tag T] [-goroot G] program..."))
	}
	out := filepath.Join(*root, "results-"+*tag)
	if err := os.MkdirAll(out, 0o755); err != nil {
		fatal(err)
	}
	var rows []Row
	for _, prog := range flag.Args() {
		r, err := program(prog, out)
		if err != nil {
			fatal(fmt.Errorf("%s: %w", prog, err))
		}
		rows = append(rows, r...)
	}
	if err := writeTables(out, rows); err != nil {
		fatal(err)
	}
}

func fatal(err error) {
	fmt.Fprintln(os.Stderr, "field-metrics:", err)
	os.Exit(2)
}

// build is one analysed binary and the profile check uses as its base.
type build struct{ name, base, other, oracle string }

func program(prog, out string) ([]Row, error) {
	dir := filepath.Join(*root, prog)
	if err := os.MkdirAll(filepath.Join(out, prog), 0o755); err != nil {
		return nil, err
	}
	oracles := map[string][]Rec{}
	for _, b := range []string{"pgoA", "pgoB"} {
		if _, err := os.Stat(filepath.Join(dir, b+".jsonl")); err != nil { // finished builds only
			continue
		}
		recs, err := deriveOracle(filepath.Join(dir, b+".log"), filepath.Join(dir, b+".oracle.jsonl"))
		if err != nil {
			return nil, err
		}
		oracles[b] = recs
	}
	// A non-PGO build logs nothing (ProfileGuided runs only with a profile):
	// its calls are classified by the PGO-from-A build's log (same source).
	builds := []build{
		{"pgoA", "A", "B", "pgoA"},
		{"pgoB", "B", "A", "pgoB"},
		{"nopgo", "A", "B", "pgoA"},
		{"nopgo", "B", "A", "pgoB"},
	}
	var rows []Row
	for _, b := range builds {
		// Only what the data stage finished: binary, both captures, oracle.
		ready := true
		for _, f := range []string{b.name, b.base + ".pprof", b.other + ".pprof", b.oracle + ".jsonl"} {
			if _, err := os.Stat(filepath.Join(dir, f)); err != nil {
				ready = false
			}
		}
		if !ready {
			continue
		}
		row, err := judge(prog, dir, out, b, oracles[b.oracle], b.name != "nopgo")
		if err != nil {
			return nil, err
		}
		rows = append(rows, row)
	}
	return rows, nil
}

// deriveOracle reads a go build log and writes the enriched records.
func deriveOracle(logPath, outPath string) ([]Rec, error) {
	f, err := os.Open(logPath)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	const considering = ": PGO devirtualize considering call "
	lastCall := map[string]string{} // Pos -> expression of the last considering line
	var recs []Rec
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 1<<20), 64<<20)
	for sc.Scan() {
		line := sc.Text()
		if strings.HasPrefix(line, "# ") {
			lastCall = map[string]string{} // next package
			continue
		}
		if i := strings.Index(line, considering); i > 0 {
			lastCall[line[:i]] = line[i+len(considering):]
			continue
		}
		if !strings.HasPrefix(line, "{") {
			continue
		}
		var r Rec
		if err := json.Unmarshal([]byte(line), &r); err != nil {
			return nil, fmt.Errorf("%s: %w", logPath, err)
		}
		r.Call = lastCall[r.Pos]
		r.Name = calledName(r.Call)
		recs = append(recs, r)
	}
	if err := sc.Err(); err != nil {
		return nil, err
	}
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	for i := range recs {
		if err := enc.Encode(&recs[i]); err != nil {
			return nil, err
		}
	}
	return recs, writeFile(outPath, buf.Bytes())
}

// calledName: "p.lineFor(x.Pos())" -> "lineFor"; "(*T).M(t, a)" -> "M";
// "f(x)" -> "f"; "pkg.F[int](x)" -> "F".
func calledName(expr string) string {
	s := strings.TrimSpace(expr)
	if !strings.HasSuffix(s, ")") {
		return ""
	}
	open := lastTopOpen(s, '(')
	if open <= 0 {
		return ""
	}
	fun := s[:open]
	if strings.HasSuffix(fun, "]") { // generic instantiation: F[go.shape.[]string,...]
		if j := lastTopOpen(fun, '['); j > 0 {
			fun = fun[:j]
		}
	}
	fun = strings.TrimRight(fun, ")")
	if j := strings.LastIndex(fun, "."); j >= 0 {
		fun = fun[j+1:]
	}
	return fun
}

// lastTopOpen: index of the last bracket ch opened at nesting depth 0,
// skipping string and rune literals ("a(", `x]`, '('), or -1.
func lastTopOpen(s string, ch byte) int {
	depth, last := 0, -1
	for i := 0; i < len(s); i++ {
		switch c := s[i]; c {
		case '"', '\'', '`':
			for i++; i < len(s) && s[i] != c; i++ {
				if s[i] == '\\' && c != '`' {
					i++
				}
			}
		case '(', '[', '{':
			if depth == 0 && c == ch {
				last = i
			}
			depth++
		case ')', ']', '}':
			depth--
		}
	}
	return last
}

func writeFile(path string, data []byte) error {
	tmp := path + ".tmp"
	if err := os.WriteFile(tmp, data, 0o644); err != nil {
		return err
	}
	return os.Rename(tmp, path)
}

// normFile strips the toolchain's GOROOT so DWARF and log paths compare.
func normFile(p string) string {
	prefixes := []string{"$GOROOT/"}
	if *goroot != "" {
		prefixes = append(prefixes, *goroot+"/")
		if real, err := filepath.EvalSymlinks(*goroot); err == nil {
			prefixes = append(prefixes, real+"/")
		}
		if real, err := filepath.EvalSymlinks(filepath.Join(*goroot, "src")); err == nil {
			prefixes = append(prefixes, filepath.Dir(real)+"/")
		}
	}
	for _, pre := range prefixes {
		if strings.HasPrefix(p, pre) {
			return p[len(pre):]
		}
	}
	return p
}

// posKey of a record: caller|file|line.
func recKey(r *Rec) string {
	p := r.Pos
	// file:line:col; the file may hold colons, so cut from the right.
	i := strings.LastIndex(p, ":")
	if i > 0 {
		p = p[:i]
	}
	j := strings.LastIndex(p, ":")
	if j <= 0 {
		return r.Caller + "|" + p
	}
	return r.Caller + "|" + normFile(p[:j]) + "|" + p[j+1:]
}

// recFileLine: normalised file and line of a record's Pos.
func recFileLine(r *Rec) (string, int, bool) {
	p := r.Pos
	i := strings.LastIndex(p, ":")
	if i <= 0 {
		return "", 0, false
	}
	p = p[:i]
	j := strings.LastIndex(p, ":")
	if j <= 0 {
		return "", 0, false
	}
	line, err := strconv.Atoi(p[j+1:])
	if err != nil {
		return "", 0, false
	}
	return normFile(p[:j]), line, true
}

func posKey(file string, line int) string { return file + "|" + strconv.Itoa(line) }

func siteKey(s *Site) string {
	return s.Caller + "|" + normFile(s.File) + "|" + strconv.Itoa(s.Line)
}

func str(p *string) string {
	if p == nil {
		return ""
	}
	return *p
}

// methodOf: "pkg.(*T).M" -> "M"; "pkg.T.M" -> "M".
func methodOf(fn string) string {
	if j := strings.LastIndex(fn, "."); j >= 0 {
		return fn[j+1:]
	}
	return fn
}

func indirectKind(k string) bool { return k == "interface" || k == "func-value" }

// runCheck runs pgodrift check --all as JSON into out; a findings exit (1)
// or any other status that still wrote a report is data, not an error.
func runCheck(bin, base, fresh, out string, extra ...string) (Report, int, error) {
	var rep Report
	_ = os.Remove(out)
	args := append([]string{"check", "--all", "--format", "json", "--output", out,
		"--binary", bin, "--base", base, "--fresh", fresh}, extra...)
	cmd := exec.Command(*pgodrift, args...)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	err := cmd.Run()
	code := 0
	if err != nil {
		var ee *exec.ExitError
		if !errors.As(err, &ee) {
			return rep, 0, err
		}
		code = ee.ExitCode()
	}
	data, rerr := os.ReadFile(out)
	if rerr != nil {
		return rep, code, fmt.Errorf("pgodrift check %s (exit %d): %s", bin, code, strings.TrimSpace(stderr.String()))
	}
	if err := json.Unmarshal(data, &rep); err != nil {
		return rep, code, fmt.Errorf("%s: %w", out, err)
	}
	return rep, code, nil
}

// runSites runs pgodrift sites as JSON into out.
func runSites(bin, prof, out string) (Report, error) {
	var rep Report
	cmd := exec.Command(*pgodrift, "sites", "--format", "json", "--output", out, "--binary", bin, prof)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	if err := cmd.Run(); err != nil {
		return rep, fmt.Errorf("pgodrift sites %s: %v: %s", bin, err, strings.TrimSpace(stderr.String()))
	}
	data, err := os.ReadFile(out)
	if err != nil {
		return rep, err
	}
	return rep, json.Unmarshal(data, &rep)
}

// falseAlarm: with fresh == base only never-dominant is a fair finding.
func finding(verdict string) bool {
	switch verdict {
	case "ok", "insufficient-samples":
		return false
	}
	return true
}

func judge(prog, dir, out string, b build, oracle []Rec, pgo bool) (Row, error) {
	bin := filepath.Join(dir, b.name)
	label := b.name // file names of this row's outputs
	if !pgo {
		label += "-" + b.base
	}
	base := filepath.Join(dir, b.base+".pprof")
	other := filepath.Join(dir, b.other+".pprof")
	row := Row{Go: filepath.Base(*root), Program: prog, Build: b.name, Base: b.base,
		SameVerdicts: map[string]int{}, OtherVerdicts: map[string]int{}, SameMS1Verdicts: map[string]int{}}
	same, code, err := runCheck(bin, base, base, filepath.Join(out, prog, label+".same.json"))
	if err != nil {
		return row, err
	}
	row.SameExit = code
	row.SameOutcome = same.Outcome
	if row.SameOutcome == nil && same.Summary != nil {
		row.SameOutcome = same.Summary["outcome"]
	}
	oth, code, err := runCheck(bin, base, other, filepath.Join(out, prog, label+".other.json"))
	if err != nil {
		return row, err
	}
	row.OtherExit = code
	row.OtherOutcome = oth.Outcome
	if row.OtherOutcome == nil && oth.Summary != nil {
		row.OtherOutcome = oth.Summary["outcome"]
	}
	// At the default --min-samples 30 a capture of a few thousand samples
	// leaves most sites insufficient-samples; --min-samples 1 judges them all.
	same1, _, err := runCheck(bin, base, base, filepath.Join(out, prog, label+".same-ms1.json"), "--min-samples", "1")
	if err != nil {
		return row, err
	}

	byKey := map[string][]*Rec{}
	byPos := map[string][]*Rec{}
	for i := range oracle {
		k := recKey(&oracle[i])
		byKey[k] = append(byKey[k], &oracle[i])
		if file, line, ok := recFileLine(&oracle[i]); ok {
			byPos[posKey(file, line)] = append(byPos[posKey(file, line)], &oracle[i])
		}
	}
	var det strings.Builder
	fmt.Fprintf(&det, "# %s %s %s: base %s; oracle %s.oracle.jsonl\n", row.Go, prog, b.name, b.base, b.oracle)
	section := func(title string) { fmt.Fprintf(&det, "\n## %s\n", title) }

	section("misclassified (pgodrift kind vs the compiler's Direct/Interface for the same call)")
	var unmatched, renamed []string
	for i := range same.Sites {
		s := &same.Sites[i]
		if indirectKind(s.Kind) {
			row.Judged++
		}
		if !indirectKind(s.Kind) && s.Kind != "direct" {
			continue
		}
		recs := byKey[siteKey(s)]
		if len(recs) == 0 {
			// The compiler may name the caller otherwise: a //go:linkname
			// alias (runtime.mapaccess2 is internal/runtime/maps.
			// runtime_mapaccess2 to ir.LinkFuncName, so it never sees the
			// profile's edges), or a closure renamed by inlining.
			recs = byPos[posKey(normFile(s.File), s.Line)]
			if len(recs) == 0 {
				unmatched = append(unmatched, fmt.Sprintf("%s %s:%d %s %s", s.Caller, normFile(s.File), s.Line, s.Kind, str(s.Method)))
				continue
			}
			row.CallerRenamed++
			renamed = append(renamed, fmt.Sprintf("%s %s:%d %s %s: the compiler's caller is %s (weight %d)", s.Caller,
				normFile(s.File), s.Line, s.Kind, str(s.Method), recs[0].Caller, recs[0].Weight))
		}
		if why := misclassified(s, recs); why != "" {
			row.Misclassified++
			fmt.Fprintf(&det, "%s %s:%d pgodrift=%s method=%s callees=%s: %s\n", s.Caller, normFile(s.File), s.Line,
				s.Kind, str(s.Method), calleeList(s), why)
		}
	}
	row.Unmatched = len(unmatched)
	section("unmatched (no compiler record at this file:line)")
	for _, u := range unmatched {
		det.WriteString(u + "\n")
	}
	section("caller named otherwise by the compiler (matched by file:line; classified above)")
	for _, u := range renamed {
		det.WriteString(u + "\n")
	}

	section("misclassified among all sites `pgodrift sites` lists (direct included), profile = base")
	if all, err := runSites(bin, base, filepath.Join(out, prog, label+".sites.json")); err != nil {
		return row, err
	} else {
		for i := range all.Sites {
			s := &all.Sites[i]
			if !indirectKind(s.Kind) && s.Kind != "direct" {
				continue
			}
			recs := byKey[siteKey(s)]
			if len(recs) == 0 {
				recs = byPos[posKey(normFile(s.File), s.Line)]
			}
			if len(recs) == 0 {
				continue
			}
			if why := misclassified(s, recs); why != "" {
				row.SitesMiscls++
				fmt.Fprintf(&det, "%s %s:%d pgodrift=%s method=%s callees=%s: %s\n", s.Caller, normFile(s.File), s.Line,
					s.Kind, str(s.Method), calleeList(s), why)
			}
		}
	}

	section("guards: pgodrift's guarded callee vs the binary's guard and the compiler's Devirtualized")
	if pgo {
		for i := range same.Sites {
			s := &same.Sites[i]
			if !indirectKind(s.Kind) {
				continue
			}
			mirrored := str(s.GuardedType)
			if s.Kind == "func-value" {
				mirrored = str(s.Guarded)
			}
			shipped := ""
			if s.Binary != nil && s.Binary.Guard != nil {
				shipped = *s.Binary.Guard
			}
			switch {
			case shipped != "" && mirrored != shipped:
				row.GuardVsBinary++
				fmt.Fprintf(&det, "binary: %s %s:%d %s: reported %q, binary guards %q\n", s.Caller, normFile(s.File), s.Line, s.Kind, mirrored, shipped)
			case shipped == "" && mirrored != "":
				row.GuardNoBinary++
				fmt.Fprintf(&det, "not-in-binary: %s %s:%d %s: reported %q, binary guards nothing\n", s.Caller, normFile(s.File), s.Line, s.Kind, mirrored)
			}
			recs := byKey[siteKey(s)]
			if len(recs) == 0 {
				recs = byPos[posKey(normFile(s.File), s.Line)]
			}
			dv := oracleDevirt(s, recs)
			if dv != "" && str(s.Guarded) == "" && shipped == "" {
				// Logged as devirtualized, but no guard shipped (the copy
				// that survives was inlined before the rewrite): the
				// binary wins, so this is no disagreement.
				row.LostGuard++
				fmt.Fprintf(&det, "lost: %s %s:%d %s: compiler devirtualized %q, the binary guards nothing, none reported\n", s.Caller, normFile(s.File), s.Line, s.Kind, dv)
			} else if dv != str(s.Guarded) {
				row.GuardVsOracle++
				fmt.Fprintf(&det, "oracle: %s %s:%d %s: reported %q, compiler devirtualized %q\n", s.Caller, normFile(s.File), s.Line, s.Kind, str(s.Guarded), dv)
			}
		}

		section("weighted devirtualizations (Devirtualized != \"\" and Weight > 0) not listed by check --all")
		listed := map[string]bool{}
		for i := range same.Sites {
			s := &same.Sites[i]
			if !indirectKind(s.Kind) {
				continue
			}
			k := siteKey(s)
			if s.Kind == "interface" {
				listed[k+"|i|"+str(s.Method)] = true
			} else {
				listed[k+"|f"] = true
			}
		}
		for i := range oracle {
			r := &oracle[i]
			if r.Devirtualized == "" || r.Weight <= 0 {
				continue
			}
			row.DevirtTotal++
			k := recKey(r)
			if r.Interface {
				k += "|i|" + methodOf(r.Devirtualized)
			} else {
				k += "|f"
			}
			if listed[k] {
				row.DevirtListed++
				continue
			}
			fmt.Fprintf(&det, "%s %s %s -> %s (weight %d)\n", r.Caller, r.Pos, r.Call, r.Devirtualized, r.Weight)
		}
	}

	section("findings with fresh == base (only never-dominant is fair)")
	for i := range same.Sites {
		s := &same.Sites[i]
		if !finding(s.Verdict) {
			continue
		}
		row.SameVerdicts[s.Verdict]++
		if s.Verdict != "never-dominant" {
			row.SameFindings++
			fmt.Fprintf(&det, "%s: %s %s:%d %s %s guarded=%s\n", s.Verdict, s.Caller, normFile(s.File), s.Line, s.Kind, str(s.Method), str(s.Guarded))
		}
	}
	section("findings with fresh == base and --min-samples 1")
	for i := range same1.Sites {
		s := &same1.Sites[i]
		if !finding(s.Verdict) {
			continue
		}
		row.SameMS1Verdicts[s.Verdict]++
		if s.Verdict != "never-dominant" {
			row.SameMS1Findings++
			fmt.Fprintf(&det, "%s: %s %s:%d %s %s guarded=%s\n", s.Verdict, s.Caller, normFile(s.File), s.Line, s.Kind, str(s.Method), str(s.Guarded))
		}
	}
	for i := range oth.Sites {
		s := &oth.Sites[i]
		if finding(s.Verdict) {
			row.OtherVerdicts[s.Verdict]++
			row.OtherFindings++
		}
	}
	row.Details = filepath.Join(out, prog, label+".details.txt")
	return row, writeFile(row.Details, []byte(det.String()))
}

func calleeList(s *Site) string {
	var names []string
	for _, c := range s.Callees {
		names = append(names, c.Name)
	}
	if len(names) > 3 {
		names = append(names[:3], "...")
	}
	return strings.Join(names, ",")
}

// misclassified returns why the site's kind contradicts the compiler's
// records for the calls at its caller and line, or "".
func misclassified(s *Site, recs []*Rec) string {
	var iface, fval, direct []*Rec
	for _, r := range recs {
		switch {
		case r.Direct:
			direct = append(direct, r)
		case r.Interface:
			iface = append(iface, r)
		default:
			fval = append(fval, r)
		}
	}
	named := func(rs []*Rec, name string) bool {
		for _, r := range rs {
			if r.Name == name {
				return true
			}
		}
		return false
	}
	switch s.Kind {
	case "interface":
		m := str(s.Method)
		if named(iface, m) {
			return ""
		}
		if named(direct, m) {
			return "the compiler calls " + m + " directly"
		}
		if len(iface) == 0 {
			return fmt.Sprintf("no interface call on the line (%d direct, %d func-value)", len(direct), len(fval))
		}
		return ""
	case "func-value":
		if len(fval) > 0 {
			return ""
		}
		return fmt.Sprintf("no function-value call on the line (%d direct, %d interface)", len(direct), len(iface))
	case "direct":
		for _, c := range s.Callees {
			if named(iface, methodOf(c.Name)) && !named(direct, methodOf(c.Name)) {
				return "the compiler makes an interface call of " + methodOf(c.Name)
			}
		}
		if len(direct) == 0 && len(fval) > 0 {
			return "the compiler makes only function-value calls on the line"
		}
	}
	return ""
}

// oracleDevirt: the compiler's Devirtualized for the call this site stands for.
func oracleDevirt(s *Site, recs []*Rec) string {
	for _, r := range recs {
		if r.Direct || r.Devirtualized == "" {
			continue
		}
		if s.Kind == "interface" && r.Interface && (r.Name == str(s.Method) || methodOf(r.Devirtualized) == str(s.Method)) {
			return r.Devirtualized
		}
		if s.Kind == "func-value" && !r.Interface {
			return r.Devirtualized
		}
	}
	return ""
}

func verdicts(m map[string]int) string {
	var keys []string
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	var parts []string
	for _, k := range keys {
		parts = append(parts, fmt.Sprintf("%s=%d", k, m[k]))
	}
	if len(parts) == 0 {
		return "-"
	}
	return strings.Join(parts, ",")
}

func orDash(v any) string {
	if v == nil {
		return "-"
	}
	return fmt.Sprint(v)
}

func writeTables(out string, rows []Row) error {
	var tsv, txt bytes.Buffer
	hdr := []string{"go", "program", "build", "base", "judged", "miscls", "miscls(sites)", "unmatched", "caller!=", "guard!=bin", "guard-not-in-bin",
		"guard!=oracle", "lost-guard", "devirt-listed", "false-alarms(fresh=base)", "fresh=base verdicts", "outcome", "exit",
		"false-alarms(ms=1)", "ms=1 verdicts", "findings(fresh=other)", "fresh=other verdicts", "other outcome"}
	tsv.WriteString(strings.Join(hdr, "\t") + "\n")
	var table [][]string
	table = append(table, hdr)
	for _, r := range rows {
		g := func(n int) string {
			if r.Build == "nopgo" {
				return "-"
			}
			return strconv.Itoa(n)
		}
		devirt := "-"
		if r.Build != "nopgo" {
			devirt = fmt.Sprintf("%d/%d", r.DevirtListed, r.DevirtTotal)
		}
		outcome := orDash(r.SameOutcome)
		cells := []string{r.Go, r.Program, r.Build, r.Base, strconv.Itoa(r.Judged), strconv.Itoa(r.Misclassified), strconv.Itoa(r.SitesMiscls),
			strconv.Itoa(r.Unmatched), strconv.Itoa(r.CallerRenamed), g(r.GuardVsBinary), g(r.GuardNoBinary), g(r.GuardVsOracle), g(r.LostGuard), devirt,
			strconv.Itoa(r.SameFindings), verdicts(r.SameVerdicts), outcome, strconv.Itoa(r.SameExit),
			strconv.Itoa(r.SameMS1Findings), verdicts(r.SameMS1Verdicts),
			strconv.Itoa(r.OtherFindings), verdicts(r.OtherVerdicts), orDash(r.OtherOutcome)}
		tsv.WriteString(strings.Join(cells, "\t") + "\n")
		table = append(table, cells)
	}
	width := make([]int, len(hdr))
	for _, c := range table {
		for i, v := range c {
			width[i] = max(width[i], len(v))
		}
	}
	for _, c := range table {
		for i, v := range c {
			if i > 0 {
				txt.WriteString("  ")
			}
			fmt.Fprintf(&txt, "%-*s", width[i], v)
		}
		txt.WriteString("\n")
	}
	js, err := json.MarshalIndent(rows, "", "  ")
	if err != nil {
		return err
	}
	for name, data := range map[string][]byte{"metrics.tsv": tsv.Bytes(), "metrics.txt": txt.Bytes(), "metrics.json": append(js, '\n')} {
		if err := writeFile(filepath.Join(out, name), data); err != nil {
			return err
		}
	}
	os.Stdout.Write(txt.Bytes())
	fmt.Fprintf(os.Stderr, "field: tables in %s/metrics.{txt,tsv,json}; per build details in %s/*/*.details.txt\n", out, out)
	return nil
}
