package sim

import (
	_ "embed"
	"encoding/binary"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"time"

	"github.com/google/uuid"

	"yizhan/domain"
	"yizhan/workday"
)

//go:embed catalog.json
var catalogJSON []byte

// Item codes of the simulation's catalog.
const (
	stationItem = "370112-RS-001-01-S" // 即办件 handled to the end at the station
	hallItem    = "370112-RS-002-01-S" // 承诺件 approved at the hall
)

// idSource makes UUIDv7-shaped identifiers: the time bits from a (possibly
// skewed) clock, the rest from a seeded source, so a seed replays with the
// same IDs.
type idSource struct {
	rng *rand.Rand
	now func() time.Time
}

// New returns the next identifier.
func (g *idSource) New() string {
	var b [16]byte
	ms := uint64(max(g.now().UnixMilli(), 0))
	binary.BigEndian.PutUint64(b[8:], g.rng.Uint64())
	binary.BigEndian.PutUint64(b[0:], ms<<16|uint64(g.rng.Uint32()&0xffff))
	b[6] = 0x70 | b[6]&0x0f // version 7
	b[8] = 0x80 | b[8]&0x3f // RFC 4122 variant
	return uuid.UUID(b).String()
}

// seededReader is an io.Reader of deterministic bytes for the hall's keys,
// tokens and enrolment codes.
type seededReader struct{ rng *rand.Rand }

func (r seededReader) Read(p []byte) (int, error) {
	for i := range p {
		p[i] = byte(r.rng.Uint32())
	}
	return len(p), nil
}

var names = []string{"张三", "李四", "王小明", "赵丽颖", "欧阳娜娜", "阿依古丽·买买提", "刘德", "陈静", "马建国", "扎西顿珠"}

// residentID makes a valid GB 11643 number for someone born between 1950
// and 2000, so it passes at a station whose clock is years off either way.
func residentID(r *rand.Rand) string {
	born := time.Date(1950, 1, 1, 0, 0, 0, 0, time.UTC).AddDate(0, 0, r.IntN(50*365))
	body := fmt.Sprintf("370112%s%03d", born.Format("20060102"), r.IntN(1000))
	weights := []int{7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2}
	sum := 0
	for i, w := range weights {
		sum += int(body[i]-'0') * w
	}
	return body + string("10X98765432"[sum%11])
}

// applicant makes a valid natural-person applicant.
func applicant(r *rand.Rand) domain.Applicant {
	return domain.Applicant{Name: names[r.IntN(len(names))], IDNumber: residentID(r),
		Phone: fmt.Sprintf("1%d%09d", 3+r.IntN(7), r.IntN(1_000_000_000)), Address: fmt.Sprintf("示例区幸福路%d号", 1+r.IntN(300))}
}

// catalogV2 returns a catalog publishing version 2 of the station item
// (a longer legal limit) and suspending version 1 of the hall item: what a
// hall does mid-year, and what stations must receive without a gap.
func catalogV2() ([]byte, error) {
	var c domain.Catalog
	if err := json.Unmarshal(catalogJSON, &c); err != nil {
		return nil, fmt.Errorf("catalog v2: %w", err)
	}
	c.Version = "test-2026.2"
	var items []*domain.Item
	for _, it := range c.Items {
		it.Normalize()
		switch it.Code {
		case stationItem:
			v2 := *it
			v2.Version = 2
			v2.LegalLimit.Value++
			items = append(items, it, &v2)
		case hallItem:
			it.Status = domain.ItemSuspended
			items = append(items, it)
		}
	}
	c.Items = items
	return json.Marshal(&c)
}

// calendarYear returns a small holiday calendar for year: New Year's Day
// off and the Saturday after it a make-up working day.
func calendarYear(year int) workday.YearSpec {
	jan1 := workday.NewDate(year, time.January, 1)
	sat := jan1
	for sat.Weekday() != time.Saturday {
		sat = sat.AddDays(1)
	}
	return workday.YearSpec{Year: year, Holidays: []workday.Date{jan1}, Workdays: []workday.Date{sat}, Source: fmt.Sprintf("sim %d", year)}
}
