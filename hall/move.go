package hall

import (
	"context"
	"crypto/ed25519"
	"crypto/hmac"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"encoding/binary"
	"fmt"
	"time"

	"yizhan/domain"
	"yizhan/sync/protocol"
)

// AllStations is the station a move code names when it serves every
// station: a hall that moves tells them all.
const AllStations = "*"

// moveEpoch is day 0 of the expiry day written into a move code.
var moveEpoch = time.Date(2020, 1, 1, 0, 0, 0, 0, time.UTC)

// MoveCode issues the code a station's staff type to move the station to
// the hall's new address url (`station hall set-url URL --code C`): for one
// station, or for every station with AllStations. The code is a MAC, under
// a key derived from the hall's signing key, of the station, the address
// and the day it expires (EnrolTTL from now, to the day), which it
// carries: the hall stores nothing and every process sharing the keys
// accepts it. It confirms only that address, and only to a station that
// proves it holds its own signing key.
func (s *Service) MoveCode(ctx context.Context, station, url string) (code string, expires time.Time, err error) {
	u, err := protocol.NormalizeHallURL(url)
	if err != nil {
		return "", time.Time{}, err
	}
	now := s.Now()
	if station != AllStations {
		err := s.store.View(ctx, func(tx Tx) error {
			_, err := tx.Station(station)
			return err
		})
		if err != nil {
			return "", time.Time{}, err
		}
	}
	day := int(now.Add(s.EnrolTTL).Sub(moveEpoch).Hours() / 24)
	if day < 0 || day > 0xffff {
		return "", time.Time{}, fmt.Errorf("move code: clock out of range: %v", now)
	}
	raw := s.moveMAC(station, u, uint16(day))
	enc := crockford.EncodeToString(raw)
	code = enc[0:4] + "-" + enc[4:8] + "-" + enc[8:12] + "-" + enc[12:16]
	expires = moveEpoch.AddDate(0, 0, day+1)
	err = s.store.Update(ctx, func(tx Tx) error {
		return tx.RecordAccess(&Access{At: now, Actor: actorFrom(ctx).ID, Action: "station.move-code", Detail: station + " " + u})
	})
	return code, expires, err
}

// moveMAC is the 10 bytes of a move code: the expiry day, then 8 bytes of
// HMAC-SHA256 over station, address and day.
func (s *Service) moveMAC(station, url string, day uint16) []byte {
	k := sha256.Sum256(append([]byte("yizhan-move-key-v1\x00"), s.keys.Sign.Seed()...))
	m := hmac.New(sha256.New, k[:])
	for _, f := range []string{station, url} {
		m.Write(binary.BigEndian.AppendUint32(nil, uint32(len(f))))
		m.Write([]byte(f))
	}
	m.Write(binary.BigEndian.AppendUint16(nil, day))
	return append(binary.BigEndian.AppendUint16(nil, day), m.Sum(nil)[:8]...)
}

// ConfirmMove answers a station that was told to reach the hall at a new
// address: if the move code names that station (or every station) and that
// address and has not expired, and the request is signed with the
// station's registered key, the hall signs the station, the address and
// the station's nonce. The station checks that signature with the hall key
// it got at enrolment before it uses the new address.
func (s *Service) ConfirmMove(ctx context.Context, req protocol.MoveRequest) (protocol.MoveResponse, error) {
	if err := protocol.CheckVersion(req.V); err != nil {
		return protocol.MoveResponse{}, err
	}
	refused := domain.Errorf(domain.EUnauthorized, "迁移码无效、已过期，或与所填大厅地址不符。请核对地址和迁移码，或请大厅重新出具。",
		"move code does not match this station and address, or expired")
	u, err := protocol.NormalizeHallURL(req.URL)
	if err != nil {
		return protocol.MoveResponse{}, err
	}
	if u != req.URL || len(req.Nonce) == 0 || len(req.Nonce) > 64 {
		return protocol.MoveResponse{}, domain.Errorf(domain.EInvalid, "迁移请求格式不正确。", "move: url must be normalised and a nonce given")
	}
	raw, err := crockford.DecodeString(normEnrolCode(req.Code))
	if err != nil || len(raw) != 10 {
		return protocol.MoveResponse{}, refused
	}
	day := binary.BigEndian.Uint16(raw)
	if s.Now().After(moveEpoch.AddDate(0, 0, int(day)+1)) {
		return protocol.MoveResponse{}, refused
	}
	mine := subtle.ConstantTimeCompare(raw, s.moveMAC(req.Station, u, day)) == 1
	all := subtle.ConstantTimeCompare(raw, s.moveMAC(AllStations, u, day)) == 1
	if !mine && !all {
		return protocol.MoveResponse{}, refused
	}
	var st *StationRecord
	if err := s.store.View(ctx, func(tx Tx) error {
		st, err = tx.Station(req.Station)
		return err
	}); err != nil {
		if domain.ErrorCode(err) == domain.ENotFound {
			return protocol.MoveResponse{}, refused
		}
		return protocol.MoveResponse{}, err
	}
	if st.Revoked() || st.TokenHash == "" || st.SignKey == "" {
		return protocol.MoveResponse{}, domain.Errorf(protocol.CodeRevoked, "该站点已被停用或正待重新登记。", "station %s is revoked or not enrolled", st.Code)
	}
	pub, _ := base64.StdEncoding.DecodeString(st.SignKey)
	sig, err := base64.StdEncoding.DecodeString(req.Sig)
	if err != nil || len(pub) != ed25519.PublicKeySize ||
		!ed25519.Verify(pub, protocol.MoveSigMessage("request", req.Station, u, req.Code, req.Nonce), sig) {
		return protocol.MoveResponse{}, domain.Errorf(domain.EUnauthorized, "迁移请求的签名与站点登记的密钥不符。", "move: signature does not match station %s's key", st.Code)
	}
	now := s.Now()
	if err := s.store.Update(ctx, func(tx Tx) error {
		return tx.RecordAccess(&Access{At: now, Actor: st.Code, Action: "station.move", Detail: u})
	}); err != nil {
		return protocol.MoveResponse{}, err
	}
	out := ed25519.Sign(s.keys.Sign, protocol.MoveSigMessage("hall", st.Code, u, "", req.Nonce))
	return protocol.MoveResponse{V: protocol.Version, Station: st.Code, URL: u, Nonce: req.Nonce,
		Sig: base64.StdEncoding.EncodeToString(out)}, nil
}
