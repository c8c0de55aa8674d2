// Package procs builds Yizhan's real binaries and runs them as separate
// processes for the proof suites: the crash suite kills them with SIGKILL
// at random moments, the attack suite holds slow connections against a
// real `hall serve`.
package procs

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"syscall"
	"time"
)

// Build compiles the given main packages of the module (e.g. "cmd/hall")
// into dir and returns the path of each binary by its last path element.
func Build(ctx context.Context, dir string, pkgs ...string) (map[string]string, error) {
	root, err := ModuleRoot(ctx)
	if err != nil {
		return nil, err
	}
	out := map[string]string{}
	for _, p := range pkgs {
		bin := filepath.Join(dir, filepath.Base(p))
		cmd := exec.CommandContext(ctx, "go", "build", "-o", bin, "./"+p)
		cmd.Dir = root
		if b, err := cmd.CombinedOutput(); err != nil {
			return nil, fmt.Errorf("build %s: %w\n%s", p, err, b)
		}
		out[filepath.Base(p)] = bin
	}
	return out, nil
}

// ModuleRoot returns the directory holding go.mod.
func ModuleRoot(ctx context.Context) (string, error) {
	b, err := exec.CommandContext(ctx, "go", "env", "GOMOD").Output()
	if err != nil {
		return "", fmt.Errorf("go env GOMOD: %w", err)
	}
	mod := strings.TrimSpace(string(b))
	if mod == "" || mod == os.DevNull {
		return "", errors.New("not inside the Yizhan module")
	}
	return filepath.Dir(mod), nil
}

// FreeAddr returns a loopback address with a port that was free a moment
// ago: a restarted hall must come back on the address stations know.
func FreeAddr() (string, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return "", fmt.Errorf("free port: %w", err)
	}
	defer func() { _ = ln.Close() }() // only held to learn a free port
	return ln.Addr().String(), nil
}

// Run runs a command to completion and returns its stdout, stderr and error.
func Run(ctx context.Context, env []string, bin string, args ...string) (string, string, error) {
	cmd := exec.CommandContext(ctx, bin, args...)
	cmd.Env = append(os.Environ(), env...)
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	err := cmd.Run()
	return out.String(), errb.String(), err
}

// Outcome is how a process that may have been killed ended.
type Outcome struct {
	Killed   bool // SIGKILL arrived while it ran
	ExitCode int  // when it exited by itself
	Stdout   string
	Stderr   string
}

// RunKill starts a command and sends it SIGKILL after delay, unless it has
// exited by then. It returns how the process ended.
func RunKill(ctx context.Context, env []string, delay time.Duration, bin string, args ...string) (Outcome, error) {
	cmd := exec.CommandContext(ctx, bin, args...)
	cmd.Env = append(os.Environ(), env...)
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	if err := cmd.Start(); err != nil {
		return Outcome{}, fmt.Errorf("start %s: %w", bin, err)
	}
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	var err error
	select {
	case err = <-done:
	case <-time.After(delay):
		_ = cmd.Process.Signal(syscall.SIGKILL) // it may have exited already
		err = <-done
	}
	o := Outcome{Stdout: out.String(), Stderr: errb.String()}
	var ee *exec.ExitError
	switch {
	case err == nil:
	case errors.As(err, &ee):
		if ws, ok := ee.Sys().(syscall.WaitStatus); ok && ws.Signaled() && ws.Signal() == syscall.SIGKILL {
			o.Killed = true
		} else {
			o.ExitCode = ee.ExitCode()
		}
	default:
		return o, err
	}
	return o, nil
}

// Server is a long-running process (`hall serve`) whose log is watched.
type Server struct {
	cmd  *exec.Cmd
	done chan struct{}
	mu   sync.Mutex
	log  bytes.Buffer
	err  error
}

var addrRe = regexp.MustCompile(`"addr":"([^"]+)"`)

// StartServer starts bin with args and waits until its log names the
// address it listens on; it returns that address.
func StartServer(ctx context.Context, env []string, bin string, args ...string) (*Server, string, error) {
	s := &Server{cmd: exec.Command(bin, args...), done: make(chan struct{})}
	s.cmd.Env = append(os.Environ(), env...)
	pr, pw := io.Pipe()
	s.cmd.Stderr, s.cmd.Stdout = pw, pw
	if err := s.cmd.Start(); err != nil {
		return nil, "", fmt.Errorf("start %s: %w", bin, err)
	}
	addr := make(chan string, 1)
	go func() {
		sc := bufio.NewScanner(pr)
		sc.Buffer(make([]byte, 64<<10), 1<<20)
		for sc.Scan() {
			line := sc.Text()
			s.mu.Lock()
			s.log.WriteString(line + "\n")
			s.mu.Unlock()
			if m := addrRe.FindStringSubmatch(line); m != nil && strings.Contains(line, "listening") {
				select {
				case addr <- m[1]:
				default:
				}
			}
		}
	}()
	go func() {
		s.err = s.cmd.Wait()
		_ = pw.Close() // wakes the log reader: the process has exited
		close(s.done)
	}()
	select {
	case a := <-addr:
		return s, a, nil
	case <-s.done:
		return nil, "", fmt.Errorf("%s exited before listening: %v\n%s", bin, s.err, s.Log())
	case <-time.After(60 * time.Second):
		s.Kill()
		return nil, "", fmt.Errorf("%s did not start listening within 60 s\n%s", bin, s.Log())
	case <-ctx.Done():
		s.Kill()
		return nil, "", ctx.Err()
	}
}

// Kill sends SIGKILL and waits for the process to go.
func (s *Server) Kill() {
	_ = s.cmd.Process.Signal(syscall.SIGKILL) // it may have exited already
	<-s.done
}

// Stop asks the process to stop (SIGTERM) and waits.
func (s *Server) Stop() {
	_ = s.cmd.Process.Signal(syscall.SIGTERM) // it may have exited already
	select {
	case <-s.done:
	case <-time.After(30 * time.Second):
		s.Kill()
	}
}

// PeakRSS returns the process's peak resident memory so far (VmHWM in
// /proc/PID/status, Linux only), in bytes.
func (s *Server) PeakRSS() (int64, error) {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", s.cmd.Process.Pid))
	if err != nil {
		return 0, fmt.Errorf("peak RSS: %w", err)
	}
	for _, line := range strings.Split(string(b), "\n") {
		if v, ok := strings.CutPrefix(line, "VmHWM:"); ok {
			var kb int64
			if _, err := fmt.Sscanf(strings.TrimSpace(v), "%d kB", &kb); err != nil {
				return 0, fmt.Errorf("peak RSS: %q: %w", line, err)
			}
			return kb << 10, nil
		}
	}
	return 0, errors.New("peak RSS: no VmHWM in /proc status")
}

// Log returns what the process has written so far.
func (s *Server) Log() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.log.String()
}
