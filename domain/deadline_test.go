package domain_test

import (
	"testing"
	"time"

	"yizhan/domain"
	"yizhan/workday"
)

func TestCaseDeadlines(t *testing.T) {
	cal := workday.New()
	acc := time.Date(2023, 1, 19, 10, 0, 0, 0, workday.China)
	c := &domain.Case{AcceptedAt: &acc, ItemKind: domain.KindPromised,
		PromisedLimit: workday.Limit{Value: 3, Unit: workday.G}, LegalLimit: workday.Limit{Value: 20, Unit: workday.G}}
	p, l := c.Deadlines(cal)
	if got, want := p.Due.String(), "2023-01-29"; got != want {
		t.Errorf("promised due %s, want %s (the make-up Sunday)", got, want)
	}
	if l.Due.IsZero() || !l.Due.After(p.Due) {
		t.Errorf("legal due %s should follow promised %s", l.Due, p.Due)
	}
	c.ItemKind = domain.KindImmediate
	if p, _ := c.Deadlines(cal); p.Due.String() != "2023-01-19" {
		t.Errorf("即办件 due %s, want the day of acceptance", p.Due)
	}
	c.ItemKind = domain.KindPromised
	c.Pauses = []domain.Pause{{From: "2023-01-20", Unit: "G", Reason: "inspection"}}
	if p, _ := c.Deadlines(cal); !p.Paused {
		t.Errorf("open pause: %+v, want paused", p)
	}
	c.AcceptedAt = nil
	if p, l := c.Deadlines(cal); !p.Due.IsZero() || !l.Due.IsZero() {
		t.Error("a case not accepted has no deadline")
	}
}
