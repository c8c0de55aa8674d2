package hall_test

import (
	"fmt"
	"strings"
	"testing"

	"yizhan/sync/protocol"
)

// TestAuditHeadStaleRequest: a request built before the hall recorded the
// station's current audit head (delivered late by the network, or a USB
// bundle exported before the station last synced online) is not tampering
// and does not move the recorded head back; a chain that really got shorter
// is still flagged by the station's next fresh request. Found by the
// deterministic simulation (proof/sim), which flagged every station that
// had a late request or an old bundle.
func TestAuditHeadStaleRequest(t *testing.T) {
	f := newHall(t)
	a := f.enroll("A01")
	send := func(h protocol.AuditHead) {
		t.Helper()
		if _, err := f.svc.Sync(f.ctx, a.auth(), protocol.SyncRequest{V: protocol.Version, Station: "A01", Audit: &h}); err != nil {
			t.Fatal(err)
		}
	}
	send(protocol.AuditHead{Seq: 5, Hash: "h5"})
	send(protocol.AuditHead{Seq: 9, Hash: "h9", CheckSeq: 5, CheckHash: "h5"})

	// The old bundle: exported at head 7, when the hall had recorded 5.
	send(protocol.AuditHead{Seq: 7, Hash: "h7", CheckSeq: 5, CheckHash: "h5"})
	if in := stationInfo(t, f, "A01"); in.Tampered || in.AuditSeq != 9 || in.AuditHash != "h9" {
		t.Fatalf("after a stale request: %+v (want no flag, head still 9)", in)
	}

	// Truncated to row 7 after the station learned that the hall holds 9:
	// row 9 is gone, so its hash is empty.
	send(protocol.AuditHead{Seq: 7, Hash: "h7", CheckSeq: 9, CheckHash: ""})
	if in := stationInfo(t, f, "A01"); !in.Tampered || !strings.Contains(in.TamperNote, "went back") {
		t.Fatalf("after a truncated chain: %+v (want flagged)", in)
	}
}

// TestAuditProof: the hall keeps the head the station last proved. Each
// row is one request's head and check; honest sequences (answers lost,
// bundles exported early and imported late) raise no flag; a request
// without a check after a proof, a check of a row the hall never named, a
// changed hash and a run of requests that prove nothing are flagged.
func TestAuditProof(t *testing.T) {
	h := func(seq int64) protocol.AuditHead { return protocol.AuditHead{Seq: seq, Hash: fmt.Sprintf("h%d", seq)} }
	check := func(head protocol.AuditHead, seq int64) protocol.AuditHead {
		head.CheckSeq, head.CheckHash = seq, fmt.Sprintf("h%d", seq)
		return head
	}
	stale := make([]protocol.AuditHead, 16)
	for i := range stale {
		stale[i] = check(h(4), 2)
	}
	for _, tt := range []struct {
		name  string
		heads []protocol.AuditHead
		flag  string // "" for none
	}{
		{"OK/ProvedInTurn", []protocol.AuditHead{h(5), check(h(9), 5), check(h(12), 9)}, ""},
		{"OK/AnswerLost", []protocol.AuditHead{h(5), check(h(9), 5), check(h(12), 5), check(h(14), 12)}, ""},
		{"OK/AnswersLostBeforeAnyProof", []protocol.AuditHead{h(5), h(9), check(h(12), 9)}, ""},
		{"OK/EarlyBundleImportedLate", []protocol.AuditHead{h(5), check(h(9), 5), h(3), check(h(4), 2)}, ""},
		{"ErrMarkerGone", []protocol.AuditHead{h(5), check(h(9), 5), h(12)}, "marker is gone"},
		{"ErrRewritten", []protocol.AuditHead{h(5), check(h(9), 5), {Seq: 12, Hash: "h12", CheckSeq: 9, CheckHash: "forged"}}, "changed"},
		{"ErrRewrittenVerified", []protocol.AuditHead{h(5), check(h(9), 5), {Seq: 12, Hash: "h12", CheckSeq: 5, CheckHash: "forged"}}, "changed"},
		{"ErrNeverNamed", []protocol.AuditHead{h(5), check(h(9), 5), check(h(12), 7)}, "never recorded"},
		{"ErrWentBack", []protocol.AuditHead{h(5), check(h(9), 5), check(h(3), 9)}, "went back"},
		{"ErrNothingProvedForLong", append([]protocol.AuditHead{h(5), check(h(9), 5), check(h(12), 9)}, stale...), "prove nothing"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			f := newHall(t)
			a := f.enroll("A01")
			for _, head := range tt.heads {
				if _, err := f.svc.Sync(f.ctx, a.auth(), protocol.SyncRequest{V: protocol.Version, Station: "A01", Audit: &head}); err != nil {
					t.Fatal(err)
				}
			}
			in := stationInfo(t, f, "A01")
			if tt.flag == "" && in.Tampered || tt.flag != "" && (!in.Tampered || !strings.Contains(in.TamperNote, tt.flag)) {
				t.Fatalf("tampered=%v note %q, want flag %q", in.Tampered, in.TamperNote, tt.flag)
			}
		})
	}
}
