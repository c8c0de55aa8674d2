package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"os"
	"time"

	"yizhan/hall"
	"yizhan/hall/console"
	"yizhan/hall/httpapi"
	"yizhan/support"
)

// Server timeouts. A 256 KiB blob chunk on a 2G link (~20 KiB/s) takes
// about 15 s; two minutes leaves room for a bad signal while a client that
// stalls still cannot hold a connection for ever.
const (
	readHeaderTimeout = 10 * time.Second
	readTimeout       = 2 * time.Minute
	writeTimeout      = 2 * time.Minute
	idleTimeout       = 2 * time.Minute
	shutdownTimeout   = 20 * time.Second
	maxHeaderBytes    = 64 << 10
)

func init() {
	register(command{"serve", "[--listen ADDR] [--tls-cert FILE --tls-key FILE] [--log-dir DIR] [--console-assets DIR]: the sync API and the console", serve})
}

func serve(e *env, args []string) error {
	ctx, stderr, c := e.Ctx, e.Stderr, &e.common
	fs := flag.NewFlagSet("serve", flag.ContinueOnError)
	listen := fs.String("listen", envOr("YIZHAN_HALL_LISTEN", "127.0.0.1:8440"), "address to listen on ($YIZHAN_HALL_LISTEN)")
	cert := fs.String("tls-cert", "", "TLS certificate file (PEM)")
	key := fs.String("tls-key", "", "TLS private key file (PEM)")
	logDir := fs.String("log-dir", os.Getenv("YIZHAN_HALL_LOG_DIR"), "rotating log directory ($YIZHAN_HALL_LOG_DIR; default DIR/logs; - for stderr only)")
	consoleAssets := fs.String("console-assets", "", "serve the hall console from this directory instead of the built-in copy (development)")
	consoleSecure := fs.Bool("console-secure-cookie", false, "mark the console's session cookie Secure behind a TLS-terminating proxy")
	trustProxy := fs.Bool("console-trust-proxy", false, "take console clients' addresses from X-Forwarded-For (only behind the county's reverse proxy)")
	quotaGiB := fs.Float64("station-quota-gib", 20, "attachment quota per station, in GiB (unfinished uploads included)")
	if _, err := parse(fs, args, 0, 0, ""); err != nil {
		return err
	}
	if (*cert == "") != (*key == "") {
		return usageErr("--tls-cert and --tls-key go together")
	}
	if c.dir == "" {
		return usageErr("--dir (or $YIZHAN_HALL_DIR) is required")
	}
	// JSON lines to stderr (journald, docker logs) and, unless --log-dir -,
	// to a rotating file that `hall diagnostics` collects.
	logger := support.NewLogger(stderr)
	if *logDir != "-" {
		dir := *logDir
		if dir == "" {
			dir = support.LogDir(c.dir)
		}
		lf, err := support.OpenLogIn(dir, "hall", stderr)
		if err != nil {
			return fmt.Errorf("log: %w", err)
		}
		defer lf.Close()
		logger = lf.Logger
	}
	logger.Info("hall starting", "version", Version, "store", storeKind(c.db))
	if *quotaGiB <= 0 {
		return usageErr("--station-quota-gib must be positive")
	}
	svc, closeFn, err := c.open(ctx, hall.Config{Logger: logger, BlobQuota: int64(*quotaGiB * (1 << 30))})
	if err != nil {
		return err
	}
	defer closeFn()
	gcCtx, stopGC := context.WithCancel(ctx)
	gcDone := make(chan struct{})
	go func() {
		defer close(gcDone)
		collectBlobs(gcCtx, svc, logger)
	}()
	defer func() { stopGC(); <-gcDone }() // before the store closes
	ln, err := net.Listen("tcp", *listen)
	if err != nil {
		return fmt.Errorf("listen: %w", err)
	}
	con, err := console.New(svc, console.Config{Assets: *consoleAssets, Secure: *consoleSecure, Logger: logger, TrustProxy: *trustProxy})
	if err != nil {
		return err
	}
	// The console at /console/ beside the sync API, which keeps every other path.
	mux := http.NewServeMux()
	mux.Handle(console.Prefix, con)
	mux.Handle("/", httpapi.New(svc, logger))
	srv := &http.Server{
		Handler:           mux,
		ReadHeaderTimeout: readHeaderTimeout,
		ReadTimeout:       readTimeout,
		WriteTimeout:      writeTimeout,
		IdleTimeout:       idleTimeout,
		MaxHeaderBytes:    maxHeaderBytes,
		ErrorLog:          slog.NewLogLogger(logger.Handler(), slog.LevelWarn),
	}
	logger.Info("hall listening", "addr", ln.Addr().String(), "tls", *cert != "",
		"sign_key", svc.Keys().SignPublic(), "age_key", svc.Keys().AgeRecipient())
	errc := make(chan error, 1)
	go func() {
		if *cert != "" {
			errc <- srv.ServeTLS(ln, *cert, *key)
		} else {
			errc <- srv.Serve(ln)
		}
	}()
	select {
	case err := <-errc:
		return fmt.Errorf("serve: %w", err)
	case <-ctx.Done():
	}
	logger.Info("hall shutting down")
	sctx, cancel := context.WithTimeout(context.Background(), shutdownTimeout)
	defer cancel()
	if err := srv.Shutdown(sctx); err != nil {
		return fmt.Errorf("shutdown: %w", err)
	}
	if err := <-errc; err != nil && !errors.Is(err, http.ErrServerClosed) {
		return fmt.Errorf("serve: %w", err)
	}
	return nil
}

func storeKind(db string) string {
	if isPostgres(db) {
		return "postgres"
	}
	return "sqlite"
}

func envOr(name, def string) string {
	if v := os.Getenv(name); v != "" {
		return v
	}
	return def
}

// blobCollectEvery is how often `serve` collects abandoned uploads and
// attachments no case references (hall.Service.CollectBlobs).
const blobCollectEvery = 6 * time.Hour

// collectBlobs runs CollectBlobs a minute after start, then every
// blobCollectEvery, until ctx ends.
func collectBlobs(ctx context.Context, svc *hall.Service, logger *slog.Logger) {
	t := time.NewTimer(time.Minute)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
		if _, err := svc.CollectBlobs(ctx); err != nil && ctx.Err() == nil {
			logger.Error("collect blobs", "err", err)
		}
		t.Reset(blobCollectEvery)
	}
}
