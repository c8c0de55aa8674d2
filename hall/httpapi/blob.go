package httpapi

import (
	"net/http"
	"strconv"

	"yizhan/domain"
	"yizhan/hall"
	"yizhan/sync/protocol"
)

func (s *server) blobMissing(w http.ResponseWriter, r *http.Request, st *hall.StationRecord) {
	var req protocol.BlobMissingRequest
	if err := decodeVersioned(w, r, protocol.MaxRequestBytes, &req); err != nil {
		s.writeError(w, r, err)
		return
	}
	if len(req.Hashes) > MaxMissingHashes {
		s.writeError(w, r, &protocol.Error{Code: protocol.CodeTooLarge, Message: "too many hashes in one query", Zh: "一次查询的附件过多。"})
		return
	}
	resp, err := s.svc.BlobMissing(r.Context(), st.Code, req.Hashes)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	s.writeJSON(w, r, http.StatusOK, &resp)
}

func setBlobHeaders(w http.ResponseWriter, have int64, complete bool) {
	w.Header().Set(protocol.HeaderUploadOffset, strconv.FormatInt(have, 10))
	c := "0"
	if complete {
		c = "1"
	}
	w.Header().Set(protocol.HeaderUploadComplete, c)
}

// blobHead answers how much of a blob this station has uploaded, in the
// Upload-Offset and Upload-Complete headers.
func (s *server) blobHead(w http.ResponseWriter, r *http.Request, st *hall.StationRecord) {
	have, complete, err := s.svc.BlobStatus(r.Context(), st.Code, r.PathValue("hash"))
	if err != nil {
		w.WriteHeader(statusOf(domain.ErrorCode(err)))
		return
	}
	setBlobHeaders(w, have, complete)
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(http.StatusOK)
}

// blobPut appends one chunk. The offset comes from ?offset=N or the
// Upload-Offset header, the blob's total size from Upload-Length.
func (s *server) blobPut(w http.ResponseWriter, r *http.Request, st *hall.StationRecord) {
	hash := r.PathValue("hash")
	if !hall.ValidHash(hash) {
		s.writeError(w, r, domain.Errorf(domain.EInvalid, "附件编号格式不正确。", "blob hash must be 64 lower-case hex digits"))
		return
	}
	if h := r.Header.Get(protocol.HeaderBlobSHA); h != "" && h != hash {
		s.writeError(w, r, domain.Errorf(domain.EInvalid, "附件编号不一致。", "Blob-Sha256 header differs from the path"))
		return
	}
	offText := r.URL.Query().Get("offset")
	if offText == "" {
		offText = r.Header.Get(protocol.HeaderUploadOffset)
	}
	offset, err1 := strconv.ParseInt(offText, 10, 64)
	total, err2 := strconv.ParseInt(r.Header.Get(protocol.HeaderUploadLength), 10, 64)
	if err1 != nil || err2 != nil || offset < 0 {
		s.writeError(w, r, domain.Errorf(domain.EInvalid, "附件上传缺少位置或长度。",
			"PUT needs ?offset=N (or Upload-Offset) and Upload-Length"))
		return
	}
	body, err := bodyReader(w, r, protocol.MaxBlobBytes)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	defer body.Close()
	have, complete, err := s.svc.AppendBlob(r.Context(), st.Code, hash, offset, total, body)
	setBlobHeaders(w, have, complete)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	s.writeJSON(w, r, http.StatusOK, &protocol.BlobStatus{V: protocol.Version, Hash: hash, Have: have, Complete: complete})
}
