package auth_test

import (
	"context"
	"crypto/ed25519"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"net/http/httptest"
	"os"
	"path/filepath"
	"testing"

	"github.com/ccicma/platform/pkg/auth"
)

func TestIssuerJWKS(t *testing.T) {
	t.Parallel()
	iss := newIssuer(t, nil)
	w := httptest.NewRecorder()
	iss.JWKSHandler().ServeHTTP(w, httptest.NewRequest("GET", "/.well-known/jwks.json", nil))
	if ct := w.Header().Get("Content-Type"); w.Code != 200 || ct != "application/jwk-set+json" {
		t.Fatalf("JWKS answered %d %s", w.Code, ct)
	}
	var set struct {
		Keys []map[string]string `json:"keys"`
	}
	if err := json.Unmarshal(w.Body.Bytes(), &set); err != nil {
		t.Fatal(err)
	}
	if len(set.Keys) != 1 {
		t.Fatalf("%d keys, want 1", len(set.Keys))
	}
	k := set.Keys[0]
	if k["kty"] != "OKP" || k["crv"] != "Ed25519" || k["alg"] != "EdDSA" || k["use"] != "sig" || k["kid"] != iss.KeyID() || k["x"] == "" {
		t.Errorf("key %v", k)
	}
	if _, private := k["d"]; private {
		t.Error("the JWKS publishes the private key")
	}
}

func TestSigningKeyFile(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	pemKey, err := auth.GenerateKeyPEM()
	if err != nil {
		t.Fatal(err)
	}
	seed := make([]byte, ed25519.SeedSize)
	for i := range seed {
		seed[i] = byte(i)
	}
	files := map[string][]byte{
		"key.pem":    pemKey,
		"seed.hex":   []byte(hex.EncodeToString(seed) + "\n"),
		"seed.b64":   []byte(base64.StdEncoding.EncodeToString(seed)),
		"seed.b64u":  []byte(base64.RawURLEncoding.EncodeToString(seed)),
		"short.hex":  []byte("abcd"),
		"garbage.pm": []byte("-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n"),
	}
	for name, content := range files {
		if err := os.WriteFile(filepath.Join(dir, name), content, 0o600); err != nil {
			t.Fatal(err)
		}
	}
	kid := func(name string) string {
		t.Helper()
		c := auth.Config{Issuer: issuerName, SigningKeyFile: filepath.Join(dir, name)}
		o, err := c.IssuerOptions()
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		iss, err := auth.NewIssuer(o)
		if err != nil {
			t.Fatal(err)
		}
		// Tokens of the file's key verify against its JWKS.
		v := staticVerifier(t, iss.JWKS())
		if _, err := v.Verify(context.Background(), issue(t, iss, lea)); err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		return iss.KeyID()
	}
	// The same key gives the same kid across restarts.
	if a, b := kid("key.pem"), kid("key.pem"); a != b {
		t.Errorf("one PEM key, two kids: %s %s", a, b)
	}
	if a, b, c := kid("seed.hex"), kid("seed.b64"), kid("seed.b64u"); a != b || b != c {
		t.Errorf("one seed, several kids: %s %s %s", a, b, c)
	}
	if kid("key.pem") == kid("seed.hex") {
		t.Error("two keys, one kid")
	}
	for _, bad := range []string{"short.hex", "garbage.pm", "missing"} {
		if _, err := auth.LoadKey(filepath.Join(dir, bad)); err == nil {
			t.Errorf("LoadKey(%s) accepted", bad)
		}
	}
}
