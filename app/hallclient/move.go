package hallclient

import (
	"context"
	"crypto/ed25519"
	"crypto/rand"
	"encoding/base64"
	"errors"
	"fmt"
	"io"
	"net/http"
	"time"

	"yizhan/app"
	"yizhan/domain"
	"yizhan/sync/protocol"
)

// HallMover points an enrolled station at its hall's new address, once the
// hall has proven, at that address, that it is the hall the station
// enrolled with. The zero value is ready to use.
type HallMover struct {
	// HTTP sends the request. Default: a client with a 60 s timeout.
	HTTP *http.Client
	// Attempts, Backoff and After: as for Enroller (a confirmation may be
	// asked again at will). Defaults 5, 2 s, time.After.
	Attempts int
	Backoff  time.Duration
	After    func(d time.Duration) <-chan time.Time
	// Rand makes the request's nonce. Default crypto/rand; a simulation
	// injects a seeded source.
	Rand io.Reader
}

// MoveHall is HallMover.Move with the defaults.
func MoveHall(ctx context.Context, st *app.Station, newURL, code string) (string, error) {
	return (&HallMover{}).Move(ctx, st, newURL, code)
}

// Move asks the hall at newURL to confirm that address with the move code
// its staff issued (`hall station move`), and switches the station to it
// only if the answer is signed with the hall's key from enrolment, for
// this station, this address and this request. The request is signed with
// the station's key and carries no bearer token: nothing secret goes to an
// address not yet verified. It returns the address now in use. A running
// sync client picks the new address up at its next sync.
func (m *HallMover) Move(ctx context.Context, st *app.Station, newURL, code string) (string, error) {
	k, err := LoadKeys(st.Dir())
	if err != nil {
		return "", err
	}
	if !k.Enrolled() {
		return "", ErrNotEnrolled
	}
	u, err := protocol.NormalizeHallURL(newURL)
	if err != nil {
		return "", err
	}
	rnd := m.Rand
	if rnd == nil {
		rnd = rand.Reader
	}
	nonce := make([]byte, 16)
	if _, err := io.ReadFull(rnd, nonce); err != nil {
		return "", fmt.Errorf("move hall: %w", err)
	}
	req := protocol.MoveRequest{V: protocol.Version, Station: k.Station, URL: u, Code: code,
		Nonce: base64.StdEncoding.EncodeToString(nonce)}
	req.Sig = base64.StdEncoding.EncodeToString(ed25519.Sign(k.SignKey, protocol.MoveSigMessage("request", req.Station, u, code, req.Nonce)))
	p := patience{attempts: m.Attempts, wait: m.Backoff, after: m.After}
	c := p.client(st, u, m.HTTP, "")
	var resp protocol.MoveResponse
	if _, err := p.run(ctx, func() error {
		resp = protocol.MoveResponse{}
		return c.call(ctx, http.MethodPost, protocol.PathMove, req, &resp)
	}); err != nil {
		return "", moveRefused(u, err)
	}
	sig, err := base64.StdEncoding.DecodeString(resp.Sig)
	if err != nil || resp.Station != k.Station || resp.URL != u || resp.Nonce != req.Nonce ||
		!ed25519.Verify(k.HallSignKey, protocol.MoveSigMessage("hall", k.Station, u, "", req.Nonce), sig) {
		return "", domain.Errorf(domain.EForbidden,
			"该地址上的服务器无法证明自己是本站登记的大厅，地址未更改。请核对地址；如确为新大厅，请联系大厅。",
			"the server at %s did not prove it is the hall this station enrolled with; address unchanged", u)
	}
	k.HallURL = u
	if err := k.saveHall(st.Dir()); err != nil {
		return "", err
	}
	if err := st.SetMetas(ctx, map[string]string{metaHallURL: u}); err != nil {
		return "", fmt.Errorf("move hall: %w", err)
	}
	return u, nil
}

// moveRefused says why a move was not confirmed, and what to do.
func moveRefused(u string, err error) error {
	if CodeOf(err) == CodeOffline {
		return &Error{Code: CodeOffline, Err: err, Message: fmt.Sprintf("no hall answered at %s; address unchanged: check the address, then run the same command again", u),
			Zh: fmt.Sprintf("新地址 %s 无法连接，大厅地址未更改。请核对地址后用同一迁移码再试。", u)}
	}
	var pe *protocol.Error
	if errors.As(err, &pe) && pe.Zh != "" {
		return &Error{Code: CodeRefused, Err: err, Message: "move refused: " + pe.Message + "; address unchanged", Zh: pe.Zh + "大厅地址未更改。"}
	}
	return &Error{Code: CodeRefused, Err: err, Message: "move refused; address unchanged", Zh: "大厅拒绝了地址变更，地址未更改。"}
}
