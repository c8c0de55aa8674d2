package storetest

import (
	"fmt"
	"testing"
	"time"

	"yizhan/domain"
	"yizhan/hall"
)

// testStationAuthority: a station's kind (township when none is given),
// region, audit heads and office sends round-trip, and the registry counts
// its quarantine reports.
func testStationAuthority(t *testing.T, s hall.Store) {
	update(t, s, func(tx hall.Tx) error {
		if err := tx.CreateStation(&hall.StationRecord{Code: "V01", Name: "村", Region: "370112001001", Kind: domain.OfficeVillage, CreatedAt: t0}); err != nil {
			return err
		}
		return tx.CreateStation(&hall.StationRecord{Code: "T01", Name: "镇", CreatedAt: t0})
	})
	view(t, s, func(tx hall.Tx) error {
		v, err := tx.Station("V01")
		if err != nil || v.Kind != domain.OfficeVillage || v.Region != "370112001001" || v.OfficeSends != 3 {
			t.Errorf("village: %+v %v", v, err)
		}
		if tw, err := tx.Station("T01"); err != nil || tw.Kind != domain.OfficeTownship {
			t.Errorf("a station registered without a kind: %+v %v, want township", tw, err)
		}
		return nil
	})
	named := []hall.AuditMark{{Seq: 5, Hash: "h5"}, {Seq: 9, Hash: "h9"}}
	update(t, s, func(tx hall.Tx) error {
		st, err := tx.Station("V01")
		if err != nil {
			return err
		}
		st.Kind, st.Region, st.OfficeSends = domain.OfficePostal, "370112002", 1
		st.AuditSeq, st.AuditHash, st.AuditVerifiedSeq, st.AuditVerifiedHash = 9, "h9", 3, "h3"
		st.AuditNamed, st.AuditProven, st.AuditMisses = named, true, 2
		return tx.UpdateStation(st)
	})
	view(t, s, func(tx hall.Tx) error {
		st, err := tx.Station("V01")
		if err != nil {
			return err
		}
		if st.Kind != domain.OfficePostal || st.Region != "370112002" || st.OfficeSends != 1 || st.AuditVerifiedSeq != 3 ||
			st.AuditVerifiedHash != "h3" || !st.AuditProven || st.AuditMisses != 2 || fmt.Sprint(st.AuditNamed) != fmt.Sprint(named) {
			t.Errorf("station did not round-trip: %+v", st)
		}
		return nil
	})
	err := s.Update(ctx, func(tx hall.Tx) error {
		return tx.CreateStation(&hall.StationRecord{Code: "X01", Name: "?", Kind: "castle", CreatedAt: t0})
	})
	if err == nil {
		t.Error("a station of an unknown kind was stored")
	}

	reports := []*hall.Quarantine{
		{Station: "T01", EventID: uuid(1), CaseID: uuid(100), LogSeq: 7, Code: "invalid", Reason: "note too long", Reported: t0},
		{Station: "T01", EventID: uuid(2), CaseID: uuid(101), Code: "conflict", Reason: "number taken", Reported: t0.Add(time.Minute)},
		{Station: "V01", EventID: uuid(1), CaseID: uuid(100), Code: "invalid", Reason: "note too long", Reported: t0},
	}
	update(t, s, func(tx hall.Tx) error {
		for _, q := range reports {
			if err := tx.PutQuarantine(q); err != nil {
				return err
			}
		}
		// Reported again: kept once, as first reported.
		again := *reports[0]
		again.Reason, again.Reported = "again", t0.Add(time.Hour)
		return tx.PutQuarantine(&again)
	})
	view(t, s, func(tx hall.Tx) error {
		qs, err := tx.Quarantined("T01", 0)
		if err != nil || len(qs) != 2 || qs[0].EventID != uuid(2) || qs[1].Reason != "note too long" || qs[1].LogSeq != 7 ||
			!qs[1].Reported.Equal(t0) {
			t.Errorf("T01's reports, newest first: %+v %v", qs, err)
		}
		if all, _ := tx.Quarantined("", 0); len(all) != 3 {
			t.Errorf("every report: %d, want 3", len(all))
		}
		if one, _ := tx.Quarantined("", 1); len(one) != 1 {
			t.Errorf("limit 1: %d", len(one))
		}
		sts, err := tx.Stations()
		if err != nil {
			return err
		}
		for _, st := range sts {
			if want := map[string]int{"T01": 2, "V01": 1}[st.Code]; st.Quarantined != want {
				t.Errorf("%s: %d quarantined, want %d", st.Code, st.Quarantined, want)
			}
		}
		return nil
	})
}

// testCaseByNumber: a case is found by its number; an unknown number is "".
func testCaseByNumber(t *testing.T, s hall.Store) {
	addStations(t, s, "A01")
	update(t, s, func(tx hall.Tx) error {
		if id, err := tx.CaseByNumber("A01-20260302-0001"); err != nil || id != "" {
			return fmt.Errorf("before the case: %q %v", id, err)
		}
		seq, err := tx.AppendLog(&hall.LogEntry{Status: hall.StatusAccepted, Station: "A01", Event: event(1, uuid(100), "A01"), Received: t0})
		if err != nil {
			return err
		}
		return tx.PutCase(&domain.Case{ID: uuid(100), Number: "A01-20260302-0001", Station: "A01", Holder: "A01",
			State: domain.StateReceived, UpdatedAt: t0}, seq)
	})
	view(t, s, func(tx hall.Tx) error {
		if id, err := tx.CaseByNumber("A01-20260302-0001"); err != nil || id != uuid(100) {
			t.Errorf("by number: %q %v", id, err)
		}
		if id, _ := tx.CaseByNumber("A01-20260302-000"); id != "" {
			t.Errorf("a prefix of the number found %q", id)
		}
		return nil
	})
}

// testNumberRace has several Updates each look a new case number up and,
// finding it free, store a case under it, as concurrent pushes of one
// number do: one stores it, the others then find it taken.
func testNumberRace(t *testing.T, s hall.Store) {
	addStations(t, s, "A01")
	const workers = 6
	stored := make([]bool, workers)
	parallel(t, workers, func(w int) error {
		return s.Update(ctx, func(tx hall.Tx) error {
			stored[w] = false
			id, err := tx.CaseByNumber("A01-20260302-0007")
			if err != nil || id != "" {
				return err
			}
			seq, err := tx.AppendLog(&hall.LogEntry{Status: hall.StatusAccepted, Station: "A01", Event: event(10+w, uuid(200+w), "A01"), Received: t0})
			if err != nil {
				return err
			}
			stored[w] = true
			return tx.PutCase(&domain.Case{ID: uuid(200 + w), Number: "A01-20260302-0007", Station: "A01", Holder: "A01",
				State: domain.StateReceived, UpdatedAt: t0}, seq)
		})
	})
	n := 0
	for _, ok := range stored {
		if ok {
			n++
		}
	}
	if n != 1 {
		t.Errorf("%d of %d concurrent opens of one number stored a case, want 1", n, workers)
	}
}
