package hallclient_test

import (
	"bytes"
	"context"
	"io"
	"math/rand/v2"
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"sync"
	"testing"
	"time"

	"yizhan/app/hallclient"
	"yizhan/domain"
	"yizhan/internal/synctest"
	"yizhan/sync/faultproxy"
	"yizhan/sync/protocol"
)

// scan makes n bytes of incompressible "scan".
func scan(seed uint64, n int) []byte {
	r := rand.New(rand.NewPCG(seed, seed))
	b := make([]byte, n)
	for i := range b {
		b[i] = byte(r.Uint32())
	}
	return b
}

func TestBlobUpload(t *testing.T) {
	ctx := context.Background()
	t.Run("ResumesAfterCut", func(t *testing.T) {
		h, st, c := setup(t, 30)
		mustSync(t, c)
		data := scan(1, 3*protocol.BlobChunkBytes+1234)
		sha, err := st.ImportBlob(ctx, st.Actor, "身份证.jpg", "image/jpeg", bytes.NewReader(data))
		if err != nil {
			t.Fatal(err)
		}
		var mu sync.Mutex
		var offsets []int64
		h.Proxy.OnFault(func(r *http.Request, _ []byte, f faultproxy.Fault) {
			if r.Method == http.MethodPut {
				off, _ := strconv.ParseInt(r.URL.Query().Get("offset"), 10, 64)
				mu.Lock()
				offsets = append(offsets, off)
				mu.Unlock()
			}
		})
		// sync, missing, HEAD, PUT chunk 0, then the link dies while the
		// hall stores chunk 1.
		h.Proxy.Script(faultproxy.Pass, faultproxy.Pass, faultproxy.Pass, faultproxy.Pass, faultproxy.DropResponse)
		res, err := c.SyncOnce(ctx)
		if err != nil {
			t.Fatalf("a cut attachment must not fail the sync: %v", err)
		}
		if res.Blobs.Uploaded != 0 || res.Blobs.Pending != 1 || res.Blobs.Err == "" {
			t.Fatalf("after cut: %+v", res.Blobs)
		}
		res = mustSync(t, c)
		if res.Blobs.Uploaded != 1 || res.Blobs.Pending != 0 {
			t.Fatalf("after resume: %+v", res.Blobs)
		}
		want := []int64{0, protocol.BlobChunkBytes, 2 * protocol.BlobChunkBytes, 3 * protocol.BlobChunkBytes}
		mu.Lock()
		got := append([]int64(nil), offsets...)
		mu.Unlock()
		if len(got) != len(want) {
			t.Fatalf("PUT offsets %v, want %v (resume from the hall's offset, nothing resent)", got, want)
		}
		for i := range want {
			if got[i] != want[i] {
				t.Fatalf("PUT offsets %v, want %v", got, want)
			}
		}
		have, complete, err := h.Service().BlobStatus(ctx, "ST01", sha)
		if err != nil || !complete || have != int64(len(data)) {
			t.Fatalf("hall blob: have %d complete %v err %v", have, complete, err)
		}
		h.Proxy.ResetStats()
		if res := mustSync(t, c); res.Rounds != 1 || h.Proxy.Stats().Requests != 1 {
			t.Fatalf("uploaded blob sent again: %+v", h.Proxy.Stats())
		}
	})
	t.Run("ImportStoresOnceByHash", func(t *testing.T) {
		_, st, _ := setup(t, 33)
		data := scan(4, 1000)
		a, err1 := st.ImportBlob(ctx, st.Actor, "a.jpg", "image/jpeg", bytes.NewReader(data))
		b, err2 := st.ImportBlob(ctx, st.Actor, "b.jpg", "image/jpeg", bytes.NewReader(data))
		if err1 != nil || err2 != nil || a != b {
			t.Fatalf("same content, hashes %s and %s (%v %v)", a, b, err1, err2)
		}
		if n, _ := st.PendingBlobCount(ctx); n != 1 {
			t.Fatalf("%d blobs stored, want 1", n)
		}
		f, err := st.OpenBlob(a) // stored encrypted: read the plaintext back
		if err != nil {
			t.Fatal(err)
		}
		got, _ := io.ReadAll(f.Reader())
		f.Close()
		if !bytes.Equal(got, data) {
			t.Fatal("stored file differs")
		}
		if _, err := st.BlobPath("../../etc/passwd"); err == nil {
			t.Fatal("a path outside the blob folder was accepted")
		}
		if _, err := st.ImportBlob(ctx, st.Actor, "empty", "", bytes.NewReader(nil)); err == nil {
			t.Fatal("empty attachment accepted")
		}
	})
	t.Run("ErrDamagedLocalFile", func(t *testing.T) {
		_, st, c := setup(t, 31)
		sha, err := st.ImportBlob(ctx, st.Actor, "a.pdf", "application/pdf", bytes.NewReader(scan(2, 5000)))
		if err != nil {
			t.Fatal(err)
		}
		p := filepath.Join(st.BlobDir(), sha)
		b, _ := os.ReadFile(p)
		b[10] ^= 1
		os.WriteFile(p, b, 0o600)
		_, err = c.SyncOnce(ctx)
		if hallclient.CodeOf(err) != hallclient.CodeLocal || domain.ZhMessage(err) == "" {
			t.Fatalf("got %v, want a local error about the damaged file", err)
		}
		if n, _ := st.PendingBlobCount(ctx); n != 1 {
			t.Fatal("damaged blob marked uploaded")
		}
	})
	t.Run("BudgetDoesNotBlockEvents", func(t *testing.T) {
		h, st, c := setup(t, 32)
		if _, err := st.ImportBlob(ctx, st.Actor, "big.jpg", "image/jpeg", bytes.NewReader(scan(3, 2*protocol.BlobChunkBytes))); err != nil {
			t.Fatal(err)
		}
		c.BlobBudget = 30 * time.Millisecond
		h.Proxy.MaxDelay = 200 * time.Millisecond
		h.Proxy.SetRates(faultproxy.Rates{Delay: 1})
		st.OpenCase(t, synctest.StationItem)
		res, err := c.SyncOnce(ctx)
		if err != nil {
			t.Fatalf("sync: %v", err)
		}
		if res.Accepted != 1 || st.Pending(t) != 0 {
			t.Fatalf("events not synced: %+v", res)
		}
	})
}
