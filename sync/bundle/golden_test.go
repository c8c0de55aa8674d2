package bundle_test

import (
	"bytes"
	"context"
	"crypto/ed25519"
	"crypto/rand"
	"encoding/base64"
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"testing"

	"filippo.io/age"

	"yizhan/hall"
	hallsqlite "yizhan/hall/sqlite"
	"yizhan/sync/bundle"
	"yizhan/sync/hallserver"
	"yizhan/sync/internal/synctest"
	"yizhan/sync/protocol"
)

// Golden bundles in testdata/golden, one export and its reply per format
// version, made by the code of that version with fixed test keys. A
// version's files are written once, when it becomes current
// (go test ./sync/bundle -run TestWriteGolden -golden.write), and never
// again: they are what stations and halls of that version put on USB
// sticks, which a newer program must still import.
var writeGolden = flag.Bool("golden.write", false, "write the golden bundles of the current format version (never overwrite an older version's)")

const goldenDir = "testdata/golden"

// goldenKeys are the fixed test keys the golden bundles are sealed with.
type goldenKeys struct {
	StationSignSeed string `json:"station_sign_seed"`
	StationAge      string `json:"station_age_identity"`
	HallSignSeed    string `json:"hall_sign_seed"`
	HallAge         string `json:"hall_age_identity"`
}

func loadGoldenKeys(t *testing.T) goldenKeys {
	t.Helper()
	var k goldenKeys
	data, err := os.ReadFile(filepath.Join(goldenDir, "keys.json"))
	if os.IsNotExist(err) && *writeGolden {
		k = newGoldenKeys(t)
		b, _ := json.MarshalIndent(k, "", "  ")
		if err := os.WriteFile(filepath.Join(goldenDir, "keys.json"), append(b, '\n'), 0o644); err != nil {
			t.Fatal(err)
		}
		return k
	}
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(data, &k); err != nil {
		t.Fatal(err)
	}
	return k
}

func newGoldenKeys(t *testing.T) goldenKeys {
	seed := func() string {
		b := make([]byte, ed25519.SeedSize)
		rand.Read(b)
		return base64.StdEncoding.EncodeToString(b)
	}
	ageID := func() string {
		id, err := age.GenerateX25519Identity()
		if err != nil {
			t.Fatal(err)
		}
		return id.String()
	}
	return goldenKeys{StationSignSeed: seed(), StationAge: ageID(), HallSignSeed: seed(), HallAge: ageID()}
}

func (k goldenKeys) stationSign(t *testing.T) ed25519.PrivateKey {
	b, err := base64.StdEncoding.DecodeString(k.StationSignSeed)
	if err != nil {
		t.Fatal(err)
	}
	return ed25519.NewKeyFromSeed(b)
}

func (k goldenKeys) hallSign(t *testing.T) ed25519.PrivateKey {
	b, err := base64.StdEncoding.DecodeString(k.HallSignSeed)
	if err != nil {
		t.Fatal(err)
	}
	return ed25519.NewKeyFromSeed(b)
}

func mustAge(t *testing.T, s string) *age.X25519Identity {
	id, err := age.ParseX25519Identity(s)
	if err != nil {
		t.Fatal(err)
	}
	return id
}

// goldenHall starts a real hall whose keys are the golden hall keys, with
// the test catalog published and ST01 enrolled with the golden station
// keys.
func goldenHall(t *testing.T, k goldenKeys) *hall.Service {
	t.Helper()
	ctx := context.Background()
	dir := t.TempDir()
	kdir := filepath.Join(dir, "data", "keys")
	if err := os.MkdirAll(kdir, 0o700); err != nil {
		t.Fatal(err)
	}
	os.WriteFile(filepath.Join(kdir, "hall_ed25519.key"), []byte(k.HallSignSeed+"\n"), 0o600)
	os.WriteFile(filepath.Join(kdir, "hall_age.key"), []byte(k.HallAge+"\n"), 0o600)
	store, err := hallsqlite.Open(ctx, filepath.Join(dir, "hall.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { store.Close() })
	svc, err := hall.New(ctx, store, hall.Config{Dir: filepath.Join(dir, "data")})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := svc.PublishCatalog(ctx, synctest.Catalog()); err != nil {
		t.Fatal(err)
	}
	code, err := svc.AddStation(ctx, "ST01", "测试驿站 ST01", "370112")
	if err != nil {
		t.Fatal(err)
	}
	sign := k.stationSign(t)
	req := protocol.EnrollRequest{V: protocol.Version, Code: code, SignKey: base64.StdEncoding.EncodeToString(sign.Public().(ed25519.PublicKey)),
		AgeKey: mustAge(t, k.StationAge).Recipient().String()}
	if _, err := svc.Enroll(ctx, req); err != nil {
		t.Fatal(err)
	}
	return svc
}

// goldenStation opens a station ST01 in a fresh directory whose key folder
// holds the golden station keys and the golden hall's public keys.
func goldenStation(t *testing.T, k goldenKeys) *synctest.Station {
	t.Helper()
	dir := t.TempDir()
	kdir := filepath.Join(dir, "keys")
	if err := os.MkdirAll(kdir, 0o700); err != nil {
		t.Fatal(err)
	}
	st, _ := json.Marshal(map[string]any{"v": 1, "sign_seed": k.StationSignSeed, "age_identity": k.StationAge})
	hk, _ := json.Marshal(map[string]any{"v": 1, "station": "ST01", "token": "ST01.golden",
		"hall_sign_key": base64.StdEncoding.EncodeToString(k.hallSign(t).Public().(ed25519.PublicKey)),
		"hall_age_key":  mustAge(t, k.HallAge).Recipient().String(), "hall_url": "http://hall.invalid"})
	os.WriteFile(filepath.Join(kdir, "station.json"), st, 0o600)
	os.WriteFile(filepath.Join(kdir, "hall.json"), hk, 0o600)
	return synctest.OpenStation(t, dir, "ST01")
}

// TestWriteGolden writes the golden export and reply of the current format
// version: a station's case (with a scan) exported, imported at a hall,
// and the hall's reply.
func TestWriteGolden(t *testing.T) {
	if !*writeGolden {
		t.Skip("writes testdata/golden only with -golden.write")
	}
	ctx := context.Background()
	k := loadGoldenKeys(t)
	svc := goldenHall(t, k)
	st := goldenStation(t, k)
	c := st.OpenCase(t, synctest.StationItem)
	st.Note(t, c.ID, "golden")
	tmp := t.TempDir()
	exp, reply := filepath.Join(tmp, "export"), filepath.Join(tmp, "reply")
	if _, err := bundle.ExportBundle(ctx, st.Station, exp); err != nil {
		t.Fatal(err)
	}
	if _, err := bundle.HallImport(ctx, hallserver.BundleSide(svc), exp, reply); err != nil {
		t.Fatal(err)
	}
	hdr := inspectFile(t, exp)
	for name, src := range map[string]string{"export": exp, "reply": reply} {
		dst := filepath.Join(goldenDir, fmt.Sprintf("v%d-%s.bundle", hdr.V, name))
		if _, err := os.Stat(dst); err == nil {
			t.Fatalf("%s exists: golden files of a version are never rewritten", dst)
		}
		data, _ := os.ReadFile(src)
		if err := os.WriteFile(dst, data, 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

func inspectFile(t *testing.T, path string) bundle.Header {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	h, err := bundle.Inspect(bytes.NewReader(data))
	if err != nil {
		t.Fatal(err)
	}
	return h
}
