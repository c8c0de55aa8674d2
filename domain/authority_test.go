package domain_test

import (
	"encoding/json"
	"strings"
	"testing"
	"time"

	"yizhan/domain"
	"yizhan/workday"
)

// testItem is the published item the open events of helpers_test.go are
// made from, handled at handledAt.
func testItem(handledAt string) *domain.Item {
	return &domain.Item{Code: "370112-RS-001-01-S", Version: 1, Status: domain.ItemPublished,
		Name: "城乡居民基本养老保险参保登记", Kind: domain.KindPromised, HandledAt: handledAt,
		LegalLimit: workday.Limit{Value: 20, Unit: workday.G}, PromisedLimit: workday.Limit{Value: 5, Unit: workday.G},
		AllowsRongque: true,
		Materials: []domain.Material{
			{Code: "M1", Name: "居民身份证", Required: domain.NecessityRequired},
			{Code: "M2", Name: "户口簿", Required: domain.NecessityRongque, ELicense: true},
		}}
}

// facts are the hall's facts about office of kind, for an item handled at
// handledAt.
func facts(office string, kind domain.OfficeKind, handledAt string) domain.Facts {
	return domain.Facts{Office: office, Kind: kind, Region: "370112001", Item: testItem(handledAt)}
}

func TestDefaultRights(t *testing.T) {
	const (
		V = domain.OfficeVillage
		T = domain.OfficeTownship
		P = domain.OfficePostal
		H = domain.OfficeHelper
		L = domain.OfficeHall
	)
	for _, tt := range []struct {
		handledAt string
		step      domain.Step
		yes, no   []domain.OfficeKind
	}{
		{"hall", domain.StepTakeIn, []domain.OfficeKind{V, T, P, H, L}, nil},
		{"hall", domain.StepAccept, []domain.OfficeKind{T, L}, []domain.OfficeKind{V, P, H}},
		{"hall", domain.StepDecide, []domain.OfficeKind{L}, []domain.OfficeKind{V, T, P, H}},
		{"hall", domain.StepDeliver, []domain.OfficeKind{V, T, P, H}, []domain.OfficeKind{L}},
		{"township", domain.StepAccept, []domain.OfficeKind{T, L}, []domain.OfficeKind{V, P, H}},
		{"township", domain.StepDecide, []domain.OfficeKind{T, L}, []domain.OfficeKind{V, P, H}},
		{"station", domain.StepAccept, []domain.OfficeKind{V, T, P, L}, []domain.OfficeKind{H}},
		{"station", domain.StepDecide, []domain.OfficeKind{V, T, P, L}, []domain.OfficeKind{H}},
		{"", domain.StepDecide, []domain.OfficeKind{L}, []domain.OfficeKind{V, T, P, H}},
		{"bogus", domain.StepAccept, []domain.OfficeKind{T, L}, []domain.OfficeKind{V, P, H}},
	} {
		r := domain.DefaultRights(tt.handledAt)
		for _, k := range tt.yes {
			if !r.Allows(tt.step, k) {
				t.Errorf("handled at %q: %s may not %s, want may", tt.handledAt, k, tt.step)
			}
		}
		for _, k := range tt.no {
			if r.Allows(tt.step, k) {
				t.Errorf("handled at %q: %s may %s, want may not", tt.handledAt, k, tt.step)
			}
		}
	}
	t.Run("CatalogOverrides", func(t *testing.T) {
		it := testItem("hall")
		it.Rights = &domain.Rights{TakeIn: []domain.OfficeKind{domain.OfficeTownship}, Accept: []domain.OfficeKind{domain.OfficeHall},
			Decide: []domain.OfficeKind{domain.OfficeHall}, Deliver: []domain.OfficeKind{domain.OfficePostal}}
		if r := it.RightsOf(); r.Allows(domain.StepTakeIn, domain.OfficeVillage) || !r.Allows(domain.StepDeliver, domain.OfficePostal) {
			t.Fatalf("the item's own rights were not used: %+v", r)
		}
	})
}

func TestAuthorize(t *testing.T) {
	const here, other = "370112001", "370112002"
	accepted := []domain.EventKind{domain.EvAccept}
	forwarded := []domain.EventKind{domain.EvAccept, domain.EvForward}
	for _, tt := range []struct {
		name      string
		handledAt string
		steps     []domain.EventKind
		kind      domain.EventKind
		claim     string // office the event says it is from
		office    string // office that sent it
		as        domain.OfficeKind
		want      string
	}{
		{"OK/OpenAnywhere", "hall", nil, domain.EvOpen, other, other, domain.OfficePostal, ""},
		{"OK/AcceptOwnCase", "station", nil, domain.EvAccept, here, here, domain.OfficeTownship, ""},
		{"OK/ConcludeStationItem", "station", accepted, domain.EvConclude, here, here, domain.OfficeVillage, ""},
		{"OK/ConcludeTownshipItem", "township", accepted, domain.EvConclude, here, here, domain.OfficeTownship, ""},
		{"OK/NoteOwnCase", "hall", forwarded, domain.EvNote, here, here, domain.OfficeTownship, ""},
		{"OK/HallTakesUp", "hall", forwarded, domain.EvStartProcess, domain.HallOffice, domain.HallOffice, domain.OfficeHall, ""},
		{"OK/VillageForwardsUnaccepted", "hall", nil, domain.EvForward, here, here, domain.OfficeVillage, ""},
		{"OK/VillageCorrects", "hall", nil, domain.EvRequestCorrection, here, here, domain.OfficeVillage, ""},
		{"OK/PostalDelivers", "hall", []domain.EventKind{domain.EvAccept, domain.EvConclude}, domain.EvStartDelivery, here, here, domain.OfficePostal, ""},
		{"OK/IllegalStepLeftToApply", "station", nil, domain.EvDeliver, here, here, domain.OfficeTownship, ""},
		{"ErrOfficeClaimMismatch", "station", nil, domain.EvAccept, here, other, domain.OfficeTownship, domain.EForbidden},
		{"ErrOfficeClaimHall", "station", nil, domain.EvAccept, domain.HallOffice, here, domain.OfficeTownship, domain.EForbidden},
		{"ErrOtherStationsCase/Transition", "station", nil, domain.EvAccept, other, other, domain.OfficeTownship, domain.EForbidden},
		{"ErrOtherStationsCase/Note", "station", nil, domain.EvNote, other, other, domain.OfficeTownship, domain.EForbidden},
		{"ErrHallTakesUpOnly", "hall", forwarded, domain.EvStartProcess, here, here, domain.OfficeTownship, domain.EForbidden},
		{"ErrTownshipDecidesHallItem/StartProcess", "hall", accepted, domain.EvStartProcess, here, here, domain.OfficeTownship, domain.EForbidden},
		{"ErrTownshipDecidesHallItem/Conclude", "hall", accepted, domain.EvConclude, here, here, domain.OfficeTownship, domain.EForbidden},
		{"ErrPostalDecidesTownshipItem", "township", accepted, domain.EvStartProcess, here, here, domain.OfficePostal, domain.EForbidden},
		{"ErrPostalConcludesTownshipItem", "township", accepted, domain.EvConclude, here, here, domain.OfficePostal, domain.EForbidden},
		{"ErrVillageAccepts", "township", nil, domain.EvAccept, here, here, domain.OfficeVillage, domain.EForbidden},
		{"ErrVillageRefusesAcceptance", "hall", nil, domain.EvNotAccept, here, here, domain.OfficeVillage, domain.EForbidden},
		{"ErrHelperDecidesStationItem", "station", accepted, domain.EvConclude, here, here, domain.OfficeHelper, domain.EForbidden},
		{"ErrNotHolder", "station", accepted, domain.EvConclude, other, other, domain.OfficeTownship, domain.EForbidden},
		{"ErrSerialIsHalls", "station", nil, domain.EvAssignSerial, here, here, domain.OfficeTownship, domain.EForbidden},
		{"ErrAfterForward", "station", forwarded, domain.EvNote, other, other, domain.OfficeTownship, domain.EForbidden},
		{"ErrHallActsOnStationsCase", "station", accepted, domain.EvConclude, domain.HallOffice, domain.HallOffice, domain.OfficeHall, domain.EForbidden},
	} {
		t.Run(tt.name, func(t *testing.T) {
			c, _ := caseVia(t, tt.handledAt, tt.steps...)
			var target *domain.Case
			if tt.kind != domain.EvOpen {
				target = c
			}
			e := event(t, c, tt.kind, c.State, validPayload(tt.kind))
			e.Office = tt.claim
			if tt.kind == domain.EvOpen {
				e = openEvent(t, c.ID, tt.claim, tt.handledAt)
			}
			wantCode(t, domain.Authorize(target, e, facts(tt.office, tt.as, tt.handledAt)), tt.want)
		})
	}

	t.Run("ErrUnknownCase", func(t *testing.T) {
		c, _ := caseIn(t, domain.StateReceived)
		e := event(t, c, domain.EvAccept, domain.StateReceived, nil)
		wantCode(t, domain.Authorize(nil, e, facts(e.Office, domain.OfficeTownship, "station")), domain.EConflict)
	})
	t.Run("ErrUnpublishedItem", func(t *testing.T) {
		e := openEvent(t, "case-unpublished", here, "station")
		f := facts(here, domain.OfficeTownship, "station")
		f.Item = nil
		wantCode(t, domain.Authorize(nil, e, f), domain.EInvalid)
	})
	t.Run("ErrUnpublishedItemGetsHallsRights", func(t *testing.T) {
		c, _ := caseVia(t, "station", accepted...)
		f := facts(here, domain.OfficeTownship, "station")
		f.Item = nil // the case's item is not published: the narrowest rights
		wantCode(t, domain.Authorize(c, event(t, c, domain.EvConclude, c.State, validPayload(domain.EvConclude)), f), domain.EForbidden)
	})
	t.Run("ErrStampOfAnotherOffice", func(t *testing.T) {
		c, _ := caseIn(t, domain.StateReceived)
		e := event(t, c, domain.EvNote, "", domain.NotePayload{Text: "x"})
		e.HLC = "0019a2b3c4d5e.000000." + other
		wantCode(t, domain.Authorize(c, e, facts(here, domain.OfficeTownship, "station")), domain.EForbidden)
	})
	t.Run("ErrForwardWhereHallMayNotDecide", func(t *testing.T) {
		c, _ := caseVia(t, "township", accepted...)
		f := facts(here, domain.OfficeTownship, "township")
		f.Item.Rights = &domain.Rights{TakeIn: domain.OfficeKinds, Accept: []domain.OfficeKind{domain.OfficeTownship},
			Decide: []domain.OfficeKind{domain.OfficeTownship}, Deliver: domain.StationKinds}
		wantCode(t, domain.Authorize(c, event(t, c, domain.EvForward, c.State, validPayload(domain.EvForward)), f), domain.EForbidden)
	})
}

func TestAuthorizeRoute(t *testing.T) {
	const village, township, peer = "V001", "T001", "T002"
	to := map[string]*domain.OfficeFacts{
		township: {Code: township, Kind: domain.OfficeTownship, Region: "370112001"},
		peer:     {Code: peer, Kind: domain.OfficeTownship, Region: "370112002"},
		village:  {Code: village, Kind: domain.OfficeVillage, Region: "370112001001"},
		"P001":   {Code: "P001", Kind: domain.OfficePostal, Region: "370112"},
	}
	for _, tt := range []struct {
		name      string
		handledAt string
		from      string
		kind      domain.OfficeKind
		region    string
		steps     []domain.EventKind
		dest      string
		hallHeld  bool
		want      string
	}{
		{"OK/VillageToItsTownship", "township", village, domain.OfficeVillage, "370112001001", nil, township, false, ""},
		{"ErrToAnotherTownshipsRegion", "township", village, domain.OfficeVillage, "370112001001", nil, peer, false, domain.EForbidden},
		{"ErrSenderMayDoItItself", "station", township, domain.OfficeTownship, "370112001", nil, peer, false, domain.EForbidden},
		{"ErrReceiverMayNotDoIt", "township", village, domain.OfficeVillage, "370112001001", nil, "P001", false, domain.EForbidden},
		{"ErrSideways/HallItemAccepted", "hall", township, domain.OfficeTownship, "370112001", []domain.EventKind{domain.EvAccept}, peer, false, domain.EForbidden},
		{"ErrToTheHall", "hall", village, domain.OfficeVillage, "370112001001", nil, domain.HallOffice, false, domain.EForbidden},
		{"ErrHallHeld", "township", village, domain.OfficeVillage, "370112001001", nil, township, true, domain.EForbidden},
		{"ErrConcluded", "station", township, domain.OfficeTownship, "370112001", []domain.EventKind{domain.EvAccept, domain.EvConclude}, peer, false, domain.EForbidden},
		{"ErrUnknownStation", "township", village, domain.OfficeVillage, "370112001001", nil, "ZZ9", false, domain.EInvalid},
	} {
		t.Run(tt.name, func(t *testing.T) {
			c := &domain.Case{}
			if err := c.Apply(openEvent(t, "case-route-"+tt.name, tt.from, tt.handledAt)); err != nil {
				t.Fatal(err)
			}
			for _, k := range tt.steps {
				if err := c.Apply(event(t, c, k, c.State, validPayload(k))); err != nil {
					t.Fatal(err)
				}
			}
			c.HallHeld = tt.hallHeld
			e := event(t, c, domain.EvRoute, "", domain.RoutePayload{To: tt.dest})
			f := domain.Facts{Office: tt.from, Kind: tt.kind, Region: tt.region, Item: testItem(tt.handledAt), To: to[tt.dest]}
			wantCode(t, domain.Authorize(c, e, f), tt.want)
		})
	}
	t.Run("ErrOriginRoutesHallsCase", func(t *testing.T) {
		c, _ := caseVia(t, "hall", domain.EvAccept, domain.EvForward)
		e := event(t, c, domain.EvRoute, "", domain.RoutePayload{To: "370112001"})
		e.Office = c.Station
		f := domain.Facts{Office: c.Station, Kind: domain.OfficeTownship, Region: "370112001", Item: testItem("hall"),
			To: &domain.OfficeFacts{Code: c.Station, Kind: domain.OfficeTownship, Region: "370112001"}}
		wantCode(t, domain.Authorize(c, e, f), domain.EForbidden)
		if !c.HallHeld {
			t.Fatal("a forwarded case is not marked as held by the hall")
		}
	})
}

func TestCheckOpen(t *testing.T) {
	const here = "370112001"
	f := facts(here, domain.OfficeTownship, "hall")
	t.Run("OK", func(t *testing.T) {
		wantCode(t, domain.CheckOpen(openEvent(t, "c1", here, "hall"), f), "")
	})
	for _, tt := range []struct {
		name string
		lie  func(p *domain.OpenPayload)
	}{
		{"HandledAt", func(p *domain.OpenPayload) { p.HandledAt = "station" }},
		{"ItemName", func(p *domain.OpenPayload) { p.ItemName = "林木采伐许可证核发" }},
		{"ItemKind", func(p *domain.OpenPayload) { p.ItemKind = domain.KindImmediate }},
		{"ItemVersion", func(p *domain.OpenPayload) { p.ItemVersion = 2 }},
		{"LegalLimit", func(p *domain.OpenPayload) { p.LegalLimit.Value = 3650 }},
		{"PromisedLimit", func(p *domain.OpenPayload) { p.PromisedLimit.Unit = workday.Z }},
		{"MaterialNecessity", func(p *domain.OpenPayload) { p.Materials[0].Required = domain.NecessityOptional }},
		{"MaterialDropped", func(p *domain.OpenPayload) { p.Materials = p.Materials[:1] }},
		{"MaterialRenamed", func(p *domain.OpenPayload) { p.Materials[1].Name = "无" }},
		{"MaterialRongqueOnRequired", func(p *domain.OpenPayload) { p.Materials[0].Collected = domain.CollectRongque }},
		{"MaterialCommitmentNotAllowed", func(p *domain.OpenPayload) { p.Materials[1].Collected = domain.CollectCommitment }},
		{"SituationInvented", func(p *domain.OpenPayload) { p.Situation, p.SituationName = "09", "虚构情形" }},
		{"NumberOfAnotherStation", func(p *domain.OpenPayload) { p.Number = "370112002-20260302-0001" }},
		{"NumberWithoutDate", func(p *domain.OpenPayload) { p.Number = here + "-x-0001" }},
		{"NumberBadDate", func(p *domain.OpenPayload) { p.Number = here + "-20261341-0001" }},
		{"Channel", func(p *domain.OpenPayload) { p.Channel = "teleport" }},
		{"ApplicantType", func(p *domain.OpenPayload) { p.Applicant.Type = "robot" }},
	} {
		t.Run("Err"+tt.name, func(t *testing.T) {
			e := openEvent(t, "c-"+tt.name, here, "hall")
			var p domain.OpenPayload
			if err := json.Unmarshal(e.Payload, &p); err != nil {
				t.Fatal(err)
			}
			tt.lie(&p)
			e.Payload, _ = json.Marshal(p)
			wantCode(t, domain.CheckOpen(e, f), domain.EInvalid)
		})
	}
}

func TestOneAcceptance(t *testing.T) {
	t.Run("ErrAcceptTwice", func(t *testing.T) {
		c, _ := caseVia(t, "hall", domain.EvAccept, domain.EvForward)
		wantCode(t, c.Apply(event(t, c, domain.EvAccept, domain.StateForwarded, nil)), domain.EConflict)
		wantCode(t, c.Apply(event(t, c, domain.EvNotAccept, domain.StateForwarded, validPayload(domain.EvNotAccept))), domain.EConflict)
	})
	t.Run("OK/HallAcceptsWhatAVillageForwarded", func(t *testing.T) {
		c, _ := caseVia(t, "hall", domain.EvForward)
		if c.AcceptedAt != nil || c.Holder != domain.HallOffice {
			t.Fatalf("forwarded unaccepted: %+v", c)
		}
		wantCode(t, c.Apply(event(t, c, domain.EvStartProcess, domain.StateForwarded, nil)), domain.EConflict)
		acc := event(t, c, domain.EvAccept, domain.StateForwarded, nil)
		if err := c.Apply(acc); err != nil {
			t.Fatal(err)
		}
		if c.AcceptedAt == nil || !c.AcceptedAt.Equal(acc.At) || c.State != domain.StateAccepted {
			t.Fatalf("the hall's acceptance: %+v", c)
		}
	})
}

func TestClockNote(t *testing.T) {
	recv := time.Date(2026, 3, 2, 1, 0, 0, 0, time.UTC)
	since := time.Date(2026, 1, 5, 0, 0, 0, 0, time.UTC)
	for _, tt := range []struct {
		name string
		at   time.Time
		flag bool
	}{
		{"OK/Now", recv, false},
		{"OK/HoursAhead", recv.Add(10 * time.Hour), false},
		{"OK/OfflineForWeeks", recv.Add(-40 * 24 * time.Hour), false},
		{"ErrYearsAhead", recv.Add(2 * 365 * 24 * time.Hour), true},
		{"ErrYearsBack", recv.Add(-3 * 365 * 24 * time.Hour), true},
		{"ErrBeforeRegistration", since.Add(-48 * time.Hour), true},
		{"ErrEpoch", time.Unix(0, 0), true},
		{"ErrZero", time.Time{}, true},
	} {
		t.Run(tt.name, func(t *testing.T) {
			if note := domain.ClockNote(tt.at, recv, since); (note != "") != tt.flag {
				t.Fatalf("ClockNote(%v) = %q, want flagged %v", tt.at, note, tt.flag)
			}
		})
	}
	t.Run("StatTimes", func(t *testing.T) {
		c, _ := caseIn(t, domain.StateAccepted)
		hall := recv.Add(400 * time.Hour)
		c.Clock = &domain.ClockFlag{Note: "x", ReceivedAt: &hall, AcceptedAt: &hall}
		st := c.StatTimes()
		if !st.ReceivedAt.Equal(hall) || !st.AcceptedAt.Equal(hall) || c.ReceivedAt.Equal(hall) || c.AcceptedAt.Equal(hall) {
			t.Fatalf("stat times %v %v; the case's own %v", st.ReceivedAt, st.AcceptedAt, c.ReceivedAt)
		}
	})
}

func TestCheckEventBounds(t *testing.T) {
	long := strings.Repeat("长", domain.MaxTextLen+1)
	c, _ := caseIn(t, domain.StateReceived)
	for _, tt := range []struct {
		name    string
		kind    domain.EventKind
		payload any
		mutate  func(e *domain.Event)
		want    string
	}{
		{"OK/Note", domain.EvNote, domain.NotePayload{Text: strings.Repeat("长", domain.MaxTextLen)}, nil, ""},
		{"OK/Open", domain.EvOpen, nil, nil, ""},
		{"ErrNote", domain.EvNote, domain.NotePayload{Text: long}, nil, domain.EInvalid},
		{"ErrReason", domain.EvNotAccept, domain.ReasonPayload{Reason: long}, nil, domain.EInvalid},
		{"ErrCorrectionItems", domain.EvRequestCorrection, domain.CorrectionPayload{Reason: "x", Items: make([]string, domain.MaxCorrectionItems+1)}, nil, domain.EInvalid},
		{"ErrCorrectionDue", domain.EvRequestCorrection, domain.CorrectionPayload{Reason: "x", Due: "soon"}, nil, domain.EInvalid},
		{"ErrCount", domain.EvMaterial, domain.MaterialPayload{Code: "M1", Collected: "paper", Count: 1000}, nil, domain.EInvalid},
		{"ErrNegativeCount", domain.EvMaterial, domain.MaterialPayload{Code: "M1", Collected: "paper", Count: -1}, nil, domain.EInvalid},
		{"ErrBlobName", domain.EvMaterial, domain.MaterialPayload{Code: "M1", Collected: "scan", Blobs: []string{"../x"}}, nil, domain.EInvalid},
		{"ErrTooManyBlobs", domain.EvMaterial, domain.MaterialPayload{Code: "M1", Collected: "scan", Blobs: make([]string, domain.MaxEventBlobs+1)}, nil, domain.EInvalid},
		{"ErrEvaluationLevel", domain.EvEvaluate, domain.Evaluation{Level: 5, Service: 9}, nil, domain.EInvalid},
		{"ErrSignedAtStart", domain.EvStartDelivery, domain.Delivery{Method: "pickup", SignedBy: "张三"}, nil, domain.EInvalid},
		{"ErrActor", domain.EvNote, domain.NotePayload{Text: "x"}, func(e *domain.Event) { e.Actor = strings.Repeat("a", 65) }, domain.EInvalid},
		{"ErrFrom", domain.EvAccept, nil, func(e *domain.Event) { e.From = "limbo" }, domain.EInvalid},
		{"ErrPayloadSize", domain.EvAccept, nil, func(e *domain.Event) { e.Payload = json.RawMessage(`"` + strings.Repeat("x", 5000) + `"`) }, domain.EInvalid},
		{"ErrLimit1e8", domain.EvOpen, nil, func(e *domain.Event) {
			e.Payload = json.RawMessage(strings.Replace(string(e.Payload), `"legal_limit":{"value":20`, `"legal_limit":{"value":100000000`, 1))
		}, domain.EInvalid},
		{"ErrLimit2to63", domain.EvOpen, nil, func(e *domain.Event) {
			e.Payload = json.RawMessage(strings.Replace(string(e.Payload), `"legal_limit":{"value":20`, `"legal_limit":{"value":9223372036854775808`, 1))
		}, domain.EInvalid},
		{"ErrQueryPassword", domain.EvOpen, nil, func(e *domain.Event) {
			e.Payload = json.RawMessage(strings.Replace(string(e.Payload), `"number"`, `"query_password":"abc","number"`, 1))
		}, domain.EInvalid},
	} {
		t.Run(tt.name, func(t *testing.T) {
			e := event(t, c, tt.kind, "", tt.payload)
			if tt.kind == domain.EvOpen {
				e = openEvent(t, "c-bounds", "370112001", "station")
			}
			if tt.mutate != nil {
				tt.mutate(e)
			}
			wantCode(t, domain.CheckEvent(e), tt.want)
		})
	}
}

// BenchmarkDeadlinesWorstCase is the most a deadline computation can cost
// for a case the hall accepts: the longest limit in working days, and as
// many special procedures as a case may have. Every hall list computes it
// for each row, so it must stay in microseconds.
func BenchmarkDeadlinesWorstCase(b *testing.B) {
	cal := workday.New()
	acc := time.Date(2026, 3, 2, 1, 0, 0, 0, time.UTC)
	c := &domain.Case{AcceptedAt: &acc, ItemKind: domain.KindPromised,
		LegalLimit: workday.Limit{Value: domain.MaxLimit, Unit: workday.G}, PromisedLimit: workday.Limit{Value: domain.MaxLimit, Unit: workday.Z}}
	d := workday.DateOf(acc, workday.China)
	for i := 0; i < domain.MaxPauses; i++ {
		from := d.AddDays(1 + i*40)
		c.Pauses = append(c.Pauses, domain.Pause{From: from.String(), To: from.AddDays(10).String(), Unit: workday.G, Reason: "x"})
	}
	b.ReportAllocs()
	for b.Loop() {
		c.Deadlines(cal)
	}
}
