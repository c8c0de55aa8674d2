package domain

import "fmt"

// State is where a case stands in its lifecycle.
type State string

// The case states of 政务服务办件, from draft to delivery (docs/authority.md
// lists the steps between them).
const (
	StateNone        State = ""             // before the open event
	StateReceived    State = "received"     // 收件: receipt printed
	StateCorrection  State = "correction"   // 补齐补正: waiting for missing materials
	StateAccepted    State = "accepted"     // 受理: the clock runs
	StateNotAccepted State = "not_accepted" // 不予受理: terminal
	StateForwarded   State = "forwarded"    // 转报: sent to the hall, not yet taken up
	StateInProcess   State = "in_process"   // 审核/审批
	StateSuspended   State = "suspended"    // 特别程序/挂起: the clock pauses
	StateConcluded   State = "concluded"    // 办结, with a Result
	StateDelivering  State = "delivering"   // 送达中: pickup or EMS
	StateDelivered   State = "delivered"    // 已送达: signed for

	// StateEvaluated is no longer a state a case reaches. Versions before
	// schema 4 (station) and hall schema 3 moved a rated case there, which
	// ended its lawful steps (a rating before delivery left the delivery
	// unrecordable); their migrations move such cases back to the state
	// they were rated in. The name stays so that old filters, stored
	// bodies and old stations' events still parse.
	StateEvaluated State = "evaluated"
)

// States lists every state a case can be in, in lifecycle order. A rating
// is not among them: it is a record of its own (EvEvaluate).
var States = []State{StateReceived, StateCorrection, StateAccepted, StateNotAccepted, StateForwarded,
	StateInProcess, StateSuspended, StateConcluded, StateDelivering, StateDelivered}

var stateZh = map[State]string{
	StateReceived: "已收件", StateCorrection: "待补正", StateAccepted: "已受理", StateNotAccepted: "不予受理",
	StateForwarded: "已转报", StateInProcess: "审批中", StateSuspended: "特别程序", StateConcluded: "已办结",
	StateDelivering: "送达中", StateDelivered: "已送达", StateEvaluated: "已评价",
}

// Zh returns the state's Chinese name.
func (s State) Zh() string {
	if z, ok := stateZh[s]; ok {
		return z
	}
	return string(s)
}

// Valid reports whether s is a known state.
func (s State) Valid() bool { _, ok := stateZh[s]; return ok }

// Terminal reports whether no further workflow step can follow. Not-accepted
// cases can still receive notes and ratings, but never change state again.
// (The legacy evaluated state counts too: nothing leads out of it.)
func (s State) Terminal() bool { return s == StateEvaluated || s == StateNotAccepted }

// Open reports whether the case still counts against a deadline.
func (s State) Open() bool {
	switch s {
	case StateAccepted, StateForwarded, StateInProcess, StateSuspended, StateCorrection, StateReceived:
		return true
	}
	return false
}

// Conclusion results (办结结果).
const (
	ResultApproved          = "approved"           // 准予/出证
	ResultRefused           = "refused"            // 不予许可
	ResultReturned          = "returned"           // 退回
	ResultVoided            = "voided"             // 作废
	ResultCorrectionTimeout = "correction_timeout" // 补正逾期未补
)

// Results lists the conclusion results.
var Results = []string{ResultApproved, ResultRefused, ResultReturned, ResultVoided, ResultCorrectionTimeout}

// ResultZh returns a conclusion result's Chinese name.
func ResultZh(r string) string {
	switch r {
	case ResultApproved:
		return "准予"
	case ResultRefused:
		return "不予许可"
	case ResultReturned:
		return "退回"
	case ResultVoided:
		return "作废"
	case ResultCorrectionTimeout:
		return "逾期未补正"
	}
	return r
}

// Transition is one edge of the case state machine.
type Transition struct {
	Kind EventKind
	From State
	To   State // StateNone means "decided by the event": supplement returns where correction came from
	// Step is what the catalog must grant the office's kind (Item.Rights)
	// for it to make the transition; "" needs only that the office holds
	// the case. Supplement and correction timeout take the step of where the
	// correction came from (StepOf).
	Step        Step
	NeedsReason bool
}

// stepOfCorrection marks the transitions whose step depends on where the
// correction came from.
const stepOfCorrection Step = "correction"

// Transitions is the case state machine: the only steps a case may take. Every
// event kind that changes state appears here; everything else is refused.
//
// One acceptance per case: a station that may accept does (received →
// accepted) and forwards an accepted case for review; a station that only
// takes in forwards the case unaccepted (received → forwarded), and the
// hall accepts it (forwarded → accepted) or refuses to. The hall then takes
// a case up for review (审查/承办: start_process), never accepting it a
// second time.
var Transitions = []Transition{
	{EvRequestCorrection, StateReceived, StateCorrection, StepTakeIn, true},
	{EvRequestCorrection, StateInProcess, StateCorrection, StepDecide, true},
	{EvSupplement, StateCorrection, StateNone, stepOfCorrection, false},
	{EvCorrectionTimeout, StateCorrection, StateConcluded, stepOfCorrection, false},
	{EvAccept, StateReceived, StateAccepted, StepAccept, false},
	{EvAccept, StateForwarded, StateAccepted, StepAccept, false},
	{EvNotAccept, StateReceived, StateNotAccepted, StepAccept, true},
	{EvNotAccept, StateCorrection, StateNotAccepted, StepAccept, true},
	{EvNotAccept, StateForwarded, StateNotAccepted, StepAccept, true},
	{EvForward, StateReceived, StateForwarded, StepTakeIn, false},
	{EvForward, StateAccepted, StateForwarded, "", false},
	{EvStartProcess, StateAccepted, StateInProcess, StepDecide, false},
	{EvStartProcess, StateForwarded, StateInProcess, StepDecide, false},
	{EvSuspend, StateInProcess, StateSuspended, StepDecide, true},
	{EvResume, StateSuspended, StateInProcess, StepDecide, false},
	{EvConclude, StateAccepted, StateConcluded, StepDecide, false},
	{EvConclude, StateInProcess, StateConcluded, StepDecide, false},
	{EvStartDelivery, StateConcluded, StateDelivering, StepDeliver, false},
	{EvDeliver, StateDelivering, StateDelivered, StepDeliver, false},
	// EvEvaluate is not here: a rating never moves a case (event.go).
}

// StepOf returns the step the catalog must grant for t on case c: a
// supplement or a correction timeout is a take-in step before acceptance
// (an accept step for the timeout, which ends the application) and a
// decision step after it.
func StepOf(t Transition, c *Case) Step {
	if t.Step != stepOfCorrection {
		return t.Step
	}
	if c != nil && c.CorrectionFrom == StateInProcess {
		return StepDecide
	}
	if t.Kind == EvCorrectionTimeout {
		return StepAccept
	}
	return StepTakeIn
}

// FindTransition returns the table row for kind from state.
func FindTransition(kind EventKind, from State) (Transition, bool) {
	for _, t := range Transitions {
		if t.Kind == kind && t.From == from {
			return t, true
		}
	}
	return Transition{}, false
}

// NextSteps returns the event kinds allowed from state, in table order, so a
// UI can show only the buttons the state machine permits.
func NextSteps(from State) []EventKind {
	var out []EventKind
	seen := map[EventKind]bool{}
	for _, t := range Transitions {
		if t.From == from && !seen[t.Kind] {
			seen[t.Kind] = true
			out = append(out, t.Kind)
		}
	}
	return out
}

func errTransition(kind EventKind, from State) error {
	return Errorf(EConflict,
		fmt.Sprintf("当前状态“%s”下不能执行“%s”。请刷新办件后按页面上可用的操作办理。", from.Zh(), kind.Zh()),
		"transition %s not allowed from state %q", kind, from)
}
