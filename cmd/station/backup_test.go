package main

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// An encrypted backup through the CLI: a key pair from backup-keygen, the
// backup encrypted to its recipient, a restore that needs the identity.
func TestBackupEncryptedRoundTrip(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "station")
	keys := t.TempDir()
	station(t, dir, 0, "init", "--code", "370112001", "--name", "示例镇便民服务中心", "--region", "370112",
		"--admin", "head", "--admin-name", "王站长", "--admin-password", "head-secret-1")
	station(t, dir, 0, "catalog", "import", "../../app/testdata/township-sample.json")
	station(t, dir, 0, "case", "open", "--item", "370112-RS-001-01-S", "--name", testName, "--id", testID,
		"--phone", testPhone, "--material", "M1=paper")

	idFile := filepath.Join(keys, "county.key")
	var kg struct {
		Recipient string `json:"recipient"`
	}
	if err := json.Unmarshal([]byte(station(t, dir, 0, "--json", "backup-keygen", idFile)), &kg); err != nil || !strings.HasPrefix(kg.Recipient, "age1") {
		t.Fatalf("backup-keygen: %v %+v", err, kg)
	}
	if fi, err := os.Stat(idFile); err != nil || fi.Mode().Perm() != 0o600 {
		t.Fatalf("identity file mode: %v %v", fi, err)
	}
	station(t, dir, 1, "backup-keygen", idFile) // never overwrites a key

	recips := filepath.Join(keys, "recipients.txt")
	os.WriteFile(recips, []byte(kg.Recipient+"\n"), 0o644)
	sealed := filepath.Join(t.TempDir(), "station.db.age")
	station(t, dir, 0, "backup", "--recipients-file", recips, sealed)
	b, _ := os.ReadFile(sealed)
	if !bytes.HasPrefix(b, []byte("age-encryption.org/v1")) || bytes.Contains(b, []byte(testID)) {
		t.Fatal("the backup is not encrypted")
	}
	station(t, dir, 0, "case", "open", "--item", "370112-RS-001-01-S", "--name", "李四", "--id", "110105195001010039", "--phone", "13912345678", "--material", "M1=paper")

	station(t, dir, 1, "restore", sealed) // no identity
	out := station(t, dir, 0, "restore", "--identity", idFile, sealed)
	if !strings.Contains(out, "audit chain ok=true") {
		t.Fatalf("restore: %s", out)
	}
	if list := station(t, dir, 0, "case", "list"); strings.Count(list, "370112001-") != 1 {
		t.Fatalf("after restore, want the one case of the backup:\n%s", list)
	}
}
