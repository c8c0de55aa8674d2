package bundle_test

import (
	"bytes"
	"compress/gzip"
	"context"
	"crypto/ed25519"
	"crypto/rand"
	"encoding/base64"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"testing"

	"filippo.io/age"

	"yizhan/app"
	"yizhan/domain"
	"yizhan/hall"
	"yizhan/hall/httpapi"
	hallsqlite "yizhan/hall/sqlite"
	"yizhan/internal/synctest"
	"yizhan/sync/bundle"
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
	if bundle.Version >= 2 {
		scan(t, st, c.ID, goldenScan)
	}
	tmp := t.TempDir()
	exp, reply := filepath.Join(tmp, "export"), filepath.Join(tmp, "reply")
	if _, err := bundle.ExportBundle(ctx, st.Station, exp); err != nil {
		t.Fatal(err)
	}
	if _, err := bundle.HallImport(ctx, httpapi.BundleSide(svc), exp, reply); err != nil {
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

// goldenScan is the attachment in the golden exports from version 2 on.
var goldenScan = []byte("golden scan: \x89PNG stand-in, 0123456789")

// scan stores data as an attachment and records it on the case's M1.
func scan(t *testing.T, st *synctest.Station, caseID string, data []byte) string {
	t.Helper()
	ctx := context.Background()
	sha, err := st.ImportBlob(ctx, st.Actor, "scan.jpg", "image/jpeg", bytes.NewReader(data))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := st.RecordMaterial(ctx, st.Actor, caseID, app.MaterialInput{Code: "M1", Collected: domain.CollectScan, Count: 1, Blobs: []string{sha}}); err != nil {
		t.Fatal(err)
	}
	return sha
}

// TestGoldenBundlesImport: the golden bundles of every format version this
// program reads open with the current code, decode to exactly the payload
// they hold (no field lost or renamed), and import end to end — the export
// into a real hall, the reply into a station.
func TestGoldenBundlesImport(t *testing.T) {
	ctx := context.Background()
	k := loadGoldenKeys(t)
	for v := bundle.MinVersion; v <= bundle.Version; v++ {
		t.Run(fmt.Sprintf("v%d", v), func(t *testing.T) {
			exp := filepath.Join(goldenDir, fmt.Sprintf("v%d-export.bundle", v))
			reply := filepath.Join(goldenDir, fmt.Sprintf("v%d-reply.bundle", v))
			svc := goldenHall(t, k)
			hallOpener := bundle.Opener{Me: bundle.HallName, Identity: mustAge(t, k.HallAge), Kind: bundle.KindExport,
				Signer: func(string) (ed25519.PublicKey, error) { return k.stationSign(t).Public().(ed25519.PublicKey), nil }}
			b := openGolden(t, exp, hallOpener, mustAge(t, k.HallAge))
			if b.Header.V != v || b.Payload.V != v {
				t.Fatalf("versions: header %d, payload %d, want %d", b.Header.V, b.Payload.V, v)
			}
			events := 0
			for _, r := range b.Payload.Requests {
				events += len(r.Events)
			}
			tmp := t.TempDir()
			rep, err := bundle.HallImport(ctx, httpapi.BundleSide(svc), exp, filepath.Join(tmp, "reply"))
			if err != nil {
				t.Fatalf("hall import of a v%d export: %v", v, err)
			}
			if events == 0 || rep.Acks.Accepted != events || rep.Version != v {
				t.Fatalf("hall import: %+v, want %d events accepted", rep, events)
			}
			if got := inspectFile(t, filepath.Join(tmp, "reply")); got.V != v {
				t.Fatalf("reply to a v%d export is v%d: that station could not read it", v, got.V)
			}
			if rep.Attachments.Stored != len(b.Payload.Blobs) || v >= 2 && len(b.Payload.Blobs) == 0 {
				t.Fatalf("attachments: %+v, export carries %d", rep.Attachments, len(b.Payload.Blobs))
			}
			for _, f := range b.Payload.Blobs {
				if _, complete, err := svc.BlobStatus(ctx, "ST01", f.SHA256); !complete || err != nil {
					t.Fatalf("attachment %s not at the hall: %v", f.SHA256, err)
				}
			}
			// The station that exported: it holds the exported events
			// (put back here as the hall's log has them) and the scan.
			st := goldenStation(t, k)
			stOpener := bundle.Opener{Me: "ST01", Identity: mustAge(t, k.StationAge), Kind: bundle.KindReply,
				Signer: func(string) (ed25519.PublicKey, error) { return k.hallSign(t).Public().(ed25519.PublicKey), nil }}
			rb := openGolden(t, reply, stOpener, mustAge(t, k.StationAge))
			seqs := map[string]int64{}
			for _, r := range rb.Payload.Replies {
				for _, a := range r.Response.Acks {
					seqs[a.ID] = a.Seq
				}
			}
			var held app.Pulled
			for _, r := range b.Payload.Requests {
				for _, e := range r.Events {
					held.Events = append(held.Events, app.PulledEvent{Event: e, HallSeq: seqs[e.ID], Status: app.StatusAccepted})
				}
			}
			if err := st.ApplyPulled(ctx, held); err != nil {
				t.Fatal(err)
			}
			if len(b.Payload.Blobs) > 0 {
				if _, err := st.ImportBlob(ctx, st.Actor, "scan.jpg", "image/jpeg", bytes.NewReader(b.Payload.Blobs[0].Data)); err != nil {
					t.Fatal(err)
				}
			}
			res, err := bundle.ImportReply(ctx, st.Station, reply)
			if err != nil {
				t.Fatalf("station import of a v%d reply: %v", v, err)
			}
			cur, _ := st.Cursor(ctx)
			if res.Acks.Accepted != events || cur == 0 || res.Attachments != len(b.Payload.Blobs) {
				t.Fatalf("reply import: %+v, cursor %d", res, cur)
			}
			if n, _ := st.PendingBlobCount(ctx); n != 0 {
				t.Fatalf("%d attachments still waiting after the reply", n)
			}
		})
	}
}

// openGolden opens a golden bundle and checks that the current payload type
// encodes it back to exactly the sealed JSON.
func openGolden(t *testing.T, path string, o bundle.Opener, id age.Identity) *bundle.Bundle {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	b, err := bundle.Open(bytes.NewReader(data), o)
	if err != nil {
		t.Fatalf("open %s: %v", path, err)
	}
	ar, err := age.Decrypt(bytes.NewReader(data[len(data)-int(b.Header.Size):]), id)
	if err != nil {
		t.Fatal(err)
	}
	zr, err := gzip.NewReader(ar)
	if err != nil {
		t.Fatal(err)
	}
	sealed, err := io.ReadAll(zr)
	if err != nil {
		t.Fatal(err)
	}
	var again bytes.Buffer
	enc := json.NewEncoder(&again)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(b.Payload); err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(again.Bytes(), sealed) {
		t.Fatalf("%s: the payload does not survive decoding:\nsealed  %.300s\nencoded %.300s", path, sealed, again.Bytes())
	}
	return b
}
