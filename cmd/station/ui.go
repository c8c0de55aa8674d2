package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/signal"
	"strings"
	"syscall"
	"time"

	"yizhan/desktop"
	"yizhan/domain"
)

func init() {
	register(command{"serve-ui", "[--listen 127.0.0.1:34115] [--assets frontend/dist] [--unsafe-listen]: the desktop UI in a browser, for tests and support", cmdServeUI})
}

// cmdServeUI serves the built frontend and the desktop API over HTTP on
// loopback, so the UI can be driven by a browser without a display. Each
// browser signs in for itself (desktop.Handler); --unsafe-listen allows a
// non-loopback address, for a support session on a trusted network only.
func cmdServeUI(e *env, args []string) error {
	fs := flag.NewFlagSet("serve-ui", flag.ContinueOnError)
	listen := fs.String("listen", "127.0.0.1:34115", "address (loopback only unless --unsafe-listen)")
	assets := fs.String("assets", "frontend/dist", "built frontend directory")
	unsafe := fs.Bool("unsafe-listen", false, "allow a non-loopback --listen address (plain HTTP: trusted networks only)")
	if _, err := parse(fs, args, 0, ""); err != nil {
		return err
	}
	hosts, err := desktop.CheckListen(*listen, *unsafe)
	if err != nil {
		return err
	}
	a := desktop.New(desktop.Config{Dir: e.dir})
	logger, closeLog := a.StartLogging() // <dir>/logs/yizhan.log, as the desktop app
	defer closeLog()
	ctx, stop := signal.NotifyContext(e.ctx, os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := a.Open(ctx); err != nil {
		logger.Error("open station", "code", domain.ErrorCode(err), "err", domain.ErrorMessage(err))
		return err
	}
	logger.Info("serve-ui", "listen", *listen, "unsafe_listen", *unsafe)
	if *unsafe {
		fmt.Fprintf(e.stderr, "warning: --unsafe-listen: the station UI is reachable from the network over plain HTTP at %s\n", *listen)
	}
	defer a.Shutdown(ctx)
	ln, err := net.Listen("tcp", *listen)
	if err != nil {
		return fmt.Errorf("serve-ui: %w", err)
	}
	srv := &http.Server{Handler: desktop.Handler(a.API, os.DirFS(*assets), desktop.HTTPConfig{Hosts: hosts}), ReadHeaderTimeout: 10 * time.Second}
	fmt.Fprintf(e.stdout, "serving %s on http://%s/\n", strings.TrimSuffix(*assets, "/"), ln.Addr())
	go func() {
		<-ctx.Done()
		sctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		_ = srv.Shutdown(sctx) // serving stops either way; Serve's own error is returned below
	}()
	if err := srv.Serve(ln); err != nil && !errors.Is(err, http.ErrServerClosed) {
		return fmt.Errorf("serve-ui: %w", err)
	}
	return nil
}
