// Command dsload is the load side of scripts/bench/server.sh. It talks to
// a datasynth-server on loopback only, and prints one JSON line of figures
// per run.
//
//	dsload ready -runs 5 -- BINARY [FLAGS...]
//	    starts BINARY FLAGS --listen 127.0.0.1:PORT runs times; each time,
//	    the time from the start of the process to the first 200 of /ready
//	    (polled every millisecond), then SIGTERM.
//	dsload probes -url URL -duration 10s -pid PID
//	    probes /live and /ready alternately every -every on a new
//	    connection each (as a kubelet does), with a 1 s timeout; latency
//	    percentiles, failures, the share of probes the server's handlers
//	    finished within 1 ms (from its own histogram), and the server's
//	    CPU use in cores (from /proc). The load, if any, comes from other
//	    processes: a load generator inside this one would delay its own
//	    probes.
//	dsload idle -url URL -streams 300 -rate 10000 -duration 40s -pid PID
//	    opens -streams /ws/events streams at -rate events/s and never
//	    reads from them, while probing /health every 100 ms; the server's
//	    peak resident memory (VmHWM) and the probes' latency and failures.
package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"slices"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"

	"github.com/coder/websocket"
)

func main() {
	if len(os.Args) < 2 {
		usage()
	}
	var err error
	switch os.Args[1] {
	case "ready":
		err = ready(os.Args[2:])
	case "probes":
		err = probes(os.Args[2:])
	case "idle":
		err = idle(os.Args[2:])
	default:
		usage()
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "dsload:", err)
		os.Exit(1)
	}
}

func usage() {
	fmt.Fprintln(os.Stderr, "usage: dsload ready|probes|idle [flags]; see the package comment")
	os.Exit(2)
}

func loopback(url string) error {
	if !strings.HasPrefix(url, "http://127.") && !strings.HasPrefix(url, "http://localhost") {
		return fmt.Errorf("-url %s is not on loopback", url)
	}
	return nil
}

func emit(v map[string]any) { _ = json.NewEncoder(os.Stdout).Encode(v) }

// ready measures process start to ready.
func ready(args []string) error {
	fs := flag.NewFlagSet("ready", flag.ExitOnError)
	runs := fs.Int("runs", 5, "starts")
	_ = fs.Parse(args)
	cmdline := fs.Args()
	if len(cmdline) == 0 {
		return errors.New("ready: give the server's command line after --")
	}
	var times []float64
	for range *runs {
		ln, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			return err
		}
		addr := ln.Addr().String()
		ln.Close()
		cmd := exec.Command(cmdline[0], append(cmdline[1:], "--listen", addr)...)
		cmd.Stderr = io.Discard
		start := time.Now()
		if err := cmd.Start(); err != nil {
			return err
		}
		client := &http.Client{Timeout: time.Second}
		ok := false
		for deadline := start.Add(10 * time.Second); time.Now().Before(deadline); time.Sleep(time.Millisecond) {
			if resp, err := client.Get("http://" + addr + "/ready"); err == nil {
				resp.Body.Close()
				if resp.StatusCode == http.StatusOK {
					ok = true
					break
				}
			}
		}
		elapsed := time.Since(start)
		_ = cmd.Process.Signal(syscall.SIGTERM)
		_ = cmd.Wait()
		if !ok {
			return fmt.Errorf("ready: %s never answered 200 on /ready", cmdline[0])
		}
		times = append(times, elapsed.Seconds()*1000)
	}
	slices.Sort(times)
	emit(map[string]any{"runs": len(times), "ready_ms_min": times[0], "ready_ms_median": times[len(times)/2], "ready_ms_max": times[len(times)-1]})
	return nil
}

// latencies collects probe results.
type latencies struct {
	mu       sync.Mutex
	ms       []float64
	failures int
}

func (l *latencies) probe(client *http.Client, url string) {
	start := time.Now()
	resp, err := client.Get(url)
	ok := err == nil
	if ok {
		_, _ = io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		ok = resp.StatusCode == http.StatusOK
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	if !ok {
		l.failures++
		return
	}
	l.ms = append(l.ms, time.Since(start).Seconds()*1000)
}

func (l *latencies) figures(prefix string, out map[string]any) {
	l.mu.Lock()
	defer l.mu.Unlock()
	slices.Sort(l.ms)
	q := func(p float64) float64 {
		if len(l.ms) == 0 {
			return 0
		}
		return l.ms[min(len(l.ms)-1, int(p*float64(len(l.ms))))]
	}
	out[prefix+"probes"] = len(l.ms) + l.failures
	out[prefix+"failures"] = l.failures
	out[prefix+"p50_ms"] = q(0.50)
	out[prefix+"p99_ms"] = q(0.99)
	out[prefix+"max_ms"] = q(1)
}

// probeClient opens a new connection for every probe and gives up after
// a second, as a kubelet does by default.
func probeClient() *http.Client {
	return &http.Client{Timeout: time.Second, Transport: &http.Transport{DisableKeepAlives: true}}
}

// cpuSeconds is the user and system time of process pid.
func cpuSeconds(pid int) (float64, error) {
	data, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return 0, err
	}
	// The fields after the command name, which is in parentheses.
	f := strings.Fields(string(data[bytes.LastIndexByte(data, ')')+2:]))
	utime, _ := strconv.ParseFloat(f[11], 64)
	stime, _ := strconv.ParseFloat(f[12], 64)
	return (utime + stime) / 100, nil // USER_HZ is 100 on Linux
}

// probes measures /live and /ready latency, with or without bulk load.
func probes(args []string) error {
	fs := flag.NewFlagSet("probes", flag.ExitOnError)
	url := fs.String("url", "http://127.0.0.1:3000", "server base URL (loopback only)")
	duration := fs.Duration("duration", 10*time.Second, "length of the run")
	every := fs.Duration("every", 20*time.Millisecond, "time between two probes")
	pid := fs.Int("pid", 0, "the server's process id, for its CPU use")
	_ = fs.Parse(args)
	if err := loopback(*url); err != nil {
		return err
	}
	ctx, cancel := context.WithTimeout(context.Background(), *duration)
	defer cancel()
	cpu0, _ := cpuSeconds(*pid)
	wall0 := time.Now()
	var live, rdy latencies
	client := probeClient()
	t := time.NewTicker(*every)
	defer t.Stop()
	for i := 0; ctx.Err() == nil; i++ {
		if i%2 == 0 {
			live.probe(client, *url+"/live")
		} else {
			rdy.probe(client, *url+"/ready")
		}
		select {
		case <-ctx.Done():
		case <-t.C:
		}
	}
	cpu1, _ := cpuSeconds(*pid)
	wall := time.Since(wall0).Seconds()
	out := map[string]any{}
	if *pid > 0 {
		out["server_cores_busy"] = (cpu1 - cpu0) / wall
	}
	live.figures("live_", out)
	rdy.figures("ready_", out)
	for _, route := range []string{"live", "ready"} {
		if f, err := handledWithin(*url, "/"+route, "0.001"); err == nil {
			out[route+"_handled_within_1ms"] = f
		}
	}
	emit(out)
	return nil
}

// handledWithin is the fraction of the requests to route that the server's
// handler chain finished within le seconds, from its own histogram: what
// a probe waits beyond that, it waits for a CPU or the network.
func handledWithin(url, route, le string) (float64, error) {
	resp, err := http.Get(url + "/metrics")
	if err != nil {
		return 0, err
	}
	defer resp.Body.Close()
	data, err := io.ReadAll(resp.Body)
	if err != nil {
		return 0, err
	}
	count := func(bound string) float64 {
		prefix := `synth_http_request_duration_seconds_bucket{method="GET",route="` + route + `",le="` + bound + `"} `
		for line := range strings.SplitSeq(string(data), "\n") {
			if v, ok := strings.CutPrefix(line, prefix); ok {
				n, _ := strconv.ParseFloat(v, 64)
				return n
			}
		}
		return 0
	}
	total := count("+Inf")
	if total == 0 {
		return 0, errors.New("no requests counted")
	}
	return count(le) / total, nil
}

// peakRSS is VmHWM of process pid, in bytes.
func peakRSS(pid int) (float64, error) {
	data, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		return 0, err
	}
	for line := range strings.SplitSeq(string(data), "\n") {
		if v, ok := strings.CutPrefix(line, "VmHWM:"); ok {
			kb, err := strconv.ParseFloat(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(v), "kB")), 64)
			return kb * 1024, err
		}
	}
	return 0, errors.New("no VmHWM")
}

// idle opens streams that never read and watches the server.
func idle(args []string) error {
	fs := flag.NewFlagSet("idle", flag.ExitOnError)
	url := fs.String("url", "http://127.0.0.1:3000", "server base URL (loopback only)")
	streams := fs.Int("streams", 300, "streams to open")
	rate := fs.Int("rate", 10_000, "events_per_second each stream asks for")
	duration := fs.Duration("duration", 40*time.Second, "how long to hold the streams")
	pid := fs.Int("pid", 0, "the server's process id, for its peak memory")
	_ = fs.Parse(args)
	if err := loopback(*url); err != nil {
		return err
	}
	ws := "ws" + strings.TrimPrefix(*url, "http") + "/ws/events?events_per_second=" + strconv.Itoa(*rate)
	var conns []*websocket.Conn
	refused := 0
	for range *streams {
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		conn, _, err := websocket.Dial(ctx, ws, nil)
		cancel()
		if err != nil {
			refused++
			continue
		}
		conns = append(conns, conn) // never read
	}
	defer func() {
		for _, c := range conns {
			_ = c.CloseNow()
		}
	}()
	var health latencies
	client := probeClient()
	end := time.Now().Add(*duration)
	for time.Now().Before(end) {
		health.probe(client, *url+"/health")
		time.Sleep(100 * time.Millisecond)
	}
	out := map[string]any{"streams_open": len(conns), "streams_refused": refused}
	if *pid > 0 {
		rss, err := peakRSS(*pid)
		if err != nil {
			return err
		}
		out["peak_rss_mb"] = rss / 1e6
	}
	health.figures("health_", out)
	emit(out)
	return nil
}
