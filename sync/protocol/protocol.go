// Package protocol defines Yizhan's sync wire format: the messages a station
// and the hall exchange over HTTP or inside a USB bundle, their version, and
// strict decoders. Both sides import it; neither imports the other's storage.
// docs/sync.md is the prose specification of what is here.
package protocol

import (
	"bytes"
	"encoding/binary"
	"encoding/json"
	"fmt"
	"io"
	"net/url"
	"strconv"
	"strings"

	"yizhan/domain"
	"yizhan/workday"
)

// Version is the wire format version this build speaks. The hall accepts
// Version and Version-1; a station older than that may still pull but is told
// to upgrade.
const Version = 1

// MinVersion is the oldest wire version the hall still accepts.
const MinVersion = 1

// Paths of the HTTP endpoints.
const (
	PathEnroll      = "/v1/enroll"
	PathSync        = "/v1/sync"
	PathBlobMissing = "/v1/blobs/missing"
	PathBlob        = "/v1/blobs/" // + sha256 hex; HEAD gives the received size, PUT with ?offset=N appends
	PathHealth      = "/healthz"
	// PathMove confirms a hall's new address to a station (MoveRequest).
	PathMove = "/v1/move"
)

// Limits every decoder enforces, so a bad peer cannot exhaust memory.
const (
	MaxRequestBytes = 8 << 20  // one sync request body, decompressed
	MaxEventBytes   = 64 << 10 // one event's payload
	MaxBatchEvents  = 2000
	MaxBlobBytes    = 64 << 20
	BlobChunkBytes  = 256 << 10
	DefaultMaxBytes = 1 << 20 // default pull page budget
)

// Header names.
const (
	HeaderAuthorization = "Authorization" // "Bearer <station code>.<secret>"
	HeaderUploadOffset  = "Upload-Offset"
	HeaderBlobSHA       = "Blob-Sha256"
	// HeaderUploadLength carries a blob's total size on every PUT: the
	// hall verifies the SHA-256 once it holds that many bytes, and only
	// then can it tell a finished upload from a wrong one.
	HeaderUploadLength = "Upload-Length"
	// HeaderUploadComplete is "1" once the hall holds the whole blob,
	// verified, and "0" otherwise; HEAD and PUT answers carry it.
	HeaderUploadComplete = "Upload-Complete"
)

// EnrollRequest exchanges a one-time enrolment code for credentials. The
// station makes its own key pairs; only public keys travel.
type EnrollRequest struct {
	V          int    `json:"v"`
	Code       string `json:"code"`        // one-time enrolment code printed by `hall station add`
	SignKey    string `json:"sign_key"`    // station's Ed25519 public key, base64
	AgeKey     string `json:"age_key"`     // station's age X25519 recipient ("age1...")
	AppVersion string `json:"app_version"` // for the hall's station registry
	// Station is the code this station is already initialised as, if any:
	// the hall refuses a code issued for another station before it records
	// anything. Empty for a fresh station (and from stations before it).
	Station string `json:"station,omitempty"`
	// Sig is the station's Ed25519 signature (base64) of
	// EnrollSigMessage: it proves the sender holds the private halves of
	// the keys it names, so that the hall may answer a repeated request
	// (a lost answer, a duplicate) with the same token. Stations before it
	// send none; the hall then answers a code only once.
	Sig string `json:"sig,omitempty"`
}

// EnrollSigMessage is what a station signs in EnrollRequest.Sig: every
// field the hall acts on, each length-prefixed so that no two requests
// sign the same bytes.
func EnrollSigMessage(r *EnrollRequest) []byte {
	m := []byte("yizhan-enroll-v1\x00")
	for _, f := range []string{r.Code, r.SignKey, r.AgeKey, r.Station} {
		m = binary.BigEndian.AppendUint32(m, uint32(len(f)))
		m = append(m, f...)
	}
	return m
}

// EnrollResponse gives the station its identity and the hall's keys.
type EnrollResponse struct {
	V           int    `json:"v"`
	Station     string `json:"station"` // office code, in every case number
	Name        string `json:"name"`
	Region      string `json:"region"`
	Kind        string `json:"kind,omitempty"` // village, township, postal or helper (since the authority rules)
	Token       string `json:"token"`          // bearer secret: "<station>.<secret>"
	HallSignKey string `json:"hall_sign_key"`  // hall's Ed25519 public key, base64
	HallAgeKey  string `json:"hall_age_key"`   // hall's age recipient
}

// MoveRequest asks the hall, at the address a station is told to use from
// now on, to confirm that address. Code is the move code the hall's staff
// issued for that address (`hall station move`); Sig is the station's
// Ed25519 signature of MoveSigMessage("request", ...), so only the station
// itself (not a reenrolled PC) gets a confirmation. No bearer token is
// sent: the station does not yet know whom it is talking to.
type MoveRequest struct {
	V       int    `json:"v"`
	Station string `json:"station"`
	URL     string `json:"url"`   // the new address, as NormalizeHallURL leaves it
	Code    string `json:"code"`  // the move code, as typed
	Nonce   string `json:"nonce"` // base64, fresh per request
	Sig     string `json:"sig"`
}

// MoveResponse is the hall's confirmation: its Ed25519 signature (base64)
// of MoveSigMessage("hall", station, url, "", nonce), which the station
// checks with the hall key it got at enrolment. A server that does not
// hold the hall's signing key cannot make one, so a stranger cannot
// redirect a station, and a proxy relaying to the real hall cannot either:
// the hall signs only the address its staff named.
type MoveResponse struct {
	V       int    `json:"v"`
	Station string `json:"station"`
	URL     string `json:"url"`
	Nonce   string `json:"nonce"`
	Sig     string `json:"sig"`
}

// MoveSigMessage is what the station ("request") and the hall ("hall")
// sign in a move: each field length-prefixed.
func MoveSigMessage(who, station, url, code, nonce string) []byte {
	m := []byte("yizhan-move-v1\x00" + who + "\x00")
	for _, f := range []string{station, url, code, nonce} {
		m = binary.BigEndian.AppendUint32(m, uint32(len(f)))
		m = append(m, f...)
	}
	return m
}

// NormalizeHallURL checks a hall address and returns it without surrounding
// space or trailing slashes: http or https, a host, no query or fragment.
func NormalizeHallURL(raw string) (string, error) {
	s := strings.TrimRight(strings.TrimSpace(raw), "/")
	u, err := url.Parse(s)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" || u.RawQuery != "" || u.Fragment != "" || u.User != nil {
		return "", &Error{Code: domain.EInvalid, Message: fmt.Sprintf("hall address %q: want http(s)://host[:port][/path]", raw),
			Zh: "大厅地址格式不正确，应为 https://主机名[:端口]。"}
	}
	return s, nil
}

// AuditHead is the newest row of the station's audit chain, and the hash of
// the row the hall saw last time: if that row's hash changed, history was
// rewritten.
type AuditHead struct {
	Seq       int64  `json:"seq"`
	Hash      string `json:"hash"`
	CheckSeq  int64  `json:"check_seq,omitempty"`
	CheckHash string `json:"check_hash,omitempty"`
}

// SyncRequest pushes pending events and asks for the next pull page, in one
// round trip. A request with no events and an up-to-date cursor is the
// "nothing new" sync: one small request, one small answer.
type SyncRequest struct {
	V          int             `json:"v"`
	Station    string          `json:"station"` // must equal the authenticated station
	Cursor     int64           `json:"cursor"`  // last delivery position applied
	Events     []*domain.Event `json:"events,omitempty"`
	Audit      *AuditHead      `json:"audit,omitempty"`
	MaxBytes   int             `json:"max_bytes,omitempty"` // pull page budget; DefaultMaxBytes if 0
	AppVersion string          `json:"app_version,omitempty"`
	// Quarantined reports events of earlier pull pages that the station
	// could not apply and set aside (at most MaxQuarantineReports); sent
	// only when there are some, so a hall that predates them sees none.
	Quarantined []QuarantineReport `json:"quarantined,omitempty"`
}

// MaxQuarantineReports bounds the reports of one request.
const MaxQuarantineReports = 100

// QuarantineReport is an event a station set aside instead of applying it.
type QuarantineReport struct {
	EventID string `json:"event_id"`
	CaseID  string `json:"case_id"`
	Seq     int64  `json:"seq,omitempty"` // the event's hall log position
	Code    string `json:"code"`
	Reason  string `json:"reason"`
}

// Office is the station's registry row as the hall decides by it: its kind
// and region (and name). A sync answer carries it after it changed.
type Office struct {
	Kind   string `json:"kind"`
	Region string `json:"region"`
	Name   string `json:"name"`
}

// Ack statuses.
const (
	AckAccepted = "accepted" // appended to the hall's log at Seq
	AckConflict = "conflict" // appended at Seq as a conflict: kept, does not count for state
	AckRejected = "rejected" // refused (authority, malformed); not in the log; never retry
)

// Ack answers one pushed event. A duplicate push gets the ack of the first.
type Ack struct {
	ID        string `json:"id"`
	Status    string `json:"status"`
	Seq       int64  `json:"seq,omitempty"` // hall log position
	Duplicate bool   `json:"dup,omitempty"`
	Code      string `json:"code,omitempty"` // domain error code for conflicts and rejections
	Reason    string `json:"reason,omitempty"`
	Zh        string `json:"zh,omitempty"`
}

// AckTally counts the hall's verdicts on pushed events: what an online sync
// and a bundle import, on either side, report.
type AckTally struct {
	Accepted   int `json:"accepted"`
	Conflicts  int `json:"conflicts"`
	Rejected   int `json:"rejected"`
	Duplicates int `json:"duplicates"`
}

// Add counts one ack. It reports false, and counts nothing, for a status
// this version does not know.
func (t *AckTally) Add(a Ack) bool {
	switch a.Status {
	case AckAccepted:
		t.Accepted++
	case AckConflict:
		t.Conflicts++
	case AckRejected:
		t.Rejected++
	default:
		return false
	}
	if a.Duplicate {
		t.Duplicates++
	}
	return true
}

// LogEvent is an event as the hall's log holds it, delivered in a pull page.
type LogEvent struct {
	Seq    int64         `json:"seq"`    // hall log position
	Status string        `json:"status"` // accepted or conflict
	Reason string        `json:"reason,omitempty"`
	Zh     string        `json:"zh,omitempty"`
	Event  *domain.Event `json:"event"`
	// Raw, when set, is Event's JSON exactly as the hall's log stores it
	// (json.Marshal of the event as it arrived): encoding writes it in
	// place of Event, so a pull page passes stored events through without
	// decoding and re-encoding each one. Never decoded; receivers get Event.
	Raw json.RawMessage `json:"-"`
}

// MarshalJSON encodes e as its fields' tags say; with Raw set, the stored
// bytes stand for Event, and the output is byte for byte what encoding the
// decoded Event would give.
func (e LogEvent) MarshalJSON() ([]byte, error) {
	if len(e.Raw) == 0 {
		type plain LogEvent
		return json.Marshal(plain(e))
	}
	return e.AppendJSON(make([]byte, 0, len(e.Raw)+64+len(e.Reason)+len(e.Zh)))
}

// AppendJSON appends e's JSON encoding to dst, as MarshalJSON gives it.
func (e LogEvent) AppendJSON(dst []byte) ([]byte, error) {
	if len(e.Raw) == 0 {
		b, err := e.MarshalJSON()
		return append(dst, b...), err
	}
	dst = append(dst, `{"seq":`...)
	dst = strconv.AppendInt(dst, e.Seq, 10)
	var err error
	if dst, err = appendField(dst, "status", e.Status, false); err != nil {
		return nil, err
	}
	if dst, err = appendField(dst, "reason", e.Reason, true); err != nil {
		return nil, err
	}
	if dst, err = appendField(dst, "zh", e.Zh, true); err != nil {
		return nil, err
	}
	dst = append(dst, `,"event":`...)
	dst = append(dst, e.Raw...)
	return append(dst, '}'), nil
}

// appendField appends ,"name":"value" with encoding/json's string escaping.
func appendField(dst []byte, name, v string, omitEmpty bool) ([]byte, error) {
	if omitEmpty && v == "" {
		return dst, nil
	}
	dst = append(dst, ',', '"')
	dst = append(dst, name...)
	dst = append(dst, '"', ':')
	if plainASCII(v) {
		dst = append(dst, '"')
		dst = append(dst, v...)
		return append(dst, '"'), nil
	}
	b, err := json.Marshal(v)
	return append(dst, b...), err
}

// plainASCII reports whether v encodes as itself between quotes.
func plainASCII(v string) bool {
	for i := 0; i < len(v); i++ {
		c := v[i]
		if c < 0x20 || c >= 0x7f || c == '"' || c == '\\' || c == '<' || c == '>' || c == '&' {
			return false
		}
	}
	return true
}

// Published is a catalog item version or calendar year in a pull page.
type Published struct {
	Catalog  string            `json:"catalog,omitempty"`
	Item     *domain.Item      `json:"item,omitempty"`
	Calendar *workday.YearSpec `json:"calendar,omitempty"`
}

// SyncResponse acknowledges the pushed events and carries the next page of
// the station's scope. Cursor is the delivery position after the page; the
// station applies the page and the cursor in one transaction. More says
// another page is waiting.
type SyncResponse struct {
	V         int         `json:"v"`
	Acks      []Ack       `json:"acks,omitempty"`
	Events    []LogEvent  `json:"events,omitempty"`
	Published []Published `json:"published,omitempty"`
	Cursor    int64       `json:"cursor"`
	More      bool        `json:"more,omitempty"`
	Resync    bool        `json:"resync,omitempty"`  // cursor unknown to the hall: push everything, then pull from 0
	Upgrade   bool        `json:"upgrade,omitempty"` // this station's wire version is deprecated
	HallTime  int64       `json:"hall_time"`         // unix ms, so a station can show its clock skew
	// AuditSeq is the audit row whose hash the hall recorded last: the
	// station sends its own hash of that row back as CheckSeq/CheckHash in
	// the next request, so a rewritten history shows. 0: nothing recorded.
	AuditSeq int64 `json:"audit_seq,omitempty"`
	// Office is the station's kind, region and name in the hall's
	// registry, sent in a few answers after they change (and to a station
	// pulling from the start); absent otherwise.
	Office *Office `json:"office,omitempty"`
}

// BlobMissingRequest asks which of the given attachments the hall lacks.
type BlobMissingRequest struct {
	V      int      `json:"v"`
	Hashes []string `json:"hashes"`
}

// BlobMissingResponse lists the hashes to upload, with the bytes the hall
// already holds of each partial upload.
type BlobMissingResponse struct {
	V       int              `json:"v"`
	Missing []string         `json:"missing"`
	Partial map[string]int64 `json:"partial,omitempty"`
}

// BlobStatus answers a blob PUT: how many bytes of the blob the hall holds
// for this station, and whether the blob is complete and verified.
type BlobStatus struct {
	V        int    `json:"v"`
	Hash     string `json:"hash"`
	Have     int64  `json:"have"`
	Complete bool   `json:"complete"`
}

// Error is the body of every non-2xx answer.
type Error struct {
	Code    string `json:"code"`
	Message string `json:"message"`
	Zh      string `json:"zh,omitempty"`
}

// Error codes beyond the domain's.
const (
	CodeUpgrade  = "upgrade"   // wire version too old or too new
	CodeTooLarge = "too_large" // body over a limit
	CodeRevoked  = "revoked"   // station credential revoked
	CodeQuota    = "quota"     // the station's attachments reached the hall's quota (413)
	CodeTimeout  = "timeout"   // the request body did not arrive in time (408)
)

func (e *Error) Error() string { return e.Code + ": " + e.Message }

// ZhMessage returns the Chinese message.
func (e *Error) ZhMessage() string { return e.Zh }

// ErrorCode returns the code.
func (e *Error) ErrorCode() string { return e.Code }

// Decode strictly decodes one JSON message of at most limit bytes from r:
// unknown fields, trailing data and oversize bodies are errors with a clear
// message, never a panic.
func Decode(r io.Reader, limit int64, v any) error {
	data, err := io.ReadAll(io.LimitReader(r, limit+1))
	if err != nil {
		return fmt.Errorf("read message: %w", err)
	}
	if int64(len(data)) > limit {
		return &Error{Code: CodeTooLarge, Message: fmt.Sprintf("message larger than %d bytes", limit), Zh: "数据过大，已拒绝。"}
	}
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		return &Error{Code: domain.EInvalid, Message: "malformed message: " + err.Error(), Zh: "同步数据格式不正确。"}
	}
	if dec.More() {
		return &Error{Code: domain.EInvalid, Message: "malformed message: trailing data", Zh: "同步数据格式不正确。"}
	}
	return nil
}

// CheckVersion returns an upgrade error when v is outside [MinVersion, Version].
func CheckVersion(v int) error {
	if v < MinVersion || v > Version {
		return &Error{Code: CodeUpgrade, Message: fmt.Sprintf("wire version %d not supported (hall speaks %d..%d)", v, MinVersion, Version),
			Zh: "软件版本与大厅不兼容，请升级驿站。"}
	}
	return nil
}

// ValidateEvent checks an event's envelope before the hall considers it: IDs
// are UUIDs, the kind is known, the payload is within bounds. The state
// machine and authority are checked later, against the hall's state.
func ValidateEvent(e *domain.Event) error {
	if e == nil {
		return &Error{Code: domain.EInvalid, Message: "null event", Zh: "事件为空。"}
	}
	if !isUUID(e.ID) || !isUUID(e.CaseID) {
		return &Error{Code: domain.EInvalid, Message: "event and case ids must be UUIDs", Zh: "事件编号格式不正确。"}
	}
	if !e.Kind.Known() {
		return &Error{Code: domain.EInvalid, Message: fmt.Sprintf("unknown event kind %q", e.Kind), Zh: "无法识别的事件类型。"}
	}
	if len(e.Payload) > MaxEventBytes {
		return &Error{Code: CodeTooLarge, Message: "event payload too large", Zh: "事件内容过大。"}
	}
	if _, err := domain.ParseStamp(e.HLC); err != nil {
		return &Error{Code: domain.EInvalid, Message: "bad hlc stamp", Zh: "事件时间戳格式不正确。"}
	}
	return nil
}

func isUUID(s string) bool {
	if len(s) != 36 {
		return false
	}
	for i, r := range s {
		switch i {
		case 8, 13, 18, 23:
			if r != '-' {
				return false
			}
		default:
			if !(r >= '0' && r <= '9' || r >= 'a' && r <= 'f') {
				return false
			}
		}
	}
	return true
}
