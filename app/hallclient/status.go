package hallclient

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"time"

	"yizhan/app"
)

// Meta keys where sync keeps its state, so the CLI and the desktop app see
// the same status as the background loop.
const (
	metaHallURL     = "hall_url"
	metaAuditSeq    = "sync_audit_seq"
	metaLastAttempt = "sync_last_attempt"
	metaLastSuccess = "sync_last_success"
	metaLastError   = "sync_last_error"
	metaState       = "sync_state"
	metaSkew        = "sync_clock_skew_ms"
	metaUpgrade     = "sync_upgrade_advised"
)

// SkewWarning is the clock difference from the hall above which the status
// asks for the station's clock to be set. Event order never depends on the
// wall clock, but the times printed on receipts do.
const SkewWarning = 5 * time.Minute

// Status is what the sync screen shows.
type Status struct {
	Enrolled       bool       `json:"enrolled"`
	Station        string     `json:"station,omitempty"`
	HallURL        string     `json:"hall_url,omitempty"`
	Online         bool       `json:"online"`
	State          string     `json:"state"` // never, ok, or an error code
	StateZh        string     `json:"state_zh"`
	PendingEvents  int        `json:"pending_events"`
	PendingBlobs   int        `json:"pending_blobs"`
	OpenConflicts  int        `json:"open_conflicts"`
	Cursor         int64      `json:"cursor"`
	LastAttempt    *time.Time `json:"last_attempt,omitempty"`
	LastSuccess    *time.Time `json:"last_success,omitempty"`
	LastError      *ErrorInfo `json:"last_error,omitempty"`
	ClockSkewMS    int64      `json:"clock_skew_ms"` // hall clock minus ours
	ClockNote      string     `json:"clock_note,omitempty"`
	ClockNoteZh    string     `json:"clock_note_zh,omitempty"`
	UpgradeAdvised bool       `json:"upgrade_advised,omitempty"`
}

// ErrorInfo is the last sync failure in plain words.
type ErrorInfo struct {
	Code    string    `json:"code"`
	Message string    `json:"message"`
	Zh      string    `json:"zh"`
	At      time.Time `json:"at"`
}

var stateZh = map[string]string{
	"never":         "尚未同步",
	"ok":            "已连接大厅，同步正常",
	CodeOffline:     "离线：暂时连不上大厅，数据已保存在本机，联网后自动同步",
	CodeRevoked:     "已停止：大厅停用了本站的同步凭证，请联系大厅",
	CodeUpgrade:     "已停止：请升级驿站软件",
	CodeNotEnrolled: "未登记：请先在大厅办理登记",
	CodeRefused:     "大厅拒绝了同步请求，请联系技术支持",
	CodeLocal:       "本机出错，请联系技术支持",
}

// Status returns the station's sync status. Online reflects the last
// attempt of this client (or of any process, from the meta table).
func (c *Client) Status(ctx context.Context) Status {
	s, err := StatusOf(ctx, c.Station)
	if err != nil && s.LastError == nil {
		s.LastError = &ErrorInfo{Code: CodeLocal, Message: err.Error(), Zh: "读取同步状态出错。"}
	}
	c.smu.Lock()
	defer c.smu.Unlock()
	if c.lastErr != nil || c.online {
		s.Online = c.online
	}
	return s
}

// StatusOf reads a station's sync status from its database and key folder
// alone, without contacting the hall: the CLI's `sync status`.
func StatusOf(ctx context.Context, st *app.Station) (Status, error) {
	s := Status{State: "never"}
	if k, err := LoadKeys(st.Dir()); err == nil && k.Enrolled() {
		s.Enrolled, s.Station, s.HallURL = true, k.Station, k.HallURL
	}
	meta := func(k string) string { v, _ := st.Meta(ctx, k); return v }
	if u := meta(metaHallURL); u != "" {
		s.HallURL = u
	}
	var err error
	if s.PendingEvents, err = st.PendingCount(ctx); err != nil {
		return s, fmt.Errorf("sync status: %w", err)
	}
	if s.PendingBlobs, err = st.PendingBlobCount(ctx); err != nil {
		return s, fmt.Errorf("sync status: %w", err)
	}
	if s.OpenConflicts, err = st.OpenConflictCount(ctx); err != nil {
		return s, fmt.Errorf("sync status: %w", err)
	}
	if s.Cursor, err = st.Cursor(ctx); err != nil {
		return s, fmt.Errorf("sync status: %w", err)
	}
	s.LastAttempt, s.LastSuccess = parseTime(meta(metaLastAttempt)), parseTime(meta(metaLastSuccess))
	if v := meta(metaLastError); v != "" {
		var e ErrorInfo
		if json.Unmarshal([]byte(v), &e) == nil {
			s.LastError = &e
		}
	}
	if v := meta(metaState); v != "" {
		s.State = v
	}
	if !s.Enrolled {
		s.State = CodeNotEnrolled
	}
	s.Online = s.State == "ok"
	s.StateZh = stateZh[s.State]
	s.ClockSkewMS, _ = strconv.ParseInt(meta(metaSkew), 10, 64)
	s.ClockNote, s.ClockNoteZh = skewNote(time.Duration(s.ClockSkewMS) * time.Millisecond)
	s.UpgradeAdvised = meta(metaUpgrade) == "1"
	return s, nil
}

func parseTime(v string) *time.Time {
	t, err := time.Parse(time.RFC3339Nano, v)
	if err != nil {
		return nil
	}
	return &t
}

// skewNote describes a clock difference worth fixing.
func skewNote(skew time.Duration) (string, string) {
	if skew.Abs() < SkewWarning {
		return "", ""
	}
	dir, zh := "behind", "慢"
	if skew < 0 {
		dir, zh = "ahead of", "快"
	}
	mins := int(skew.Abs().Minutes())
	return fmt.Sprintf("this PC's clock is %d minutes %s the hall's; set the system time", mins, dir),
		fmt.Sprintf("本机时钟比大厅%s约 %d 分钟，请校准电脑时间（办件顺序不受影响，但回执上的时间会不准）。", zh, mins)
}

// observe estimates the hall's clock minus ours from one exchange, taking
// the hall's stamp to be made halfway through the round trip.
func (c *Client) observe(sent, recv time.Time, hallMS int64) {
	if hallMS <= 0 {
		return
	}
	mid := sent.Add(recv.Sub(sent) / 2)
	c.smu.Lock()
	c.skew = time.UnixMilli(hallMS).Sub(mid).Round(time.Millisecond)
	c.smu.Unlock()
}

func (c *Client) clockSkew() time.Duration {
	c.smu.Lock()
	defer c.smu.Unlock()
	return c.skew
}

// record persists the outcome of a sync for Status and remembers it in
// memory. A failure to record is logged, not returned: it must not turn a
// successful sync into a failed one.
func (c *Client) record(ctx context.Context, res Result, err error) {
	ctx = context.WithoutCancel(ctx)
	now := c.Now().UTC()
	kv := map[string]string{metaLastAttempt: now.Format(time.RFC3339Nano)}
	c.smu.Lock()
	c.lastErr = err
	c.online = err == nil || CodeOf(err) != CodeOffline && CodeOf(err) != CodeLocal
	c.smu.Unlock()
	if err == nil {
		kv[metaLastSuccess] = kv[metaLastAttempt]
		kv[metaLastError] = ""
		kv[metaState] = "ok"
		kv[metaSkew] = strconv.FormatInt(res.Skew.Milliseconds(), 10)
		kv[metaUpgrade] = map[bool]string{true: "1", false: ""}[res.Upgrade]
	} else {
		info := ErrorInfo{Code: CodeOf(err), Message: err.Error(), Zh: zhOf(err), At: now}
		b, _ := json.Marshal(info)
		kv[metaLastError] = string(b)
		kv[metaState] = info.Code
	}
	if rerr := c.Station.SetMetas(ctx, kv); rerr != nil {
		c.Logger.Warn("sync: record status", "err", rerr)
	}
}

func zhOf(err error) string {
	var z interface{ ZhMessage() string }
	if errors.As(err, &z) && z.ZhMessage() != "" {
		return z.ZhMessage()
	}
	return "同步失败，请稍后重试；如仍失败请联系技术支持。"
}
