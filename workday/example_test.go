package workday_test

import (
	"fmt"

	"yizhan/workday"
)

// The domain brief's example: three working days after Thursday 2023-01-19
// end on a make-up Sunday, because the Spring Festival holiday sits between.
func ExampleCalendar_Due() {
	c := workday.New()
	accepted := workday.MustParseDate("2023-01-19")
	dl := c.Due(accepted, workday.Limit{Value: 3, Unit: workday.G}, nil)
	fmt.Println(dl.Due, dl.Due.Weekday(), dl.Provisional)
	st := c.Status(dl, workday.MustParseDate("2023-01-28"), false)
	fmt.Printf("left %d, due soon %v, overdue %v\n", st.WorkdaysLeft, st.DueSoon, st.Overdue)
	// Output:
	// 2023-01-29 Sunday false
	// left 1, due soon true, overdue false
}

// A special procedure that is still running stops the clock; closing it
// gives the due date back, pushed by the working days it spent.
func ExampleCalendar_Due_pause() {
	c := workday.New()
	accepted := workday.MustParseDate("2025-03-03") // Monday
	limit := workday.Limit{Value: 5, Unit: workday.G}
	review := workday.Pause{From: workday.MustParseDate("2025-03-05"), Unit: workday.G}

	fmt.Printf("%+v\n", c.Due(accepted, limit, []workday.Pause{review}))
	review.To = workday.MustParseDate("2025-03-06")
	fmt.Println(c.Due(accepted, limit, []workday.Pause{review}).Due)
	// Output:
	// {Due: Unit:G Left:4 Provisional:false Paused:true}
	// 2025-03-12
}

func ExampleCalendar_Spec() {
	s, _ := workday.New().Spec(2026)
	fmt.Println(s.Workdays)
	// Output:
	// [2026-01-04 2026-02-14 2026-02-28 2026-05-09 2026-09-20 2026-10-10]
}
