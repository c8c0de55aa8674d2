package scrub

import "testing"

func TestScrub(t *testing.T) {
	for _, tt := range []struct{ in, want string }{
		{"id 11010519491231002X ok", "id [redacted] ok"},
		{"身份证11010519491231002x。", "身份证[redacted]。"},
		{"tel 13812345678,13900001111", "tel [redacted],[redacted]"},
		{"+86 138 1234 5678", "+[redacted]"[0:0] + "[redacted]"},
		{"old 110105491231002", "old [redacted]"},
		{"uuid 0192f3a4-5b6c-7d8e-9f00-112233445566", "uuid 0192f3a4-5b6c-7d8e-9f00-112233445566"},
		{"seq 123456789012345678901", "seq 123456789012345678901"},
		{"at 2026-03-02T09:00:00.123456789Z", "at 2026-03-02T09:00:00.123456789Z"},
		{"case 370112001-20260302-0001", "case 370112001-20260302-0001"},
		{"sha a11010519491231002Xb", "sha a11010519491231002Xb"},
	} {
		if got := Text(tt.in); got != tt.want {
			t.Errorf("Text(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestScrubber(t *testing.T) {
	sc := New([]string{"张三", "张三丰", "李", " "})
	if got := sc.String("张三丰和张三，李四 13812345678"); got != "[redacted]和[redacted]，李四 [redacted]" {
		t.Fatalf("got %q", got)
	}
}
