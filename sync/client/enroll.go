package client

import (
	"context"
	"encoding/base64"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"time"

	"filippo.io/age"

	"yizhan/app"
	"yizhan/domain"
	"yizhan/sync/protocol"
)

// Enroll exchanges a one-time enrolment code printed by the hall for this
// station's credentials. The station's key pairs are made here (or reused
// from an earlier attempt whose answer was lost) and only their public
// halves are sent. On success the credentials are written to the key
// folder, the hall URL to the meta table, and an uninitialised station is
// initialised with the code, name and region the hall assigned. A station
// already initialised under another code is refused before anything is
// stored: its case numbers carry its code, which cannot change.
func Enroll(ctx context.Context, st *app.Station, hallURL, code string) (*Keys, error) {
	return EnrollWith(ctx, &http.Client{Timeout: 60 * time.Second}, st, hallURL, code)
}

// EnrollWith is Enroll with a given HTTP client.
func EnrollWith(ctx context.Context, hc *http.Client, st *app.Station, hallURL, code string) (*Keys, error) {
	hallURL = strings.TrimRight(strings.TrimSpace(hallURL), "/")
	code = strings.TrimSpace(code)
	if hallURL == "" || code == "" {
		return nil, domain.Errorf(domain.EInvalid, "请填写大厅地址和登记码。", "enroll: hall URL and code required")
	}
	k, err := LoadKeys(st.Dir())
	rotate := err == nil && k.Enrolled()
	switch {
	case errors.Is(err, ErrNotEnrolled):
		// First enrolment: keep the keys at once, so a retry after a lost
		// answer presents the same public keys to the hall.
		if k, err = genKeys(); err == nil {
			err = k.saveStation(st.Dir())
		}
	case rotate:
		// Enrolling again (after a revocation, or to another hall) gets
		// fresh keys, the old ones may be why the station was revoked.
		// They replace the old ones only once the hall has accepted them.
		k, err = genKeys()
	}
	if err != nil {
		return nil, err
	}
	c := &Client{Station: st, Keys: &Keys{}, HallURL: hallURL, HTTP: hc}
	c.init()
	req := protocol.EnrollRequest{V: protocol.Version, Code: code, SignKey: base64.StdEncoding.EncodeToString(k.SignPublic()),
		AgeKey: k.AgeRecipient().String(), AppVersion: c.AppVersion}
	var resp protocol.EnrollResponse
	if err := c.call(ctx, http.MethodPost, protocol.PathEnroll, req, &resp); err != nil {
		if CodeOf(err) == CodeRevoked || CodeOf(err) == CodeRefused {
			return nil, &Error{Code: CodeRefused, Message: "enrolment refused: the code is wrong, used or expired", Err: err,
				Zh: "登记码无效、已使用或已过期，请向大厅重新申请登记码。"}
		}
		return nil, err
	}
	if err := acceptEnrolment(k, &resp); err != nil {
		return nil, err
	}
	if have := st.Code(); have != "" && have != resp.Station {
		return nil, domain.Errorf(domain.EConflict,
			fmt.Sprintf("本站已初始化为 %s，但该登记码属于 %s。请核对登记码，或由大厅为 %s 重新出具登记码。", have, resp.Station, have),
			"enroll: station is initialised as %s but the hall assigned %s", have, resp.Station)
	}
	k.HallURL, k.EnrolledAt = hallURL, st.Now()
	if rotate {
		if err := k.saveStation(st.Dir()); err != nil {
			return nil, err
		}
	}
	if err := k.saveHall(st.Dir()); err != nil {
		return nil, err
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
	pub, err := ParseSignKey(resp.HallSignKey)
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
