// Package testenv starts real servers (Prometheus, ClickHouse) for
// integration tests: on free loopback ports, in their own temporary
// directories, and always stopped again, also when a test fails or the test
// binary is killed.
package testenv

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"strings"
	"sync"
	"syscall"
	"time"
)

// server is a child process started by this package.
type server struct {
	name     string
	cmd      *exec.Cmd
	dir      string
	logPath  string
	done     chan struct{}
	stopOnce sync.Once
}

// start runs a binary with its output in dir/<name>.log. The child gets
// SIGKILL when the test process dies, so a crashed or timed-out test run
// leaves no server behind.
func start(name, dir, binary string, args ...string) (*server, error) {
	path, err := exec.LookPath(binary)
	if err != nil {
		return nil, fmt.Errorf("%s is not installed (%w); scripts/install-deps.sh installs it", binary, err)
	}
	logPath := dir + "/" + name + ".log"
	logFile, err := os.Create(logPath)
	if err != nil {
		return nil, fmt.Errorf("create %s log: %w", name, err)
	}
	cmd := exec.Command(path, args...)
	cmd.Dir = dir
	cmd.Stdout, cmd.Stderr = logFile, logFile
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true, Pdeathsig: syscall.SIGKILL}
	if err := cmd.Start(); err != nil {
		logFile.Close()
		return nil, fmt.Errorf("start %s: %w", name, err)
	}
	s := &server{name: name, cmd: cmd, dir: dir, logPath: logPath, done: make(chan struct{})}
	go func() {
		_ = cmd.Wait()
		logFile.Close()
		close(s.done)
	}()
	return s, nil
}

// stop terminates the process group, waits, and removes the directory.
func (s *server) stop() {
	s.stopOnce.Do(func() {
		if s.cmd.Process != nil {
			_ = syscall.Kill(-s.cmd.Process.Pid, syscall.SIGTERM)
			select {
			case <-s.done:
			case <-time.After(10 * time.Second):
				_ = syscall.Kill(-s.cmd.Process.Pid, syscall.SIGKILL)
				<-s.done
			}
		}
		if os.Getenv("MLWATCH_KEEP_TESTENV") == "" {
			_ = os.RemoveAll(s.dir)
		}
	})
}

// exited reports whether the process has ended.
func (s *server) exited() bool {
	select {
	case <-s.done:
		return true
	default:
		return false
	}
}

// logTail returns the end of the server's log, for error messages.
func (s *server) logTail() string {
	b, err := os.ReadFile(s.logPath)
	if err != nil {
		return ""
	}
	const n = 2000
	if len(b) > n {
		b = b[len(b)-n:]
	}
	return strings.TrimSpace(string(b))
}

// waitHTTP polls url until it answers, the process exits, or ctx ends. With
// anyStatus, any HTTP answer counts (for servers behind authentication).
func (s *server) waitHTTP(ctx context.Context, url string, anyStatus bool) error {
	client := &http.Client{
		Timeout: 2 * time.Second,
		// Readiness only; the tests check certificates themselves.
		Transport: &http.Transport{TLSClientConfig: &tls.Config{InsecureSkipVerify: true}}, //nolint:gosec
	}
	for {
		if s.exited() {
			return fmt.Errorf("%s exited during start-up; log:\n%s", s.name, s.logTail())
		}
		resp, err := client.Get(url)
		if err == nil {
			resp.Body.Close()
			if anyStatus || resp.StatusCode == http.StatusOK {
				return nil
			}
		} else if anyStatus && !errors.Is(err, syscall.ECONNREFUSED) {
			// Listening, but refusing us at the TLS layer (a client
			// certificate is required): that is up.
			return nil
		}
		select {
		case <-ctx.Done():
			return fmt.Errorf("%s not ready at %s: %w; log:\n%s", s.name, url, ctx.Err(), s.logTail())
		case <-time.After(100 * time.Millisecond):
		}
	}
}

// FreePort returns a TCP port on 127.0.0.1 that was free a moment ago.
func FreePort() (int, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, fmt.Errorf("find a free port: %w", err)
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port, nil
}

// freePorts returns n distinct free ports.
func freePorts(n int) ([]int, error) {
	ls := make([]net.Listener, 0, n)
	defer func() {
		for _, l := range ls {
			l.Close()
		}
	}()
	ports := make([]int, 0, n)
	for range n {
		l, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			return nil, fmt.Errorf("find free ports: %w", err)
		}
		ls = append(ls, l)
		ports = append(ports, l.Addr().(*net.TCPAddr).Port)
	}
	return ports, nil
}
