package httpapi

import (
	"net/http"

	"yizhan/sync/protocol"
)

// move confirms a hall's new address to a station (hall.Service.ConfirmMove).
// It needs no bearer token: the request is signed with the station's key,
// and the station sends no secret to an address it has not yet verified.
func (s *server) move(w http.ResponseWriter, r *http.Request) {
	var req protocol.MoveRequest
	if err := decodeVersioned(w, r, MaxEnrollBytes, &req); err != nil {
		s.writeError(w, r, err)
		return
	}
	resp, err := s.svc.ConfirmMove(r.Context(), req)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	infoOf(r).station = resp.Station
	s.writeJSON(w, r, http.StatusOK, &resp)
}
