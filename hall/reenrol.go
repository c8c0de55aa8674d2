package hall

import (
	"context"
	"fmt"
	"io"
	"time"

	"yizhan/domain"
)

// Reenrol issues a new one-time enrolment code for an existing station:
// how a station whose PC died, was stolen or was replaced is rebuilt on a
// new PC under the same code (docs/reliability.md, "When a PC dies").
//
// Everything the old PC holds dies at once: its token (no more online
// sync), and the public keys the hall knew it by, so a bundle it signed is
// refused unread and no reply is ever again sealed to its age key — until
// the new PC enrols with the new code and its own keys. A revocation is
// lifted, because issuing the code is the
// hall's decision to put the station back in service. The recorded audit
// head is cleared: the new PC starts a new audit chain, which must not be
// mistaken for a rewritten one. The station's delivery queue is kept, so
// the new PC, pulling from cursor 0, receives its whole scope — every case
// it opened or was routed, the catalog and the calendars. Only what the old
// PC recorded and never sent (online or by bundle) is lost with it.
func (s *Service) Reenrol(ctx context.Context, code string) (string, error) {
	raw := make([]byte, 10)
	if _, err := io.ReadFull(s.Rand, raw); err != nil {
		return "", fmt.Errorf("reenrol: random: %w", err)
	}
	enc := crockford.EncodeToString(raw)
	shown := enc[0:4] + "-" + enc[4:8] + "-" + enc[8:12] + "-" + enc[12:16]
	now := s.Now()
	err := s.store.Update(ctx, func(tx Tx) error {
		st, err := tx.Station(code)
		if err != nil {
			return err
		}
		if !st.Enrolled() {
			return domain.Errorf(domain.EConflict, "站点 "+code+" 尚未注册，请使用登记时的注册码。", "station %s never enrolled", code)
		}
		st.EnrolHash, st.EnrolExpires = hashText(normEnrolCode(shown)), now.Add(s.EnrolTTL)
		st.TokenHash, st.SignKey, st.AgeKey, st.RevokedAt = "", "", "", time.Time{}
		st.AuditSeq, st.AuditHash = 0, ""
		if err := tx.UpdateStation(st); err != nil {
			return err
		}
		return tx.RecordAccess(&Access{At: now, Actor: "cli", Action: "station.reenrol", Detail: code})
	})
	if err != nil {
		return "", err
	}
	return shown, nil
}
