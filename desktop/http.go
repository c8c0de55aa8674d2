package desktop

import (
	"encoding/json"
	"io"
	"io/fs"
	"net/http"
	"reflect"

	"yizhan/domain"
	"yizhan/internal/httpstatus"
)

// Handler serves the same Station methods the desktop window calls, over
// HTTP, for running the frontend in a plain browser (tests, support):
// POST /api/<Method> with {"args":[...]} answers the method's result as JSON,
// or an ErrorObject with a 4xx/5xx status. assets, when not nil, is served at
// / (the built frontend). It must only listen on 127.0.0.1: it has the
// signed-in clerk's session.
func Handler(s *Station, assets fs.FS) http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("POST /api/{method}", func(w http.ResponseWriter, r *http.Request) {
		res, err := call(s, r.PathValue("method"), http.MaxBytesReader(w, r.Body, 32<<20))
		w.Header().Set("Content-Type", "application/json; charset=utf-8")
		if err != nil {
			w.WriteHeader(status(err))
			json.NewEncoder(w).Encode(FormatError(err))
			return
		}
		json.NewEncoder(w).Encode(res)
	})
	if assets != nil {
		mux.Handle("/", http.FileServerFS(assets))
	}
	return mux
}

var errorType = reflect.TypeFor[error]()

// call invokes the exported method name on s with JSON arguments decoded
// into the method's own parameter types, so the HTTP adapter cannot drift
// from the Wails bindings.
func call(s *Station, name string, body io.Reader) (any, error) {
	m := reflect.ValueOf(s).MethodByName(name)
	if !m.IsValid() {
		return nil, domain.Errorf(domain.ENotFound, "接口不存在。", "no method %q", name)
	}
	var req struct {
		Args []json.RawMessage `json:"args"`
	}
	if err := json.NewDecoder(body).Decode(&req); err != nil && err != io.EOF {
		return nil, domain.Errorf(domain.EInvalid, "请求格式不正确。", "decode args: %v", err)
	}
	t := m.Type()
	if len(req.Args) != t.NumIn() {
		return nil, domain.Errorf(domain.EInvalid, "请求参数个数不正确。", "%s takes %d args, got %d", name, t.NumIn(), len(req.Args))
	}
	in := make([]reflect.Value, t.NumIn())
	for i := range in {
		v := reflect.New(t.In(i))
		if err := json.Unmarshal(req.Args[i], v.Interface()); err != nil {
			return nil, domain.Errorf(domain.EInvalid, "请求参数格式不正确。", "%s arg %d: %v", name, i, err)
		}
		in[i] = v.Elem()
	}
	out := m.Call(in)
	var res any
	for _, o := range out {
		if o.Type() == errorType {
			if !o.IsNil() {
				return nil, o.Interface().(error)
			}
			continue
		}
		res = o.Interface()
	}
	return res, nil
}

func status(err error) int { return httpstatus.Of(domain.ErrorCode(err)) }
