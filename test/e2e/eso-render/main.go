// Renders External Secrets templates the way the ESO v1 controller does, for the e2e tests.
//
// Input (stdin, JSON): {"template": {"key": "go template", ...}, "data": {"secretKey": "value", ...}}
// Output (stdout, JSON): {"key": "rendered value", ...}; a parse or execute error exits 1.
//
// What ESO does (external-secrets/external-secrets runtime/template/v2/template.go at v1.x and
// commit cc5bfbc2234ace9cb0caff4ea89c435cf517b27b; pkg/template/v2/template.go at v0.17.0, the
// first release serving external-secrets.io/v1, deletes only env and expandenv): each value of
// spec.target.template.data is a separate text/template named after its key, with
// Option("missingkey=error"), default delimiters, and data given as map[string]string (the
// secret values as strings). The function map is sprig's TxtFuncMap without env, expandenv and
// getHostByName (runtime/template/v2/sprig/README.md), plus ESO's own PKCS#12/PEM/JWK/YAML/RSA
// helpers. Those need ESO's code: here they are registered under their names so that a template
// using one parses as it does in ESO, and rendering it fails loudly instead of guessing.
package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"text/template"

	// Sprig v3 (Debian golang-github-masterminds-sprig-dev), built in GOPATH mode: no network.
	"github.com/Masterminds/sprig"
)

var esoOnly = []string{
	"pkcs12key", "pkcs12keyPass", "pkcs12cert", "pkcs12certPass",
	"pemToPkcs12", "pemToPkcs12Pass", "fullPemToPkcs12", "fullPemToPkcs12Pass",
	"pemTruststoreToPKCS12", "pemTruststoreToPKCS12Pass",
	"filterPEM", "filterCertChain", "certSANs",
	"jwkPublicKeyPem", "jwkPrivateKeyPem",
	"toYaml", "fromYaml", "rsaDecrypt",
}

func funcMap() template.FuncMap {
	fm := sprig.TxtFuncMap()
	for _, name := range []string{"env", "expandenv", "getHostByName"} {
		delete(fm, name)
	}
	for _, name := range esoOnly {
		n := name
		fm[n] = func(args ...interface{}) (string, error) {
			return "", fmt.Errorf("%s is an External Secrets function this test renderer does not implement", n)
		}
	}
	return fm
}

func main() {
	var in struct {
		Template map[string]string `json:"template"`
		Data     map[string]string `json:"data"`
	}
	if err := json.NewDecoder(os.Stdin).Decode(&in); err != nil {
		fmt.Fprintln(os.Stderr, "reading input:", err)
		os.Exit(2)
	}
	fm := funcMap()
	out := make(map[string]string, len(in.Template))
	for key, text := range in.Template {
		t, err := template.New(key).Option("missingkey=error").Funcs(fm).Parse(text)
		if err != nil {
			fmt.Fprintf(os.Stderr, "unable to parse template at key %s: %s\n", key, err)
			os.Exit(1)
		}
		var buf bytes.Buffer
		if err := t.Execute(&buf, in.Data); err != nil {
			fmt.Fprintf(os.Stderr, "unable to execute template at key %s: %s\n", key, err)
			os.Exit(1)
		}
		out[key] = buf.String()
	}
	if err := json.NewEncoder(os.Stdout).Encode(out); err != nil {
		fmt.Fprintln(os.Stderr, "writing output:", err)
		os.Exit(2)
	}
}
