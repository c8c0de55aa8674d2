package app

import (
	"context"

	"yizhan/domain"
	"yizhan/notice"
	"yizhan/workday"
)

// PrintDocument makes a notice of kind (notice.Kinds) about a case for
// printing: the one entry point of the desktop window, the browser UI and
// the station CLI. A printed notice shows personal data in full, so it is
// read as an unmasked view with the purpose "print <kind>", written to the
// access log. Its QR code is signed with the station's key once enrolled.
func (s *Station) PrintDocument(ctx context.Context, a Actor, caseID, kind string) (*notice.Document, error) {
	if !notice.ValidKind(kind) {
		return nil, domain.Errorf(domain.EInvalid, "无法识别的文书类型。", "unknown document kind %q", kind)
	}
	v, err := s.ShowCase(ctx, a, caseID, true, "print "+kind)
	if err != nil {
		return nil, err
	}
	c := v.Case
	id, _ := s.Identity(ctx)
	f := notice.Facts{Kind: kind, Case: c, Issuer: notice.Issuer{Code: id.Code, Name: id.Name, Region: id.Region, Kind: id.Kind, Hall: id.Hall},
		Date: workday.DateOf(s.now(), workday.China).String(), Due: v.Deadline.Due, LegalDue: v.Deadline.LegalDue,
		Clerk: a.Name, Waived: v.Waived}
	// The catalog version the case was opened under gives each material's
	// specification; a case whose item left the catalog prints without.
	if it, err := s.Item(ctx, c.ItemCode, c.ItemVersion); err == nil {
		f.Specs = map[string]string{}
		for _, m := range it.Materials {
			f.Specs[m.Code] = m.Spec
		}
	}
	if s.cfg.SigningKey != nil {
		if k, err := s.cfg.SigningKey(); err == nil {
			f.Key = k
		}
	}
	return notice.Build(f), nil
}
