package console

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"time"

	"github.com/xuri/excelize/v2"

	"yizhan/hall"
	"yizhan/workday"
)

// statsFilter reads the period and filters of a statistics request. The
// default period is the twelve months up to today.
func (s *Server) statsFilter(r *http.Request) (hall.StatsFilter, error) {
	q := r.URL.Query()
	f := hall.StatsFilter{Station: q.Get("station"), Item: q.Get("item")}
	var err error
	if f.From, err = dateParam(r, "from"); err != nil {
		return f, err
	}
	if f.To, err = dateParam(r, "to"); err != nil {
		return f, err
	}
	today := workday.DateOf(s.svc.Now(), workday.China)
	if f.To.IsZero() {
		f.To = today.Time(workday.China)
	}
	f.To = f.To.AddDate(0, 0, 1) // the last day counts
	if f.From.IsZero() {
		y, m, _ := workday.DateOf(f.To.Add(-time.Nanosecond), workday.China).Date()
		f.From = workday.NewDate(y, m, 1).Time(workday.China).AddDate(0, -11, 0)
	}
	return f, nil
}

func (s *Server) stats(w http.ResponseWriter, r *http.Request, _ hall.Staff) error {
	f, err := s.statsFilter(r)
	if err != nil {
		return err
	}
	st, err := s.svc.Stats(r.Context(), f)
	if err != nil {
		return err
	}
	return s.ok(w, r, st)
}

// statsExcel answers the statistics as an Excel workbook and writes the
// export to the access log.
func (s *Server) statsExcel(w http.ResponseWriter, r *http.Request, me hall.Staff) error {
	f, err := s.statsFilter(r)
	if err != nil {
		return err
	}
	st, err := s.svc.Stats(r.Context(), f)
	if err != nil {
		return err
	}
	lang := r.URL.Query().Get("lang")
	var buf bytes.Buffer
	if err := WriteStatsWorkbook(&buf, st, lang); err != nil {
		return err
	}
	detail := fmt.Sprintf("%s..%s station=%s item=%s", st.From, st.To, f.Station, f.Item)
	if err := s.svc.RecordAccess(r.Context(), hall.Access{Actor: me.Login, Action: "stats.export", Detail: detail}); err != nil {
		return err
	}
	name := fmt.Sprintf("yizhan-stats-%s-%s.xlsx", st.From, st.To)
	h := w.Header()
	h.Set("Content-Type", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
	h.Set("Content-Disposition", `attachment; filename="`+name+`"`)
	h.Set("Cache-Control", "no-store")
	h.Set("Content-Length", strconv.Itoa(buf.Len()))
	w.WriteHeader(http.StatusOK)
	_, err = w.Write(buf.Bytes())
	return err
}

// sheetText holds a workbook's words in one language.
type sheetText struct {
	sheets  [3]string
	headers []string
	total   string
	notes   string
	period  string
	waiting string
}

var workbookText = map[string]sheetText{
	"zh-CN": {
		sheets: [3]string{"按站点", "按事项", "按月份"},
		headers: []string{"名称", "编码", "收件量", "办结量", "计时办结", "按时办结", "按时办结率", "平均办理天数", "平均办理工作日",
			"评价数", "满意数", "满意率", "差评数", "在办超期"},
		total: "合计", notes: "说明", period: "统计期间（按收件日期）",
		waiting: "站点不向大厅上报排队叫号数据，无法统计窗口等候时间；“平均办理天数”为受理至办结的时间。按时办结率 = 按时办结 ÷ 计时办结；满意率 = 评价 3 至 5 级 ÷ 评价数。",
	},
	"en-US": {
		sheets: [3]string{"By station", "By item", "By month"},
		headers: []string{"Name", "Code", "Intake", "Concluded", "Timed", "On time", "On-time rate", "Avg. handling days",
			"Avg. handling workdays", "Ratings", "Satisfied", "Satisfaction", "Bad reviews", "Open overdue"},
		total: "Total", notes: "Notes", period: "Period (by date received)",
		waiting: "Stations do not send queue tickets to the hall, so counter waiting time cannot be measured; handling days run from acceptance to conclusion. On-time rate = on time / timed; satisfaction = ratings 3 to 5 / ratings.",
	},
}

// WriteStatsWorkbook writes st as an .xlsx workbook: one sheet per grouping
// (station, item, month) with a header row, a row per group and a total
// row, and a notes sheet with the period and what the figures mean. lang
// is "zh-CN" (default) or "en-US".
func WriteStatsWorkbook(w io.Writer, st *hall.Stats, lang string) error {
	tx, ok := workbookText[lang]
	if !ok {
		tx = workbookText["zh-CN"]
	}
	f := excelize.NewFile()
	defer func() { _ = f.Close() }() // an in-memory workbook, written out above
	head, err := f.NewStyle(&excelize.Style{Font: &excelize.Font{Bold: true}, Fill: excelize.Fill{Type: "pattern", Color: []string{"DCE6F1"}, Pattern: 1}})
	if err != nil {
		return fmt.Errorf("workbook: %w", err)
	}
	pct, err := f.NewStyle(&excelize.Style{NumFmt: 10}) // 0.00%
	if err != nil {
		return fmt.Errorf("workbook: %w", err)
	}
	bold, err := f.NewStyle(&excelize.Style{Font: &excelize.Font{Bold: true}})
	if err != nil {
		return fmt.Errorf("workbook: %w", err)
	}
	groups := [3][]hall.StatRow{st.ByStation, st.ByItem, st.ByMonth}
	for i, name := range tx.sheets {
		if i == 0 {
			if err := f.SetSheetName("Sheet1", name); err != nil {
				return fmt.Errorf("workbook: %w", err)
			}
		} else if _, err := f.NewSheet(name); err != nil {
			return fmt.Errorf("workbook: %w", err)
		}
		rows := append(append([]hall.StatRow(nil), groups[i]...), st.Total)
		rows[len(rows)-1].Label, rows[len(rows)-1].Key = tx.total, ""
		if err := writeSheet(f, name, tx.headers, rows, head, pct, bold); err != nil {
			return err
		}
	}
	notes := [][]any{{tx.period, st.From + " – " + st.To}, {tx.notes, tx.waiting}}
	if _, err := f.NewSheet(tx.notes); err != nil {
		return fmt.Errorf("workbook: %w", err)
	}
	for i, row := range notes {
		cell, _ := excelize.CoordinatesToCellName(1, i+1)
		if err := f.SetSheetRow(tx.notes, cell, &row); err != nil {
			return fmt.Errorf("workbook: %w", err)
		}
	}
	if err := errors.Join(f.SetColWidth(tx.notes, "A", "A", 24), f.SetColWidth(tx.notes, "B", "B", 100)); err != nil {
		return fmt.Errorf("workbook: %w", err)
	}
	if err := f.Write(w); err != nil {
		return fmt.Errorf("workbook: %w", err)
	}
	return nil
}

func writeSheet(f *excelize.File, sheet string, headers []string, rows []hall.StatRow, head, pct, bold int) error {
	hdr := make([]any, len(headers))
	for i, h := range headers {
		hdr[i] = h
	}
	if err := f.SetSheetRow(sheet, "A1", &hdr); err != nil {
		return fmt.Errorf("workbook %s: %w", sheet, err)
	}
	last, _ := excelize.CoordinatesToCellName(len(headers), 1)
	if err := f.SetCellStyle(sheet, "A1", last, head); err != nil {
		return fmt.Errorf("workbook %s: %w", sheet, err)
	}
	for i, r := range rows {
		rate := func(ok bool, v float64) any {
			if !ok {
				return "-"
			}
			return v
		}
		vals := []any{r.Label, r.Key, r.Intake, r.Concluded, r.Timed, r.OnTime, rate(r.Timed > 0, r.OnTimeRate),
			rate(r.Timed > 0, r.AvgHandleDays), rate(r.Timed > 0, r.AvgHandleWorkdays), r.Rated, r.Satisfied,
			rate(r.Rated > 0, r.Satisfaction), r.Bad, r.Overdue}
		cell, _ := excelize.CoordinatesToCellName(1, i+2)
		if err := f.SetSheetRow(sheet, cell, &vals); err != nil {
			return fmt.Errorf("workbook %s: %w", sheet, err)
		}
		for _, col := range []int{7, 12} {
			c, _ := excelize.CoordinatesToCellName(col, i+2)
			if err := f.SetCellStyle(sheet, c, c, pct); err != nil {
				return fmt.Errorf("workbook %s: %w", sheet, err)
			}
		}
	}
	tot, _ := excelize.CoordinatesToCellName(1, len(rows)+1)
	if err := errors.Join(f.SetCellStyle(sheet, tot, tot, bold), f.SetColWidth(sheet, "A", "A", 36),
		f.SetColWidth(sheet, "B", "B", 22), f.SetColWidth(sheet, "C", "N", 12)); err != nil {
		return fmt.Errorf("workbook %s: %w", sheet, err)
	}
	if err := f.SetPanes(sheet, &excelize.Panes{Freeze: true, YSplit: 1, TopLeftCell: "A2", ActivePane: "bottomLeft"}); err != nil {
		return fmt.Errorf("workbook %s: %w", sheet, err)
	}
	return nil
}
