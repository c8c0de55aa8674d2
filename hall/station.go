package hall

import (
	"context"
	"crypto/ed25519"
	"crypto/hmac"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base32"
	"encoding/base64"
	"encoding/binary"
	"encoding/hex"
	"fmt"
	"io"
	"regexp"
	"strings"

	"filippo.io/age"

	"yizhan/domain"
	"yizhan/sync/protocol"
)

// stationCode is what a station code may look like: it appears in case
// numbers and in the bearer token before the ".", so no dots.
var stationCode = regexp.MustCompile(`^[A-Za-z0-9_-]{1,32}$`)

// crockford is Crockford's base32 alphabet: no I, L, O or U, so an
// enrolment code read aloud over a phone or copied from paper survives.
var crockford = base32.NewEncoding("0123456789ABCDEFGHJKMNPQRSTVWXYZ").WithPadding(base32.NoPadding)

// AddStation announces a township station (the default kind) and returns
// its one-time enrolment code; see RegisterStation.
func (s *Service) AddStation(ctx context.Context, code, name, region string) (string, error) {
	return s.RegisterStation(ctx, StationSpec{Code: code, Name: name, Region: region})
}

// StationSpec is what `hall station add` registers.
type StationSpec struct {
	Code   string
	Name   string
	Region string // administrative division code, e.g. 370112001 for a township
	Kind   string // village, township, postal or helper; "" is township
}

// RegisterStation announces a station and returns its one-time enrolment
// code, shown once: only its hash is stored, and it expires after EnrolTTL.
// The station's kind and region decide, with the catalog, what it may do.
func (s *Service) RegisterStation(ctx context.Context, spec StationSpec) (string, error) {
	code, name, region := spec.Code, spec.Name, spec.Region
	kind, err := domain.ParseStationKind(spec.Kind)
	if err != nil {
		return "", err
	}
	if err := checkRegion(region); err != nil {
		return "", err
	}
	if !stationCode.MatchString(code) || code == domain.HallOffice {
		return "", domain.Errorf(domain.EInvalid, "站点编码只能包含字母、数字、下划线和连字符（最多 32 个字符），且不能是 hall。",
			"station code %q: letters, digits, _ and - only, at most 32, not %q", code, domain.HallOffice)
	}
	if strings.TrimSpace(name) == "" {
		return "", domain.Errorf(domain.EInvalid, "请填写站点名称。", "station %s: name required", code)
	}
	raw := make([]byte, 10) // 80 bits: far beyond guessing within a week
	if _, err := io.ReadFull(s.Rand, raw); err != nil {
		return "", fmt.Errorf("add station: random: %w", err)
	}
	enc := crockford.EncodeToString(raw)
	shown := enc[0:4] + "-" + enc[4:8] + "-" + enc[8:12] + "-" + enc[12:16]
	now := s.Now()
	st := &StationRecord{Code: code, Name: strings.TrimSpace(name), Region: strings.TrimSpace(region), Kind: kind,
		EnrolHash: hashText(normEnrolCode(shown)), EnrolExpires: now.Add(s.EnrolTTL), CreatedAt: now}
	err = s.store.Update(ctx, func(tx Tx) error {
		if err := tx.CreateStation(st); err != nil {
			return err
		}
		return tx.RecordAccess(&Access{At: now, Actor: actorFrom(ctx).ID, Action: "station.add", Detail: code + " " + string(kind)})
	})
	if err != nil {
		return "", err
	}
	return shown, nil
}

// regionCode is an administrative division code: digits only (370112,
// 370112001, 370112001001…).
var regionCode = regexp.MustCompile(`^[0-9]{0,12}$`)

func checkRegion(region string) error {
	if !regionCode.MatchString(strings.TrimSpace(region)) {
		return domain.Errorf(domain.EInvalid, "区划代码须为最多 12 位数字（如 370112001）。", "region %q: up to 12 digits", region)
	}
	return nil
}

// StationEdit changes a station's registry row; nil fields stay.
type StationEdit struct {
	Name   *string
	Region *string
	Kind   *string
}

// EditStation changes a station's name, region or kind. The hall decides
// every later event by the new row; the station learns it with its next
// sync answers, and its clerk's screens follow.
func (s *Service) EditStation(ctx context.Context, code string, e StationEdit) error {
	now := s.Now()
	return s.store.Update(ctx, func(tx Tx) error {
		st, err := tx.Station(code)
		if err != nil {
			return err
		}
		var changed []string
		if e.Name != nil {
			if strings.TrimSpace(*e.Name) == "" {
				return domain.Errorf(domain.EInvalid, "请填写站点名称。", "station %s: name required", code)
			}
			st.Name = strings.TrimSpace(*e.Name)
			changed = append(changed, "name="+st.Name)
		}
		if e.Region != nil {
			if err := checkRegion(*e.Region); err != nil {
				return err
			}
			st.Region = strings.TrimSpace(*e.Region)
			changed = append(changed, "region="+st.Region)
		}
		if e.Kind != nil {
			k, err := domain.ParseStationKind(*e.Kind)
			if err != nil {
				return err
			}
			st.Kind = k
			changed = append(changed, "kind="+string(k))
		}
		if len(changed) == 0 {
			return nil
		}
		st.OfficeSends = officeSends
		if err := tx.UpdateStation(st); err != nil {
			return err
		}
		return tx.RecordAccess(&Access{At: now, Actor: actorFrom(ctx).ID, Action: "station.edit", Detail: code + " " + strings.Join(changed, " ")})
	})
}

// officeSends is how many sync answers carry a station's kind and region
// after they change: one lost answer does not leave the station's screens
// wrong (the hall decides by its own row in any case).
const officeSends = 3

// normEnrolCode undoes what people do to a code: lower case, dashes and
// spaces, and the letters Crockford's alphabet reads as digits.
func normEnrolCode(c string) string {
	c = strings.ToUpper(c)
	c = strings.NewReplacer("-", "", " ", "", "O", "0", "I", "1", "L", "1").Replace(c)
	return c
}

func hashText(v string) string {
	h := sha256.Sum256([]byte(v))
	return hex.EncodeToString(h[:])
}

// Enroll exchanges an enrolment code for the station's bearer token and
// records the station's public keys. A station enrolling for the first
// time gets the current catalog and calendars queued for its first pull.
//
// Enrolment is idempotent within the code's validity: the station that
// used a code (the same public keys, proven by a signature over the
// request) gets the same token again when it asks again, because its
// answer was lost or its request arrived twice. The code is bound to the
// keys that first used it: any other PC presenting it is refused. A
// request from a station initialised under another code is refused before
// anything is recorded.
func (s *Service) Enroll(ctx context.Context, req protocol.EnrollRequest) (protocol.EnrollResponse, error) {
	if err := protocol.CheckVersion(req.V); err != nil {
		return protocol.EnrollResponse{}, err
	}
	if err := req.CheckLimits(); err != nil {
		return protocol.EnrollResponse{}, err
	}
	if err := checkStationKeys(req.SignKey, req.AgeKey); err != nil {
		return protocol.EnrollResponse{}, err
	}
	proven, err := enrolProof(&req)
	if err != nil {
		return protocol.EnrollResponse{}, err
	}
	now := s.Now()
	var resp protocol.EnrollResponse
	err = s.store.Update(ctx, func(tx Tx) error {
		st, err := tx.StationByEnrolHash(hashText(normEnrolCode(req.Code)))
		if domain.ErrorCode(err) == domain.ENotFound {
			return domain.Errorf(domain.EUnauthorized, "注册码无效或已作废，请向大厅重新申请。", "enrolment code unknown or withdrawn")
		}
		if err != nil {
			return err
		}
		if st.Revoked() {
			return domain.Errorf(protocol.CodeRevoked, "该站点已被停用。", "station %s revoked", st.Code)
		}
		if now.After(st.EnrolExpires) {
			return domain.Errorf(domain.EUnauthorized, "注册码已过期，请向大厅重新申请。", "enrolment code of %s expired", st.Code)
		}
		if req.Station != "" && req.Station != st.Code {
			return domain.Errorf(domain.EConflict,
				fmt.Sprintf("本站已初始化为 %s，但该登记码属于站点 %s，未作任何登记。请核对登记码，或请大厅为 %s 出具登记码。", req.Station, st.Code, req.Station),
				"station is initialised as %s but the code belongs to %s; nothing recorded", req.Station, st.Code)
		}
		secret := s.enrolSecret(st.Code, st.EnrolHash, req.SignKey, req.AgeKey)
		resp = protocol.EnrollResponse{V: protocol.Version, Station: st.Code, Name: st.Name, Region: st.Region,
			Kind: string(stationKind(st)), Token: st.Code + "." + secret, HallSignKey: s.keys.SignPublic(), HallAgeKey: s.keys.AgeRecipient()}
		if st.TokenHash != "" {
			// The code was used. Only by the same keys, proven, is this
			// a retry; anyone else is refused.
			if st.SignKey != req.SignKey || st.AgeKey != req.AgeKey || !proven ||
				subtle.ConstantTimeCompare([]byte(hashText(secret)), []byte(st.TokenHash)) != 1 {
				return domain.Errorf(domain.EUnauthorized,
					"该注册码已被另一台电脑使用。如需在本机登记，请大厅执行 hall station reenrol "+st.Code+" 重新出具注册码。",
					"enrolment code of %s was already used by other keys", st.Code)
			}
			return nil
		}
		first := !st.Enrolled()
		st.TokenHash = hashText(secret)
		st.SignKey, st.AgeKey, st.AppVersion = req.SignKey, req.AgeKey, req.AppVersion
		st.EnrolledAt, st.LastSeen = now, now
		if err := tx.UpdateStation(st); err != nil {
			return err
		}
		if first {
			if err := backfillPublished(tx, st.Code); err != nil {
				return err
			}
		}
		return tx.RecordAccess(&Access{At: now, Actor: st.Code, Action: "station.enroll", Detail: req.AppVersion})
	})
	if err != nil {
		return protocol.EnrollResponse{}, err
	}
	return resp, nil
}

// enrolProof checks the request's signature, if any: a present but wrong
// one is refused; none at all (a station before signatures) proves nothing.
func enrolProof(req *protocol.EnrollRequest) (bool, error) {
	if req.Sig == "" {
		return false, nil
	}
	pub, _ := base64.StdEncoding.DecodeString(req.SignKey) // checked by checkStationKeys
	sig, err := base64.StdEncoding.DecodeString(req.Sig)
	if err != nil || len(sig) != ed25519.SignatureSize || !ed25519.Verify(pub, protocol.EnrollSigMessage(req), sig) {
		return false, domain.Errorf(domain.EInvalid, "登记请求的签名不正确。", "enroll: signature does not match the request's sign_key")
	}
	return true, nil
}

// enrolSecret derives the bearer secret a code gives to one pair of
// station keys: an HMAC, under a key derived from the hall's signing key,
// of the station, the code's hash and the keys. The same request gets the
// same secret, so a retry returns the token the first answer carried
// (which may have reached the station after all); the hall still stores
// only the secret's hash. A new code (reenrol) gives a new secret.
func (s *Service) enrolSecret(station, enrolHash, signKey, ageKey string) string {
	k := sha256.Sum256(append([]byte("yizhan-token-key-v1\x00"), s.keys.Sign.Seed()...))
	m := hmac.New(sha256.New, k[:])
	for _, f := range []string{station, enrolHash, signKey, ageKey} {
		m.Write(binary.BigEndian.AppendUint32(nil, uint32(len(f))))
		m.Write([]byte(f))
	}
	return base64.RawURLEncoding.EncodeToString(m.Sum(nil))
}

func checkStationKeys(signKey, ageKey string) error {
	if _, err := protocol.ParseSignKey(signKey); err != nil {
		return domain.Errorf(domain.EInvalid, "站点签名公钥格式不正确。", "sign_key: not a base64 Ed25519 public key")
	}
	if _, err := age.ParseX25519Recipient(ageKey); err != nil {
		return domain.Errorf(domain.EInvalid, "站点加密公钥格式不正确。", "age_key: %v", err)
	}
	return nil
}

// backfillPublished queues the current catalog and calendars for a station.
func backfillPublished(tx Tx, code string) error {
	pubs, err := tx.CurrentPublished()
	if err != nil {
		return err
	}
	if len(pubs) == 0 {
		return nil
	}
	refs := make([]Ref, len(pubs))
	for i, p := range pubs {
		refs[i] = Ref{PubSeq: p.Seq}
	}
	return tx.Enqueue(code, refs)
}

// Revoke stops a station's token (and any unused enrolment code) working.
// Its queued deliveries and log entries stay: nothing it recorded is lost.
func (s *Service) Revoke(ctx context.Context, code string) error {
	now := s.Now()
	return s.store.Update(ctx, func(tx Tx) error {
		st, err := tx.Station(code)
		if err != nil {
			return err
		}
		if st.Revoked() {
			return nil
		}
		st.RevokedAt, st.EnrolHash = now, ""
		if err := tx.UpdateStation(st); err != nil {
			return err
		}
		return tx.RecordAccess(&Access{At: now, Actor: actorFrom(ctx).ID, Action: "station.revoke", Detail: code})
	})
}

// dummyHash is compared against when a token names an unknown station, so
// that the answer takes as long as for a known one.
var dummyHash = hashText("no such station")

// Authenticate checks a bearer token "<station>.<secret>" and returns the
// station. The secret is compared in constant time; a revoked station is
// told so only once its secret matched, so revocation reveals nothing to a
// guesser.
func (s *Service) Authenticate(ctx context.Context, token string) (*StationRecord, error) {
	unauth := domain.Errorf(domain.EUnauthorized, "站点身份验证失败，请重新注册。", "invalid station token")
	i := strings.LastIndexByte(token, '.')
	if i <= 0 || i == len(token)-1 {
		return nil, unauth
	}
	code, secret := token[:i], token[i+1:]
	var st *StationRecord
	err := s.store.View(ctx, func(tx Tx) error {
		var err error
		st, err = tx.Station(code)
		return err
	})
	if err != nil && domain.ErrorCode(err) != domain.ENotFound {
		return nil, err
	}
	want := dummyHash
	if st != nil && st.TokenHash != "" {
		want = st.TokenHash
	}
	ok := subtle.ConstantTimeCompare([]byte(hashText(secret)), []byte(want)) == 1
	if !ok || st == nil || st.TokenHash == "" {
		return nil, unauth
	}
	if st.Revoked() {
		return nil, domain.Errorf(protocol.CodeRevoked, "该站点已被大厅停用，请联系大厅。", "station %s revoked", st.Code)
	}
	return st, nil
}
