package storetest

import (
	"fmt"
	"reflect"
	"testing"

	"yizhan/domain"
	"yizhan/hall"
)

// testPrefetch checks a store that implements hall.Prefetcher: after
// Prefetch, every lookup answers what the database holds, before and after
// the transaction's own writes. Stores without it skip.
func testPrefetch(t *testing.T, s hall.Store) {
	var can bool
	view(t, s, func(tx hall.Tx) error { _, can = tx.(hall.Prefetcher); return nil })
	if !can {
		t.Skip("the store reads row by row")
	}
	addStations(t, s, "A01", "B01")
	known, fresh := uuid(100), uuid(200) // a case with history; one without
	update(t, s, func(tx hall.Tx) error {
		seq, err := tx.AppendLog(&hall.LogEntry{Status: hall.StatusAccepted, Station: "A01", Event: event(1, known, "A01"), Received: t0})
		if err != nil {
			return err
		}
		if err := tx.PutCase(&domain.Case{ID: known, Number: "N", Station: "A01", Holder: "A01", State: domain.StateReceived, UpdatedAt: t0}, seq); err != nil {
			return err
		}
		if _, err := tx.AddScope(known, "A01", seq); err != nil {
			return err
		}
		return tx.PutRejection(&hall.Rejection{EventID: uuid(2), CaseID: known, Station: "A01", Code: "forbidden", Reason: "r", Zh: "拒绝", Received: t0})
	})
	// answers reads everything the prefetch covers, as it stands.
	answers := func(tx hall.Tx) (string, error) {
		var out []any
		for _, id := range []string{uuid(1), uuid(2), uuid(3), uuid(4)} {
			le, err := tx.LogByEventID(id)
			if err != nil {
				return "", err
			}
			r, err := tx.Rejection(id)
			if err != nil {
				return "", err
			}
			if le != nil {
				out = append(out, le.Seq, le.Status, le.Station, le.Event.ID, le.Event.CaseID, le.Received.UTC())
			}
			out = append(out, r)
		}
		for _, c := range []string{known, fresh} {
			cs, err := tx.Case(c)
			if err != nil {
				return "", err
			}
			sc, err := tx.CaseScope(c)
			if err != nil {
				return "", err
			}
			log, err := tx.CaseLog(c, 0)
			if err != nil {
				return "", err
			}
			out = append(out, cs != nil, sc)
			for _, le := range log {
				out = append(out, le.Seq, le.Event.ID, le.Received.UTC())
			}
		}
		return fmt.Sprint(out...), nil
	}
	// The same reads and writes with and without a prefetch give the same
	// answers at every step; both runs roll back.
	run := func(prefetch bool) []string {
		var steps []string
		err := s.Update(ctx, func(tx hall.Tx) error {
			steps = nil
			if prefetch {
				if err := tx.(hall.Prefetcher).Prefetch([]string{uuid(1), uuid(2), uuid(3), uuid(4), uuid(3)}, []string{known, fresh}); err != nil {
					return err
				}
			}
			step := func() error {
				a, err := answers(tx)
				steps = append(steps, a)
				return err
			}
			if err := step(); err != nil {
				return err
			}
			seq, err := tx.AppendLog(&hall.LogEntry{Status: hall.StatusAccepted, Station: "B01", Event: event(3, fresh, "B01"), Received: t0})
			if err != nil {
				return err
			}
			if err := step(); err != nil {
				return err
			}
			if _, err := tx.AddScope(fresh, "B01", seq); err != nil {
				return err
			}
			if _, err := tx.AddScope(known, "B01", seq); err != nil {
				return err
			}
			if err := tx.PutCase(&domain.Case{ID: fresh, Number: "M", Station: "B01", Holder: "B01", State: domain.StateReceived, UpdatedAt: t0}, seq); err != nil {
				return err
			}
			if err := tx.PutRejection(&hall.Rejection{EventID: uuid(4), CaseID: fresh, Station: "B01", Code: "invalid", Reason: "x", Zh: "无效", Received: t0}); err != nil {
				return err
			}
			if _, err := tx.AppendLog(&hall.LogEntry{Status: hall.StatusConflict, Station: "B01", Event: event(5, fresh, "B01"), Received: t0}); err != nil {
				return err
			}
			if err := step(); err != nil {
				return err
			}
			return errRollback
		})
		if err != errRollback {
			t.Fatal(err)
		}
		return steps
	}
	plain, pre := run(false), run(true)
	if !reflect.DeepEqual(plain, pre) {
		for i := range plain {
			if plain[i] != pre[i] {
				t.Errorf("step %d with a prefetch:\n%s\nwithout:\n%s", i, pre[i], plain[i])
			}
		}
	}
}

var errRollback = fmt.Errorf("roll back")
