package domain

import (
	"crypto/rand"
	"fmt"
	"math/big"
	"regexp"
	"time"
)

// CaseNumber makes the human case number: office code, acceptance date and a
// per-office daily sequence, e.g. 370112001-20261127-0042. Office codes are
// unique (the hall issues them at enrolment), so numbers are unique across
// offices without any coordination.
func CaseNumber(office string, day time.Time, seq int) string {
	return fmt.Sprintf("%s-%s-%04d", office, day.In(chinaZone).Format("20060102"), seq)
}

var officeCode = regexp.MustCompile(`^[A-Za-z0-9]{2,20}$`)

// ValidOfficeCode checks a station code: 2–20 letters or digits, so that case
// numbers stay short and unambiguous.
func ValidOfficeCode(code string) error {
	if code == HallOffice {
		return Errorf(EInvalid, "站点编码不能为 hall。", "office code %q is reserved", code)
	}
	if !officeCode.MatchString(code) {
		return Errorf(EInvalid, "站点编码须为 2 到 20 位字母或数字。", "office code %q: 2-20 letters or digits", code)
	}
	return nil
}

// NewQueryPassword makes the six-digit password an applicant uses to check
// progress at a kiosk or online.
func NewQueryPassword() string {
	n, err := rand.Int(rand.Reader, big.NewInt(1000000))
	if err != nil {
		// crypto/rand does not fail on supported platforms; a fixed value
		// would be worse than stopping.
		panic(fmt.Sprintf("crypto/rand: %v", err))
	}
	return fmt.Sprintf("%06d", n.Int64())
}
