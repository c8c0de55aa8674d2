package bundleimport

import (
	"context"
	"crypto/ed25519"
	"fmt"

	"yizhan/hall"
	"yizhan/sync/protocol"
)

// BundleSide wires a hall service to HallImport: the hall's keys open
// and answer USB bundles, and each request inside goes through the same Sync
// path as one that came over HTTP.
func BundleSide(svc *hall.Service) *Hall {
	find := func(ctx context.Context, code string) (*hall.StationInfo, error) {
		infos, err := svc.Stations(ctx)
		if err != nil {
			return nil, err
		}
		for i := range infos {
			if infos[i].Code == code {
				if infos[i].Status != "enrolled" {
					return nil, fmt.Errorf("station %s is %s", code, infos[i].Status)
				}
				return &infos[i], nil
			}
		}
		return nil, fmt.Errorf("unknown station %q", code)
	}
	return &Hall{
		SignKey:  svc.Keys().Sign,
		Identity: svc.Keys().Age,
		Station: func(ctx context.Context, code string) (ed25519.PublicKey, string, error) {
			in, err := find(ctx, code)
			if err != nil {
				return nil, "", err
			}
			pub, err := protocol.ParseSignKey(in.SignKey)
			return pub, in.AgeKey, err
		},
		Sync: func(ctx context.Context, code string, req *protocol.SyncRequest) (*protocol.SyncResponse, error) {
			in, err := find(ctx, code)
			if err != nil {
				return nil, err
			}
			st := &hall.StationRecord{Code: in.Code, Cursor: in.Cursor, AuditSeq: in.AuditSeq, AuditHash: in.AuditHash, AppVersion: in.AppVersion}
			resp, err := svc.Sync(ctx, st, *req)
			return &resp, err
		},
		PutBlob: func(ctx context.Context, code, hash string, data []byte) (bool, error) {
			if _, err := find(ctx, code); err != nil {
				return false, err
			}
			return svc.PutBlob(ctx, code, hash, data)
		},
	}
}
