package domain

import "fmt"

// Authorize decides whether office may append e to case c (nil for an open
// event). The hall calls it for every event a station pushes; stations call
// it too, so that a clerk is told at once rather than after a sync. It never
// trusts what the event says about its own office: office comes from the
// authenticated connection.
func Authorize(c *Case, e *Event, office string) error {
	if e.Office != office {
		return Errorf(EForbidden, "事件的来源单位与登录单位不一致。", "event %s claims office %q but was sent by %q", e.ID, e.Office, office)
	}
	if e.Kind == EvOpen {
		// Any office may open a case; a duplicate open is a conflict that
		// Apply decides.
		return nil
	}
	if c == nil || c.State == StateNone {
		return Errorf(EConflict, "办件不存在或尚未同步。", "case %s unknown", e.CaseID)
	}
	if office == HallOffice {
		return nil
	}
	forbid := func(why string) error {
		return Errorf(EForbidden, "本站无权对该办件执行“"+e.Kind.Zh()+"”："+why, "office %s may not %s case %s", office, e.Kind, c.ID)
	}
	if !e.Kind.IsTransition() {
		if office == c.Holder || office == c.Station {
			if e.Kind == EvAssignSerial {
				return forbid("申办流水号只能由大厅分配。")
			}
			return nil
		}
		return forbid("该办件不属于本站。")
	}
	t, ok := FindTransition(e.Kind, e.From)
	if !ok {
		// Not a legal step at all: Apply refuses it as a conflict. Only an
		// office that may see the case gets that far, or a conflict record
		// would leak the case to a stranger.
		if office != c.Holder && office != c.Station {
			return forbid("该办件不属于本站。")
		}
		return nil
	}
	switch t.Authority {
	case HallOnly:
		return forbid("该操作只能由大厅办理。")
	case HandlerOnly:
		if c.HandledAt == "hall" {
			return forbid("该事项由大厅审批。")
		}
		if office != c.Holder {
			return forbid("该办件当前由" + c.Holder + "办理。")
		}
	default:
		if office != c.Holder {
			return forbid(fmt.Sprintf("该办件当前由%s办理。", c.Holder))
		}
	}
	return nil
}
