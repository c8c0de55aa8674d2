package hallclient

import (
	"context"
	"crypto/ed25519"
	"encoding/base64"
	"errors"
	"fmt"
	"io/fs"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"time"

	"filippo.io/age"

	"yizhan/app"
	"yizhan/domain"
	"yizhan/sync/protocol"
)

// Enroller exchanges a one-time enrolment code printed by the hall for this
// station's credentials. The zero value is ready to use; fields tune it.
type Enroller struct {
	// HTTP sends the request. Default: a client with a 60 s timeout.
	HTTP *http.Client
	// Attempts is how many times the request is sent while the hall
	// cannot be reached (no answer, an answer cut short, 5xx). The hall
	// answers a repeated request from the same station with the same
	// token, so retrying is safe. Default 5.
	Attempts int
	// Backoff is the pause before the second attempt; it doubles each
	// time. Default 2 s (2+4+8+16 s before the fifth attempt).
	Backoff time.Duration
	// After returns a channel that fires after d. Default time.After;
	// tests and the simulation inject one that does not sleep.
	After func(d time.Duration) <-chan time.Time
	// AppVersion is reported to the hall's station registry.
	AppVersion string
}

// Enroll enrols st with the hall at hallURL using code, with the defaults of
// Enroller.
func Enroll(ctx context.Context, st *app.Station, hallURL, code string) (*Keys, error) {
	return (&Enroller{}).Enroll(ctx, st, hallURL, code)
}

// EnrollWith is Enroll with a given HTTP client.
func EnrollWith(ctx context.Context, hc *http.Client, st *app.Station, hallURL, code string) (*Keys, error) {
	return (&Enroller{HTTP: hc}).Enroll(ctx, st, hallURL, code)
}

// pendingKeyFile holds the fresh key pairs of an enrolment that replaces
// earlier credentials, until the hall accepts them: a retry after a lost
// answer must present the same keys, or the hall would take it for
// another PC.
const pendingKeyFile = "station.next.json"

// Enroll exchanges code for the station's credentials. The station's key
// pairs are made here (or reused from an earlier attempt whose answer was
// lost) and only their public halves are sent, with a signature that proves
// the station holds them. While the hall cannot be reached the request is
// sent again, up to Attempts times; the hall gives the same station the
// same token for the same code, so a lost answer or a duplicated request
// costs nothing. On success the credentials are written to the key folder,
// the hall URL to the meta table, and an uninitialised station is
// initialised with the code, name and region the hall assigned. A station
// already initialised under another code is refused by the hall before
// anything is recorded there or here: its case numbers carry its code,
// which cannot change.
func (e *Enroller) Enroll(ctx context.Context, st *app.Station, hallURL, code string) (*Keys, error) {
	hallURL = strings.TrimRight(strings.TrimSpace(hallURL), "/")
	code = strings.TrimSpace(code)
	if hallURL == "" || code == "" {
		return nil, domain.Errorf(domain.EInvalid, "请填写大厅地址和登记码。", "enroll: hall URL and code required")
	}
	k, rotate, err := enrolKeys(st.Dir())
	if err != nil {
		return nil, err
	}
	req := protocol.EnrollRequest{V: protocol.Version, Code: code, SignKey: protocol.EncodeSignKey(k.SignPublic()),
		AgeKey: k.AgeRecipient().String(), AppVersion: e.AppVersion, Station: st.Code()}
	req.Sig = base64.StdEncoding.EncodeToString(ed25519.Sign(k.SignKey, protocol.EnrollSigMessage(&req)))
	resp, err := e.send(ctx, st, hallURL, &req)
	if err != nil {
		return nil, err
	}
	if err := acceptEnrolment(k, &resp); err != nil {
		return nil, err
	}
	if have := st.Code(); have != "" && have != resp.Station {
		// A hall from before the identity check: it has recorded the
		// enrolment, but this station keeps nothing of it.
		return nil, domain.Errorf(domain.EConflict,
			fmt.Sprintf("本站已初始化为 %s，但该登记码属于 %s。请核对登记码，或由大厅为 %s 重新出具登记码。", have, resp.Station, have),
			"enroll: station is initialised as %s but the hall assigned %s", have, resp.Station)
	}
	k.HallURL, k.EnrolledAt = hallURL, st.Now()
	// The token first: were the process to die before the keys are
	// promoted, a new attempt finds the pending keys and gets the same
	// token again.
	if err := k.saveHall(st.Dir()); err != nil {
		return nil, err
	}
	if rotate {
		if err := k.saveStation(st.Dir()); err != nil {
			return nil, err
		}
		if err := os.Remove(filepath.Join(st.Dir(), KeyDir, pendingKeyFile)); err != nil && !errors.Is(err, fs.ErrNotExist) {
			return nil, fmt.Errorf("enroll: %w", err)
		}
	}
	if st.Code() == "" {
		if err := st.Init(ctx, app.Identity{Code: resp.Station, Name: resp.Name, Region: resp.Region, Kind: resp.Kind}); err != nil {
			return nil, fmt.Errorf("enroll: init station: %w", err)
		}
	} else if err := st.SetOffice(ctx, resp.Kind, resp.Region, resp.Name); err != nil {
		return nil, fmt.Errorf("enroll: %w", err)
	}
	if err := st.SetMetas(ctx, map[string]string{metaHallURL: hallURL}); err != nil {
		return nil, fmt.Errorf("enroll: %w", err)
	}
	return k, nil
}

// enrolKeys returns the key pairs to enrol with, kept on disk before they
// are sent so that every retry presents the same ones: the station's own
// keys for a first enrolment, fresh ones (in pendingKeyFile) when earlier
// credentials are being replaced — after a revocation, a reenrolment or a
// move to another hall, the old keys may be why.
func enrolKeys(dataDir string) (k *Keys, rotate bool, err error) {
	k, err = LoadKeys(dataDir)
	switch {
	case errors.Is(err, ErrNotEnrolled):
		if k, err = genKeys(); err == nil {
			err = k.saveStation(dataDir)
		}
		return k, false, err
	case err != nil:
		return nil, false, err
	case !k.Enrolled():
		return k, false, nil
	}
	path := filepath.Join(dataDir, KeyDir, pendingKeyFile)
	next, err := loadStationKeys(path)
	if errors.Is(err, fs.ErrNotExist) {
		if next, err = genKeys(); err == nil {
			err = writeJSON(path, next.stationJSON())
		}
	}
	if err != nil {
		return nil, false, err
	}
	return next, true, nil
}

// send posts the request, again while the hall cannot be reached, and
// turns a refusal into a message that says what to do.
func (e *Enroller) send(ctx context.Context, st *app.Station, hallURL string, req *protocol.EnrollRequest) (protocol.EnrollResponse, error) {
	p := patience{attempts: e.Attempts, wait: e.Backoff, after: e.After}
	c := p.client(st, hallURL, e.HTTP, e.AppVersion)
	var resp protocol.EnrollResponse
	attempts, err := p.run(ctx, func() error {
		resp = protocol.EnrollResponse{}
		return c.call(ctx, http.MethodPost, protocol.PathEnroll, req, &resp)
	})
	switch {
	case err == nil:
		return resp, nil
	case ctx.Err() != nil:
		return resp, ctx.Err()
	case CodeOf(err) == CodeOffline:
		return resp, &Error{Code: CodeOffline, Err: err,
			Message: fmt.Sprintf("the hall at %s did not answer after %d attempts; nothing is lost: run the same enroll command again, with the same code, once the hall can be reached", hallURL, attempts),
			Zh:      fmt.Sprintf("连接大厅（%s）%d 次均未成功，本机未作任何更改。请在网络恢复后用同一个登记码再次登记：登记码在有效期内可重复使用，不会作废。", hallURL, attempts)}
	}
	var pe *protocol.Error
	msg, zh := "the code is wrong, used by another PC or expired", "登记码无效、已被另一台电脑使用或已过期，请向大厅重新申请登记码。"
	if errors.As(err, &pe) && pe.Message != "" {
		msg = pe.Message
		if pe.Zh != "" {
			zh = pe.Zh
		}
		if pe.Code == domain.EConflict {
			return resp, domain.Errorf(domain.EConflict, zh, "enroll: %s", msg)
		}
	}
	switch CodeOf(err) {
	case CodeRevoked, CodeRefused:
		return resp, &Error{Code: CodeRefused, Message: "enrolment refused: " + msg, Zh: zh, Err: err}
	}
	return resp, err
}

// acceptEnrolment checks the hall's answer and copies it into k.
func acceptEnrolment(k *Keys, resp *protocol.EnrollResponse) error {
	bad := func(what string) error {
		return &Error{Code: CodeRefused, Message: "malformed enrolment answer: " + what, Zh: "大厅返回的登记信息不完整，请联系大厅。"}
	}
	if err := domain.ValidOfficeCode(resp.Station); err != nil {
		return bad("station code")
	}
	if resp.Name == "" {
		return bad("station name")
	}
	if !strings.HasPrefix(resp.Token, resp.Station+".") {
		return bad("token")
	}
	pub, err := protocol.ParseSignKey(resp.HallSignKey)
	if err != nil {
		return bad("hall signing key")
	}
	rcp, err := age.ParseX25519Recipient(resp.HallAgeKey)
	if err != nil {
		return bad("hall age key")
	}
	k.Station, k.Token, k.HallSignKey, k.HallAgeKey = resp.Station, resp.Token, pub, rcp
	return nil
}

// patience repeats a one-off request (enrolment, a move) while the hall
// cannot be reached, with doubling pauses. The zero value takes 5 attempts,
// 2 s first pause, time.After.
type patience struct {
	attempts int
	wait     time.Duration
	after    func(time.Duration) <-chan time.Time
}

// client is a Client without credentials for a one-off request.
func (p patience) client(st *app.Station, hallURL string, hc *http.Client, appVersion string) *Client {
	if hc == nil {
		hc = &http.Client{Timeout: 60 * time.Second}
	}
	c := &Client{Station: st, Keys: &Keys{}, HallURL: hallURL, HTTP: hc, AppVersion: appVersion}
	c.init()
	return c
}

// run calls fn until it succeeds or fails with anything but CodeOffline, at
// most attempts times, and returns how many times it called it.
func (p patience) run(ctx context.Context, fn func() error) (int, error) {
	attempts, wait, after := p.attempts, p.wait, p.after
	if attempts <= 0 {
		attempts = 5
	}
	if wait <= 0 {
		wait = 2 * time.Second
	}
	if after == nil {
		after = time.After
	}
	var err error
	for i := 0; i < attempts; i++ {
		if i > 0 {
			select {
			case <-ctx.Done():
				return i, ctx.Err()
			case <-after(wait):
			}
			wait *= 2
		}
		if err = fn(); err == nil || CodeOf(err) != CodeOffline {
			return i + 1, err
		}
	}
	return attempts, err
}
