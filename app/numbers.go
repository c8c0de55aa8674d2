package app

import (
	"time"

	"yizhan/domain"
	"yizhan/workday"
)

// nextCaseNumber gives a new case its human number: station code, date and
// the day's next sequence. A number already held here is skipped: a
// station rebuilt on a new PC (hall station reenrol) pulls back the cases
// its old PC numbered today, but not the old PC's counters, and must not
// hand out their numbers again.
func (s *Station) nextCaseNumber(tx Tx, now time.Time) (string, error) {
	day := "case:" + now.In(workday.China).Format("20060102")
	for {
		seq, err := tx.NextCounter(day)
		if err != nil {
			return "", err
		}
		number := domain.CaseNumber(s.code, now, seq)
		taken, err := tx.CaseNumberTaken(number)
		if err != nil {
			return "", err
		}
		if !taken {
			return number, nil
		}
	}
}
