package sim

import (
	"context"
	"fmt"

	"yizhan/domain"
	"yizhan/hall"
)

// hallWork is one piece of work by a hall clerk on a case: approve,
// refuse, ask for corrections, suspend, resume, give a serial number, or
// route the case to another station. The hall acts on its own view, which
// races with what stations do offline: that is where conflicts come from.
func (w *world) hallWork() {
	h := w.hall
	if h.down {
		return
	}
	ctx := context.Background()
	// The clerk's list: read from the hall's database directly, which is
	// cheaper than the masked list and picks the same cases.
	var c hall.CaseSummary
	var n int
	if err := w.hallDB.QueryRow(`SELECT count(*) FROM cases`).Scan(&n); err != nil {
		w.violation("hall view: count cases: %v", err)
		return
	}
	if n == 0 {
		return
	}
	err := w.hallDB.QueryRow(`SELECT id, state FROM cases ORDER BY id LIMIT 1 OFFSET ?`, w.rng.IntN(n)).Scan(&c.ID, &c.State)
	if err != nil {
		w.violation("hall view: pick a case: %v", err)
		return
	}
	what := w.hallStep(c)
	err, died := h.guarded(w.rates.hallCrash*2, func(svc *hall.Service) error {
		return w.hallDo(ctx, svc, what, c)
	})
	w.logf("hall %s %s: %s", what, short(c.ID), outcome(err, died))
	switch {
	case died:
	case err != nil:
		if domain.ErrorCode(err) == domain.EInternal {
			w.violation("hall: %s on case %s: unexpected error: %v", what, c.ID, err)
		}
	default:
		w.rep.HallCommands++
	}
}

// hallStep chooses what the hall clerk does with a case in its state.
func (w *world) hallStep(c hall.CaseSummary) string {
	switch x := w.rng.IntN(100); {
	case x < 6:
		return "serial"
	case x < 10:
		return "route"
	}
	var steps []string
	switch c.State {
	case domain.StateForwarded:
		steps = []string{"take-up", "take-up", "approve", "refuse", "return", "correct", "suspend"}
	case domain.StateInProcess:
		steps = []string{"approve", "approve", "approve", "refuse", "return", "correct", "suspend"}
	case domain.StateSuspended:
		steps = []string{"resume"}
	case domain.StateAccepted:
		steps = []string{"approve", "serial"} // a station's case: refused by authority unless the hall holds it
	default:
		steps = []string{"serial", "approve", "resume"}
	}
	return steps[w.rng.IntN(len(steps))]
}

// hallDo runs one hall command.
func (w *world) hallDo(ctx context.Context, svc *hall.Service, what string, c hall.CaseSummary) error {
	switch what {
	case "take-up":
		// Accept a case forwarded unaccepted, review one a station accepted.
		return svc.TakeUp(ctx, hallActor, c.ID)
	case "approve":
		return svc.Approve(ctx, hallActor, c.ID, fmt.Sprintf("证-%d", w.rng.IntN(1e6)))
	case "refuse":
		return svc.Refuse(ctx, hallActor, c.ID, "不符合法定条件")
	case "return":
		return svc.Return(ctx, hallActor, c.ID, "材料不实")
	case "correct":
		return svc.RequestCorrection(ctx, hallActor, c.ID, "材料不齐", []string{"补充证明"})
	case "suspend":
		return svc.Suspend(ctx, hallActor, c.ID, "专家评审")
	case "resume":
		return svc.Resume(ctx, hallActor, c.ID)
	case "serial":
		return svc.AssignSerial(ctx, hallActor, c.ID, fmt.Sprintf("SQ%08d", w.rng.IntN(1e8)))
	case "route":
		to := w.stations[w.rng.IntN(len(w.stations))].code
		return svc.Route(ctx, hallActor, c.ID, to)
	}
	return fmt.Errorf("sim: unknown hall action %q", what)
}
