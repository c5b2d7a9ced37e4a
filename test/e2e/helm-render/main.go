// Renders a Helm chart directory's own templates the way `helm template` does, for the tests.
// No helm binary installs here; this is Helm's template engine rebuilt from the same parts (Go
// text/template and sprig) so the wrapper chart the tool writes is executed, not pattern-matched.
//
// Usage: helm-render CHART_DIR [-f VALUES_FILE]... [--name RELEASE] [--namespace NS]
// Output (stdout): every rendered document as `---\n# Source: <chart>/templates/<file>\n<doc>\n`.
// A parse or execute error (a failed `required`, say) exits 1 with Helm's message shape on stderr.
//
// What Helm does, from helm/helm v3.21.4 (3e6014342e8358148ae0adc47d1ade956e04a502):
//   - pkg/engine/funcs.go funcMap: sprig.TxtFuncMap without env and expandenv; toYaml (sigs.k8s.io/yaml
//     Marshal: JSON first, then go-yaml v2, trailing newline trimmed), fromYaml (errors into
//     m["Error"]), fromYamlArray, toJson, fromJson, fromJsonArray, include, tpl, required, lookup
//     (an empty map without a cluster connection, as under `helm template`).
//   - pkg/engine/engine.go: one template set named "<chart>/templates/<file>", parsed in
//     sortTemplates order (deeper paths first, then by name), Option missingkey=zero, "<no value>"
//     replaced by ""; files whose base name starts with "_" are parsed but not rendered; `required`
//     fails on nil or ""; `fail` and `required` messages reach the user as
//     "execution error at (<file>:<line>:<col>): <message>"; getHostByName returns "" (DNS off).
//   - chartutil.ReadValues reads values with sigs.k8s.io/yaml (YAML -> JSON -> encoding/json), so
//     every number is a float64 in a template; user values are coalesced over the chart's
//     values.yaml, maps merged key by key, a null removing the key (chartutil/coalesce.go).
//   - cmd/helm/template.go prints "---\n# Source: %s\n%s\n" per document of releaseutil.SplitManifests.
//
// What it does not do is listed in README.md ("Argo CD (seed 000)").
package main

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"text/template"

	// Sprig v3 (Debian golang-github-masterminds-sprig-dev) and go-yaml v2 (golang-gopkg-yaml.v2-dev),
	// built in GOPATH mode: no network.
	"github.com/Masterminds/sprig"
	"gopkg.in/yaml.v2"
)

// Chart is the part of Helm's chart.Metadata a template can read as .Chart (field names as Helm's).
type Chart struct {
	APIVersion   string            `yaml:"apiVersion"`
	Name         string            `yaml:"name"`
	Version      string            `yaml:"version"`
	AppVersion   string            `yaml:"appVersion"`
	Description  string            `yaml:"description"`
	Type         string            `yaml:"type"`
	KubeVersion  string            `yaml:"kubeVersion"`
	Home         string            `yaml:"home"`
	Icon         string            `yaml:"icon"`
	Keywords     []string          `yaml:"keywords"`
	Sources      []string          `yaml:"sources"`
	Annotations  map[string]string `yaml:"annotations"`
	Deprecated   bool              `yaml:"deprecated"`
	Dependencies []Dependency      `yaml:"dependencies"`
	IsRoot       bool              `yaml:"-"`
}

// Dependency as pkg/chart/dependency.go names the Chart.yaml keys.
type Dependency struct {
	Name         string        `yaml:"name"`
	Version      string        `yaml:"version"`
	Repository   string        `yaml:"repository"`
	Condition    string        `yaml:"condition"`
	Tags         []string      `yaml:"tags"`
	Enabled      bool          `yaml:"enabled"`
	ImportValues []interface{} `yaml:"import-values"`
	Alias        string        `yaml:"alias"`
}

// APIVersions mirrors chartutil.VersionSet: `.Capabilities.APIVersions.Has "apps/v1"`.
type APIVersions []string

func (v APIVersions) Has(apiVersion string) bool {
	for _, x := range v {
		if x == apiVersion {
			return true
		}
	}
	return false
}

// KubeVersion mirrors chartutil.KubeVersion (helm template's default when no --kube-version is given).
type KubeVersion struct{ Version, Major, Minor string }

func (k KubeVersion) String() string { return k.Version }

// GitVersion is what older charts read.
func (k KubeVersion) GitVersion() string { return k.Version }

const warnStart, warnEnd = "HELM_ERR_START", "HELM_ERR_END"

var warnRegex = regexp.MustCompile(warnStart + `((?s).*)` + warnEnd)

func main() {
	if err := run(os.Args[1:]); err != nil {
		fmt.Fprintln(os.Stderr, "Error:", err)
		os.Exit(1)
	}
}

func run(args []string) error {
	var dir, name, namespace = "", "release-name", "default"
	var valueFiles []string
	for i := 0; i < len(args); i++ {
		switch a := args[i]; a {
		case "-f", "--values", "--name", "--namespace":
			if i+1 >= len(args) {
				return fmt.Errorf("%s needs a value", a)
			}
			i++
			switch a {
			case "--name":
				name = args[i]
			case "--namespace":
				namespace = args[i]
			default:
				valueFiles = append(valueFiles, args[i])
			}
		default:
			if dir != "" {
				return fmt.Errorf("one chart directory only (got %q and %q)", dir, a)
			}
			dir = a
		}
	}
	if dir == "" {
		return errors.New("usage: helm-render CHART_DIR [-f VALUES]... [--name RELEASE] [--namespace NS]")
	}
	chart, err := readChart(dir)
	if err != nil {
		return err
	}
	values, err := readValues(filepath.Join(dir, "values.yaml"), true)
	if err != nil {
		return err
	}
	for _, f := range valueFiles {
		over, err := readValues(f, false)
		if err != nil {
			return err
		}
		values = coalesce(over, values)
	}
	tpls, err := readTemplates(dir, chart.Name)
	if err != nil {
		return err
	}
	top := map[string]interface{}{
		"Values":  values,
		"Chart":   chart,
		"Release": map[string]interface{}{"Name": name, "Namespace": namespace, "Service": "Helm", "IsInstall": true, "IsUpgrade": false, "Revision": 1},
		"Capabilities": map[string]interface{}{
			"KubeVersion": KubeVersion{Version: "v1.31.0", Major: "1", Minor: "31"},
			"APIVersions": APIVersions{"v1", "apps/v1", "batch/v1", "policy/v1", "rbac.authorization.k8s.io/v1", "networking.k8s.io/v1", "admissionregistration.k8s.io/v1", "apiextensions.k8s.io/v1"},
			"HelmVersion": map[string]interface{}{"Version": "v3.21.4"},
		},
		"Subcharts": map[string]interface{}{},
	}
	rendered, err := render(tpls, top, chart.Name)
	if err != nil {
		return err
	}
	var out bytes.Buffer
	names := make([]string, 0, len(rendered))
	for n := range rendered {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		if strings.HasSuffix(n, "NOTES.txt") {
			continue // helm template leaves the notes out
		}
		for _, doc := range splitManifests(rendered[n]) {
			fmt.Fprintf(&out, "---\n# Source: %s\n%s\n", n, doc)
		}
	}
	_, err = os.Stdout.Write(out.Bytes())
	return err
}

func readChart(dir string) (*Chart, error) {
	raw, err := os.ReadFile(filepath.Join(dir, "Chart.yaml"))
	if err != nil {
		return nil, fmt.Errorf("reading Chart.yaml: %w", err)
	}
	var c Chart
	if err := yaml.UnmarshalStrict(raw, &c); err != nil {
		return nil, fmt.Errorf("Chart.yaml: %w", err)
	}
	if c.APIVersion != "v2" {
		return nil, fmt.Errorf("Chart.yaml: apiVersion must be v2 (got %q)", c.APIVersion)
	}
	if c.Name == "" || c.Version == "" {
		return nil, errors.New("Chart.yaml: name and version are required")
	}
	c.IsRoot = true
	return &c, nil
}

// readValues reads a values file as sigs.k8s.io/yaml does: go-yaml v2, then through JSON.
func readValues(file string, optional bool) (map[string]interface{}, error) {
	raw, err := os.ReadFile(file)
	if err != nil {
		if optional && errors.Is(err, fs.ErrNotExist) {
			return map[string]interface{}{}, nil
		}
		return nil, err
	}
	var y interface{}
	if err := yaml.Unmarshal(raw, &y); err != nil {
		return nil, fmt.Errorf("%s: %w", file, err)
	}
	if y == nil {
		return map[string]interface{}{}, nil
	}
	j, err := json.Marshal(jsonable(y))
	if err != nil {
		return nil, fmt.Errorf("%s: %w", file, err)
	}
	out := map[string]interface{}{}
	if err := json.Unmarshal(j, &out); err != nil {
		return nil, fmt.Errorf("%s: values must be a map: %w", file, err)
	}
	return out, nil
}

// jsonable turns go-yaml v2's map[interface{}]interface{} into JSON-encodable maps, keys as strings
// (sigs.k8s.io/yaml convertToJSONableObject formats non-string keys the same way).
func jsonable(v interface{}) interface{} {
	switch t := v.(type) {
	case map[interface{}]interface{}:
		m := make(map[string]interface{}, len(t))
		for k, x := range t {
			m[fmt.Sprint(k)] = jsonable(x)
		}
		return m
	case []interface{}:
		for i := range t {
			t[i] = jsonable(t[i])
		}
		return t
	default:
		return v
	}
}

// coalesce puts user values over defaults: maps merge key by key, a null removes the key.
func coalesce(user, defaults map[string]interface{}) map[string]interface{} {
	out := make(map[string]interface{}, len(defaults))
	for k, v := range defaults {
		out[k] = v
	}
	for k, v := range user {
		if v == nil {
			delete(out, k)
			continue
		}
		um, uok := v.(map[string]interface{})
		dm, dok := out[k].(map[string]interface{})
		if uok && dok {
			out[k] = coalesce(um, dm)
		} else {
			out[k] = v
		}
	}
	return out
}

// readTemplates reads every file under templates/, named "<chart>/templates/<relative path>".
func readTemplates(dir, chartName string) (map[string]string, error) {
	root := filepath.Join(dir, "templates")
	tpls := map[string]string{}
	err := filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		rel, _ := filepath.Rel(root, p)
		raw, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		tpls[path.Join(chartName, "templates", filepath.ToSlash(rel))] = string(raw)
		return nil
	})
	return tpls, err
}

func render(tpls map[string]string, top map[string]interface{}, chartName string) (rendered map[string]string, err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("rendering template failed: %v", r)
		}
	}()
	t := template.New("gotpl").Option("missingkey=zero")
	included := map[string]int{}
	fm := funcMap()
	fm["include"] = includeFun(t, included)
	fm["tpl"] = tplFun(t, included)
	t.Funcs(fm)

	keys := make([]string, 0, len(tpls))
	for k := range tpls {
		keys = append(keys, k)
	}
	// engine.go sortTemplates: deeper paths first, then reverse by name.
	sort.Slice(keys, func(i, j int) bool {
		ci, cj := strings.Count(keys[i], "/"), strings.Count(keys[j], "/")
		if ci == cj {
			return keys[i] > keys[j]
		}
		return ci > cj
	})
	for _, name := range keys {
		if _, err := t.New(name).Parse(tpls[name]); err != nil {
			return nil, cleanupParseError(name, err)
		}
	}
	rendered = map[string]string{}
	for _, name := range keys {
		if strings.HasPrefix(path.Base(name), "_") {
			continue
		}
		vals := make(map[string]interface{}, len(top)+1)
		for k, v := range top {
			vals[k] = v
		}
		vals["Template"] = map[string]interface{}{"Name": name, "BasePath": path.Join(chartName, "templates")}
		var buf strings.Builder
		if err := t.ExecuteTemplate(&buf, name, vals); err != nil {
			return nil, cleanupExecError(name, err)
		}
		rendered[name] = strings.ReplaceAll(buf.String(), "<no value>", "")
	}
	return rendered, nil
}

func funcMap() template.FuncMap {
	f := sprig.TxtFuncMap()
	delete(f, "env")
	delete(f, "expandenv")
	f["toYaml"] = toYAML
	f["fromYaml"] = fromYAML
	f["fromYamlArray"] = fromYAMLArray
	f["toJson"] = func(v interface{}) string {
		b, err := json.Marshal(v)
		if err != nil {
			return ""
		}
		return string(b)
	}
	f["fromJson"] = func(s string) map[string]interface{} {
		m := map[string]interface{}{}
		if err := json.Unmarshal([]byte(s), &m); err != nil {
			m["Error"] = err.Error()
		}
		return m
	}
	f["fromJsonArray"] = func(s string) []interface{} {
		a := []interface{}{}
		if err := json.Unmarshal([]byte(s), &a); err != nil {
			a = []interface{}{err.Error()}
		}
		return a
	}
	f["required"] = func(warn string, val interface{}) (interface{}, error) {
		if val == nil {
			return val, errors.New(warnStart + warn + warnEnd)
		}
		if s, ok := val.(string); ok && s == "" {
			return val, errors.New(warnStart + warn + warnEnd)
		}
		return val, nil
	}
	f["fail"] = func(msg string) (string, error) { return "", errors.New(warnStart + msg + warnEnd) }
	f["lookup"] = func(string, string, string, string) (map[string]interface{}, error) {
		return map[string]interface{}{}, nil
	}
	f["getHostByName"] = func(string) string { return "" }
	// Helm has these; this renderer has no TOML library: a chart using one fails loudly, never silently.
	for _, n := range []string{"toToml", "fromToml", "toYamlPretty"} {
		name := n
		f[name] = func(...interface{}) (string, error) {
			return "", fmt.Errorf("%s is a Helm function this test renderer does not implement", name)
		}
	}
	return f
}

// toYAML is sigs.k8s.io/yaml Marshal (JSON, then go-yaml v2) with the trailing newline trimmed.
func toYAML(v interface{}) string {
	j, err := json.Marshal(v)
	if err != nil {
		return ""
	}
	var obj interface{}
	if err := yaml.Unmarshal(j, &obj); err != nil {
		return ""
	}
	out, err := yaml.Marshal(obj)
	if err != nil {
		return ""
	}
	return strings.TrimSuffix(string(out), "\n")
}

func fromYAML(s string) map[string]interface{} {
	m := map[string]interface{}{}
	var y interface{}
	if err := yaml.Unmarshal([]byte(s), &y); err != nil {
		m["Error"] = err.Error()
		return m
	}
	j, err := json.Marshal(jsonable(y))
	if err == nil {
		err = json.Unmarshal(j, &m)
	}
	if err != nil {
		m["Error"] = err.Error()
	}
	return m
}

func fromYAMLArray(s string) []interface{} {
	a := []interface{}{}
	var y interface{}
	if err := yaml.Unmarshal([]byte(s), &y); err != nil {
		return []interface{}{err.Error()}
	}
	j, err := json.Marshal(jsonable(y))
	if err == nil {
		err = json.Unmarshal(j, &a)
	}
	if err != nil {
		return []interface{}{err.Error()}
	}
	return a
}

func includeFun(t *template.Template, included map[string]int) func(string, interface{}) (string, error) {
	return func(name string, data interface{}) (string, error) {
		if included[name] > 1000 {
			return "", fmt.Errorf("rendering template has a nested reference name: %s", name)
		}
		included[name]++
		defer func() { included[name]-- }()
		var buf strings.Builder
		err := t.ExecuteTemplate(&buf, name, data)
		return buf.String(), err
	}
}

func tplFun(parent *template.Template, included map[string]int) func(string, interface{}) (string, error) {
	return func(text string, vals interface{}) (string, error) {
		t, err := parent.Clone()
		if err != nil {
			return "", fmt.Errorf("cannot clone template: %w", err)
		}
		t.Option("missingkey=zero")
		t.Funcs(template.FuncMap{"include": includeFun(t, included), "tpl": tplFun(t, included)})
		t, err = t.New(parent.Name()).Parse(text)
		if err != nil {
			return "", fmt.Errorf("cannot parse template %q: %w", text, err)
		}
		var buf strings.Builder
		if err := t.Execute(&buf, vals); err != nil {
			return "", fmt.Errorf("error during tpl function execution for %q: %w", text, err)
		}
		return strings.ReplaceAll(buf.String(), "<no value>", ""), nil
	}
}

func cleanupParseError(name string, err error) error {
	tokens := strings.Split(err.Error(), ": ")
	if len(tokens) == 1 {
		return fmt.Errorf("parse error in (%s): %s", name, err)
	}
	return fmt.Errorf("parse error at (%s): %s", tokens[1], tokens[len(tokens)-1])
}

func cleanupExecError(name string, err error) error {
	var execErr template.ExecError
	if !errors.As(err, &execErr) {
		return err
	}
	tokens := strings.SplitN(err.Error(), ": ", 3)
	if len(tokens) != 3 {
		return fmt.Errorf("execution error in (%s): %s", name, err)
	}
	if parts := warnRegex.FindStringSubmatch(tokens[2]); len(parts) >= 2 {
		return fmt.Errorf("execution error at (%s): %s", tokens[1], parts[1])
	}
	return err
}

// splitManifests is releaseutil.SplitManifests: documents split on "---" lines, blank ones dropped.
var sep = regexp.MustCompile(`(?:^|\s*\n)---\s*`)

func splitManifests(text string) []string {
	var out []string
	for _, d := range sep.Split(text, -1) {
		if d = strings.TrimSpace(d); d != "" {
			out = append(out, d)
		}
	}
	return out
}
