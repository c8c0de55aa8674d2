package hall_test

import (
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
