package storetest

import (
	"fmt"
	"sync"
	"testing"
	"time"

	"yizhan/domain"
	"yizhan/hall"
)

// These tests run Updates at once on one store. SQLite passes them by having
// one writer; a store with concurrent writers (PostgreSQL) passes them only
// if it locks what hall.Tx says it locks. Each checks one read-then-write
// pattern of the service that would lose or duplicate something otherwise.

// parallel runs fn(i) for i in [0, n) at once and fails on the first error.
func parallel(t *testing.T, n int, fn func(i int) error) {
	t.Helper()
	var wg sync.WaitGroup
	errs := make([]error, n)
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			errs[i] = fn(i)
		}()
	}
	wg.Wait()
	for i, err := range errs {
		if err != nil {
			t.Fatalf("worker %d: %v", i, err)
		}
	}
}

// testCaseSerial: every Update reads a case, appends an event and stores the
// case with one more event counted, as a push does. Case must serialise
// them (hall.Tx.Case), or two would fold from the same state and one
// event would vanish from the count.
func testCaseSerial(t *testing.T, s hall.Store) {
	addStations(t, s, "A01")
	const workers, each = 4, 10
	caseID := uuid(100)
	parallel(t, workers, func(w int) error {
		for i := range each {
			n := w*each + i + 1
			err := s.Update(ctx, func(tx hall.Tx) error {
				c, err := tx.Case(caseID)
				if err != nil {
					return err
				}
				if c == nil {
					c = &domain.Case{ID: caseID, Number: "N", Station: "A01", Holder: "A01", State: domain.StateReceived, UpdatedAt: t0}
				}
				next := *c
				next.Events++
				seq, err := tx.AppendLog(&hall.LogEntry{Status: hall.StatusAccepted, Station: "A01", Event: event(n, caseID, "A01"), Received: t0})
				if err != nil {
					return err
				}
				return tx.PutCase(&next, seq)
			})
			if err != nil {
				return err
			}
		}
		return nil
	})
	view(t, s, func(tx hall.Tx) error {
		c, err := tx.Case(caseID)
		if err != nil {
			return err
		}
		log, err := tx.CaseLog(caseID, 0)
		if err != nil {
			return err
		}
		if c.Events != workers*each || len(log) != workers*each {
			t.Errorf("case counts %d events, log has %d; want %d: a concurrent fold was lost", c.Events, len(log), workers*each)
		}
		return nil
	})
}

// testDuplicateRace pushes one event from several Updates at once, as a
// station retrying against a second hall process does: LogByEventID must
// make the others wait and then find it (hall.Tx.LogByEventID), so exactly
// one appends and none fails.
func testDuplicateRace(t *testing.T, s hall.Store) {
	addStations(t, s, "A01")
	const workers = 6
	appended := make([]bool, workers)
	parallel(t, workers, func(w int) error {
		return s.Update(ctx, func(tx hall.Tx) error {
			appended[w] = false
			le, err := tx.LogByEventID(uuid(1))
			if err != nil || le != nil {
				return err
			}
			if _, err := tx.Case(uuid(100)); err != nil {
				return err
			}
			if _, err := tx.AppendLog(&hall.LogEntry{Status: hall.StatusAccepted, Station: "A01", Event: event(1, uuid(100), "A01"), Received: t0}); err != nil {
				return err
			}
			appended[w] = true
			return nil
		})
	})
	n := 0
	for _, a := range appended {
		if a {
			n++
		}
	}
	if n != 1 {
		t.Errorf("%d of %d concurrent pushes of one event appended it, want 1", n, workers)
	}
}

// testStationNoLostUpdate has several Updates read a station, bump its
// audit seq and write it back, as concurrent syncs of one station do: none
// may overwrite another's write with what it read before it.
func testStationNoLostUpdate(t *testing.T, s hall.Store) {
	addStations(t, s, "A01")
	const workers, each = 4, 10
	parallel(t, workers, func(int) error {
		for range each {
			err := s.Update(ctx, func(tx hall.Tx) error {
				st, err := tx.Station("A01")
				if err != nil {
					return err
				}
				st.AuditSeq++
				return tx.UpdateStation(st)
			})
			if err != nil {
				return err
			}
		}
		return nil
	})
	view(t, s, func(tx hall.Tx) error {
		st, err := tx.Station("A01")
		if err == nil && st.AuditSeq != workers*each {
			t.Errorf("audit seq %d after %d increments: an update was lost", st.AuditSeq, workers*each)
		}
		return err
	})
}

// testPublishEnrolRace publishes rows while stations enrol, each the way the
// service does it: a publication queues the row for ActiveStations, an
// enrolment marks the station enrolled and queues CurrentPublished. Every
// station must end with every row exactly once (hall.Tx.ActiveStations).
func testPublishEnrolRace(t *testing.T, s hall.Store) {
	const stations, pubs = 6, 6
	update(t, s, func(tx hall.Tx) error {
		for i := range stations {
			c := fmt.Sprintf("S%02d", i)
			if err := tx.CreateStation(&hall.StationRecord{Code: c, Name: c, CreatedAt: t0, EnrolHash: "h-" + c, EnrolExpires: t0.Add(time.Hour)}); err != nil {
				return err
			}
		}
		return nil
	})
	parallel(t, stations+pubs, func(i int) error {
		if i < pubs {
			return s.Update(ctx, func(tx hall.Tx) error {
				seq, err := tx.Publish(&hall.Published{Key: fmt.Sprintf("calendar:%d", 2030+i), Kind: hall.PubCalendar, Body: []byte(`{}`), Published: t0})
				if err != nil {
					return err
				}
				codes, err := tx.ActiveStations()
				if err != nil {
					return err
				}
				for _, c := range codes {
					if err := tx.Enqueue(c, []hall.Ref{{PubSeq: seq}}); err != nil {
						return err
					}
				}
				return nil
			})
		}
		code := fmt.Sprintf("S%02d", i-pubs)
		return s.Update(ctx, func(tx hall.Tx) error {
			st, err := tx.StationByEnrolHash("h-" + code)
			if err != nil {
				return err
			}
			st.EnrolHash, st.EnrolledAt, st.TokenHash = "", t0, "t-"+code
			if err := tx.UpdateStation(st); err != nil {
				return err
			}
			cur, err := tx.CurrentPublished()
			if err != nil || len(cur) == 0 {
				return err
			}
			refs := make([]hall.Ref, len(cur))
			for j, p := range cur {
				refs[j] = hall.Ref{PubSeq: p.Seq}
			}
			return tx.Enqueue(code, refs)
		})
	})
	view(t, s, func(tx hall.Tx) error {
		for i := range stations {
			code := fmt.Sprintf("S%02d", i)
			ds, err := tx.Deliveries(code, 0, 100)
			if err != nil {
				return err
			}
			got := map[string]int{}
			for _, d := range ds {
				got[d.Pub.Key]++
			}
			if len(ds) != pubs || len(got) != pubs {
				t.Errorf("%s got %d deliveries of %d keys, want each of %d once: %v", code, len(ds), len(got), pubs, got)
			}
		}
		return nil
	})
}
