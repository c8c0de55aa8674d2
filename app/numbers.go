package app

import (
	"context"
	"fmt"
	"time"

	"yizhan/domain"
	"yizhan/workday"
)

// nextCaseNumber gives a new case its human number: station code, date and
// the day's next sequence. A number already held here is skipped: a
// station rebuilt on a new PC (hall station reenrol) pulls back the cases
// its old PC numbered today, but not the old PC's counters, and must not
// hand out their numbers again.
func (s *Station) nextCaseNumber(ctx context.Context, tx Tx, now time.Time) (string, error) {
	day := "case:" + now.In(workday.China).Format("20060102")
	for {
		seq, err := nextCounter(ctx, tx, day)
		if err != nil {
			return "", err
		}
		number := domain.CaseNumber(s.code, now, seq)
		var taken int
		if err := tx.SQL().QueryRowContext(ctx, `SELECT count(*) FROM cases WHERE number=?`, number).Scan(&taken); err != nil {
			return "", fmt.Errorf("case number: %w", err)
		}
		if taken == 0 {
			return number, nil
		}
	}
}
