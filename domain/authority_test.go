package domain_test

import (
	"testing"

	"yizhan/domain"
)

func TestAuthorize(t *testing.T) {
	const here, other = "370112001", "370112002"
	for _, tt := range []struct {
		name      string
		handledAt string
		steps     []domain.EventKind
		kind      domain.EventKind
		claim     string // office the event says it is from
		office    string // office that sent it
		want      string
	}{
		{"OK/OpenAnywhere", "station", nil, domain.EvOpen, other, other, ""},
		{"OK/AcceptOwnCase", "station", nil, domain.EvAccept, here, here, ""},
		{"OK/ConcludeStationItem", "station", []domain.EventKind{domain.EvAccept}, domain.EvConclude, here, here, ""},
		{"OK/NoteOwnCase", "hall", []domain.EventKind{domain.EvAccept, domain.EvForward}, domain.EvNote, here, here, ""},
		{"OK/HallDoesAnything", "hall", []domain.EventKind{domain.EvAccept, domain.EvForward}, domain.EvStartProcess, domain.HallOffice, domain.HallOffice, ""},
		{"OK/IllegalStepLeftToApply", "station", nil, domain.EvDeliver, here, here, ""},
		{"ErrOfficeClaimMismatch", "station", nil, domain.EvAccept, here, other, domain.EForbidden},
		{"ErrOfficeClaimHall", "station", nil, domain.EvAccept, domain.HallOffice, here, domain.EForbidden},
		{"ErrOtherStationsCase/Transition", "station", nil, domain.EvAccept, other, other, domain.EForbidden},
		{"ErrOtherStationsCase/Note", "station", nil, domain.EvNote, other, other, domain.EForbidden},
		{"ErrHallOnlyStep", "hall", []domain.EventKind{domain.EvAccept, domain.EvForward}, domain.EvStartProcess, here, here, domain.EForbidden},
		{"ErrHandlerOnlyOnHallItem/StartProcess", "hall", []domain.EventKind{domain.EvAccept}, domain.EvStartProcess, here, here, domain.EForbidden},
		{"ErrHandlerOnlyOnHallItem/Conclude", "hall", []domain.EventKind{domain.EvAccept}, domain.EvConclude, here, here, domain.EForbidden},
		{"ErrHandlerOnlyNotHolder", "station", []domain.EventKind{domain.EvAccept}, domain.EvConclude, other, other, domain.EForbidden},
		{"ErrSerialIsHalls", "station", nil, domain.EvAssignSerial, here, here, domain.EForbidden},
		{"ErrAfterForward", "station", []domain.EventKind{domain.EvAccept, domain.EvForward}, domain.EvNote, other, other, domain.EForbidden},
	} {
		t.Run(tt.name, func(t *testing.T) {
			c, _ := caseVia(t, tt.handledAt, tt.steps...)
			var target *domain.Case
			if tt.kind != domain.EvOpen {
				target = c
			}
			e := event(t, c, tt.kind, c.State, validPayload(tt.kind))
			e.Office = tt.claim
			wantCode(t, domain.Authorize(target, e, tt.office), tt.want)
		})
	}

	t.Run("ErrUnknownCase", func(t *testing.T) {
		c, _ := caseIn(t, domain.StateReceived)
		e := event(t, c, domain.EvAccept, domain.StateReceived, nil)
		wantCode(t, domain.Authorize(nil, e, e.Office), domain.EConflict)
	})
}
