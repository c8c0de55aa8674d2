package bundle_test

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"math/rand/v2"
	"os"
	"path/filepath"
	"testing"

	"yizhan/app/hallclient"
	"yizhan/domain"
	"yizhan/internal/synctest"
	"yizhan/sync/bundle"
	"yizhan/sync/protocol"
)

// noise returns n bytes that do not compress, starting with marker.
func noise(seed uint64, n int, marker string) []byte {
	r := rand.New(rand.NewPCG(seed, 7))
	b := make([]byte, n)
	for i := range b {
		b[i] = byte(r.Uint32())
	}
	copy(b, marker)
	return b
}

func sha(b []byte) string {
	s := sha256.Sum256(b)
	return hex.EncodeToString(s[:])
}

// TestScansTravelByUSB: a station without any network sends its scans on
// USB sticks within a budget. What does not fit is listed and goes in the
// next bundle (even one made before the reply came back); the hall keeps
// each scan only after checking its SHA-256 and says so in the reply; a
// relay carries them unread.
func TestScansTravelByUSB(t *testing.T) {
	ctx := context.Background()
	h := synctest.StartHall(t, 60)
	h.PublishCatalog(t)
	st := synctest.OpenStation(t, t.TempDir(), "ST01")
	h.Enroll(t, st, "ST01")
	relay := synctest.OpenStation(t, t.TempDir(), "ST02")
	h.Enroll(t, relay, "ST02")
	h.Proxy.Close() // USB only from here on
	c := st.OpenCase(t, synctest.StationItem)
	scans := [][]byte{noise(1, 300<<10, "SCAN-ONE"), noise(2, 300<<10, "SCAN-TWO"), noise(3, 500<<10, "SCAN-THREE")}
	for _, s := range scans {
		scan(t, st, c.ID, s)
	}
	dir := t.TempDir()
	budget := int64(700 << 10)

	// First export: the two older scans fit, the third is listed.
	e1 := filepath.Join(dir, "e1.yzb")
	r1, err := bundle.Export(ctx, st.Station, e1, bundle.ExportOptions{AttachBytes: budget})
	if err != nil {
		t.Fatal(err)
	}
	if r1.Attachments != 2 || r1.AttachmentBytes != 600<<10 || len(r1.AttachmentsLeft) != 1 ||
		r1.AttachmentsLeft[0].SHA256 != sha(scans[2]) || r1.AttachmentsLeft[0].Reason != bundle.LeftBudget {
		t.Fatalf("first export: %+v", r1)
	}
	// A second export before any reply carries first what was left out.
	e2 := filepath.Join(dir, "e2.yzb")
	r2, err := bundle.Export(ctx, st.Station, e2, bundle.ExportOptions{AttachBytes: budget})
	if err != nil {
		t.Fatal(err)
	}
	if r2.Attachments != 1 || r2.AttachmentBytes != 500<<10 || len(r2.AttachmentsLeft) != 2 {
		t.Fatalf("second export should carry the scan the first left out: %+v", r2)
	}

	// A relay carries the file; the scans inside cannot be read on the way.
	carried := filepath.Join(dir, "carried.yzb")
	if _, err := bundle.Relay(e1, carried); err != nil {
		t.Fatal(err)
	}
	raw, _ := os.ReadFile(carried)
	for _, m := range []string{"SCAN-ONE", "SCAN-TWO"} {
		if bytes.Contains(raw, []byte(m)) {
			t.Fatalf("scan %s readable in the sealed bundle", m)
		}
	}

	// The hall keeps and acknowledges them; the station stops waiting.
	rep, err := bundle.HallImport(ctx, h.BundleSide(), carried, filepath.Join(dir, "r1.yzb"))
	if err != nil {
		t.Fatal(err)
	}
	if rep.Attachments != (bundle.AttachTally{Stored: 2, Left: 1}) {
		t.Fatalf("hall import: %+v", rep.Attachments)
	}
	ir, err := bundle.ImportReply(ctx, st.Station, filepath.Join(dir, "r1.yzb"))
	if err != nil {
		t.Fatal(err)
	}
	if n, _ := st.PendingBlobCount(ctx); ir.Attachments != 2 || n != 1 {
		t.Fatalf("reply: %+v, %d attachments still waiting; want 2 acknowledged, 1 waiting", ir, n)
	}
	// The second export arrives too; its scan completes the set, and a
	// second import of the first changes nothing ("present").
	if _, err := bundle.HallImport(ctx, h.BundleSide(), e2, filepath.Join(dir, "r2.yzb")); err != nil {
		t.Fatal(err)
	}
	again, err := bundle.HallImport(ctx, h.BundleSide(), e1, filepath.Join(dir, "r1b.yzb"))
	if err != nil || again.Attachments.Present != 2 || again.Attachments.Stored != 0 {
		t.Fatalf("first export imported again: %+v %v", again.Attachments, err)
	}
	if _, err := bundle.ImportReply(ctx, st.Station, filepath.Join(dir, "r2.yzb")); err != nil {
		t.Fatal(err)
	}
	if n, _ := st.PendingBlobCount(ctx); n != 0 {
		t.Fatalf("%d attachments still waiting after both replies", n)
	}
	for _, s := range scans {
		if have, complete, err := h.Service().BlobStatus(ctx, "ST01", sha(s)); !complete || have != int64(len(s)) || err != nil {
			t.Fatalf("scan %s at the hall: %d bytes, complete %v, %v", sha(s)[:8], have, complete, err)
		}
	}
	s, err := hallclient.StatusOf(ctx, st.Station)
	if err != nil || s.PendingBlobs != 0 {
		t.Fatalf("sync status: %d attachments pending, %v", s.PendingBlobs, err)
	}
}

func TestExportAttachmentBudget(t *testing.T) {
	ctx := context.Background()
	h := synctest.StartHall(t, 61)
	h.PublishCatalog(t)
	st := synctest.OpenStation(t, t.TempDir(), "ST01")
	h.Enroll(t, st, "ST01")
	c := st.OpenCase(t, synctest.StationItem)
	big := noise(4, 200<<10, "BIG")
	scan(t, st, c.ID, big)
	file := filepath.Join(t.TempDir(), "e.yzb")
	tests := []struct {
		name   string
		budget int64
		carry  int
		reason string
	}{
		{"None", -1, 0, bundle.LeftTooLarge},
		{"Smaller", 100 << 10, 0, bundle.LeftTooLarge},
		{"Default", 0, 1, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res, err := bundle.Export(ctx, st.Station, file, bundle.ExportOptions{AttachBytes: tt.budget})
			if err != nil {
				t.Fatal(err)
			}
			if res.Attachments != tt.carry || tt.reason != "" && (len(res.AttachmentsLeft) != 1 || res.AttachmentsLeft[0].Reason != tt.reason) {
				t.Fatalf("budget %d: %+v", tt.budget, res)
			}
		})
	}
	if _, err := bundle.Export(ctx, st.Station, file, bundle.ExportOptions{AttachBytes: bundle.MaxAttachBytes + 1}); domain.ErrorCode(err) != domain.EInvalid {
		t.Fatalf("budget over the limit: %v", err)
	}
	// A scan whose file was damaged on this PC is listed, never sent.
	path, _ := st.BlobPath(sha(big))
	if err := os.WriteFile(path, []byte("overwritten"), 0o600); err != nil {
		t.Fatal(err)
	}
	res, err := bundle.ExportBundle(ctx, st.Station, file)
	if err != nil || res.Attachments != 0 || len(res.AttachmentsLeft) != 1 || res.AttachmentsLeft[0].Reason != bundle.LeftDamaged {
		t.Fatalf("damaged scan: %+v %v", res, err)
	}
}

// TestHallChecksEachScan: an attachment whose bytes do not hash to its name
// (a station bug, a damaged disk) is refused by the hall and said so in the
// reply; the station keeps it waiting. The events still go in.
func TestHallChecksEachScan(t *testing.T) {
	ctx := context.Background()
	h := synctest.StartHall(t, 62)
	st := synctest.OpenStation(t, t.TempDir(), "ST01")
	h.Enroll(t, st, "ST01")
	k, err := hallclient.LoadKeys(st.Dir)
	if err != nil {
		t.Fatal(err)
	}
	good, bad := noise(5, 1000, "GOOD"), noise(6, 1000, "BAD")
	c := st.OpenCase(t, synctest.StationItem)
	scan(t, st, c.ID, good)
	p := &bundle.Payload{V: bundle.Version, ID: st.NewID(), Kind: bundle.KindExport, Station: "ST01", Created: st.Now(),
		Requests: []*protocol.SyncRequest{{V: protocol.Version, Station: "ST01"}},
		Blobs:    []bundle.BlobFile{{SHA256: sha(good), Size: int64(len(bad)), Data: bad}}}
	var buf bytes.Buffer
	if err := bundle.Seal(&buf, p, "ST01", bundle.HallName, k.HallAgeKey, k.SignKey); err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	os.WriteFile(filepath.Join(dir, "e.yzb"), buf.Bytes(), 0o600)
	rep, err := bundle.HallImport(ctx, h.BundleSide(), filepath.Join(dir, "e.yzb"), filepath.Join(dir, "r.yzb"))
	if err != nil {
		t.Fatal(err)
	}
	if rep.Attachments.Refused != 1 || rep.Attachments.Stored != 0 {
		t.Fatalf("hall kept a scan that does not match its hash: %+v", rep.Attachments)
	}
	if _, complete, _ := h.Service().BlobStatus(ctx, "ST01", sha(good)); complete {
		t.Fatal("the mismatched bytes are at the hall under the scan's name")
	}
	ir, err := bundle.ImportReply(ctx, st.Station, filepath.Join(dir, "r.yzb"))
	if err != nil {
		t.Fatal(err)
	}
	if len(ir.AttachmentsRefused) != 1 || ir.AttachmentsRefused[0].Zh == "" {
		t.Fatalf("reply import: %+v", ir)
	}
	if n, _ := st.PendingBlobCount(ctx); n != 1 {
		t.Fatalf("the refused scan should still wait: %d waiting", n)
	}
}
