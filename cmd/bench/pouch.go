package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"time"
)

// pouchResult is what pouch/replicate.js reports, with the bytes the
// counting proxies saw.
type pouchResult struct {
	PouchDB         string  `json:"pouchdb"`
	Server          string  `json:"server"`
	BatchSize       int     `json:"batch_size"`
	Store           string  `json:"store"`
	Docs            int     `json:"docs"`
	PushMS          float64 `json:"push_ms"`
	PushCPUMS       float64 `json:"push_cpu_ms"`
	PushDocsWritten int     `json:"push_docs_written"`
	PushRequests    int     `json:"push_requests"`
	PullMS          float64 `json:"pull_ms"`
	PullCPUMS       float64 `json:"pull_cpu_ms"`
	PullDocsWritten int     `json:"pull_docs_written"`
	PullRequests    int     `json:"pull_requests"`
	NoopMS          float64 `json:"noop_ms"`
	NoopRequests    int     `json:"noop_requests"`

	PushUp, PushDown int64 `json:"-"`
	PullUp, PullDown int64 `json:"-"`
	NoopUp, NoopDown int64 `json:"-"`
}

func (p *pouchResult) push() time.Duration {
	return time.Duration(p.PushMS * float64(time.Millisecond))
}
func (p *pouchResult) pull() time.Duration {
	return time.Duration(p.PullMS * float64(time.Millisecond))
}

// pouchDir finds cmd/bench/pouch from the working directory (the
// repository root under make, or cmd/bench under go test).
func pouchDir() (string, error) {
	for _, d := range []string{"cmd/bench/pouch", "pouch"} {
		if _, err := os.Stat(filepath.Join(d, "replicate.js")); err == nil {
			return filepath.Abs(d)
		}
	}
	return "", fmt.Errorf("cmd/bench/pouch/replicate.js not found: run from the repository root")
}

// ensurePouch installs the peer's pinned packages (npm ci --ignore-scripts)
// when they are missing. It reports whether the peer can run.
func ensurePouch(ctx context.Context, dir string, install bool) error {
	if _, err := exec.LookPath("node"); err != nil {
		return fmt.Errorf("node not found: %w", err)
	}
	if _, err := os.Stat(filepath.Join(dir, "node_modules", "pouchdb-server", "bin", "pouchdb-server")); err == nil {
		return nil
	}
	if !install {
		return fmt.Errorf("%s/node_modules missing (make bench installs it)", dir)
	}
	fmt.Fprintln(os.Stderr, "installing the PouchDB peer: npm ci --ignore-scripts in", dir)
	cmd := exec.CommandContext(ctx, "npm", "ci", "--ignore-scripts", "--no-audit", "--no-fund")
	cmd.Dir = dir
	cmd.Stdout, cmd.Stderr = os.Stderr, os.Stderr
	return cmd.Run()
}

func freePort() (int, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, err
	}
	defer func() { _ = ln.Close() }() // only held to learn a free port
	return ln.Addr().(*net.TCPAddr).Port, nil
}

// runPouch replicates the documents in docsPath with the PouchDB peer:
// push to pouchdb-server, pull into a fresh database, then a push with
// nothing new, each through its own counting proxy.
func runPouch(ctx context.Context, dir, docsPath string, batch int, store string) (*pouchResult, error) {
	port, err := freePort()
	if err != nil {
		return nil, err
	}
	target := "127.0.0.1:" + strconv.Itoa(port)
	var proxies [3]*Proxy
	for i := range proxies {
		if proxies[i], err = NewProxy(target, Link{}); err != nil {
			return nil, err
		}
		defer proxies[i].Close()
	}
	cmd := exec.CommandContext(ctx, "node", "--max-old-space-size=8192", filepath.Join(dir, "replicate.js"),
		"--docs", docsPath, "--port", strconv.Itoa(port), "--batch", strconv.Itoa(batch), "--store", store,
		"--push", proxies[0].URL(), "--pull", proxies[1].URL(), "--noop", proxies[2].URL())
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "NODE_OPTIONS=--max-old-space-size=8192")
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, os.Stderr
	if err := cmd.Run(); err != nil {
		return nil, fmt.Errorf("pouchdb peer: %w", err)
	}
	var res pouchResult
	if err := json.Unmarshal(bytes.TrimSpace(out.Bytes()), &res); err != nil {
		return nil, fmt.Errorf("pouchdb peer: %q: %w", out.String(), err)
	}
	res.PushUp, res.PushDown = proxies[0].Bytes()
	res.PullUp, res.PullDown = proxies[1].Bytes()
	res.NoopUp, res.NoopDown = proxies[2].Bytes()
	if res.PushDocsWritten != res.Docs || res.PullDocsWritten != res.Docs {
		return nil, fmt.Errorf("pouchdb peer replicated %d/%d of %d docs", res.PushDocsWritten, res.PullDocsWritten, res.Docs)
	}
	return &res, nil
}
