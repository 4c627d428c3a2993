// Command dsload is the WebSocket side of scripts/bench/server.sh: it
// plays slow /ws/events clients against a server on loopback for a fixed
// time and samples the server's resident memory from its /metrics.
//
//	dsload -url http://127.0.0.1:3000 -duration 30s -clients 4
//
// Each client asks for -rate events per second and reads one message per
// -read-every; when the server drops it as too slow it reconnects. It
// prints one JSON line: the RSS samples' first, minimum and maximum, the
// drops and the events read.
//
// With -probes N it instead sends N GET /health requests one after the
// other on one keep-alive connection and exits: a fixed workload, for
// profiling a server (under callgrind, say).
package main

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"net/http"
	"os"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/coder/websocket"
)

func main() {
	url := flag.String("url", "http://127.0.0.1:3000", "server base URL (loopback only)")
	duration := flag.Duration("duration", 30*time.Second, "length of the run")
	clients := flag.Int("clients", 4, "slow clients")
	rate := flag.Int("rate", 5000, "events_per_second each client asks for")
	readEvery := flag.Duration("read-every", 10*time.Millisecond, "time between two reads of a client")
	probes := flag.Int("probes", 0, "send this many GET /health one after the other, then exit")
	flag.Parse()
	if !strings.HasPrefix(*url, "http://127.") && !strings.HasPrefix(*url, "http://localhost") {
		fmt.Fprintln(os.Stderr, "dsload: -url must be on loopback")
		os.Exit(2)
	}
	if *probes > 0 {
		if err := sequentialProbes(*url, *probes); err != nil {
			fmt.Fprintln(os.Stderr, "dsload:", err)
			os.Exit(1)
		}
		return
	}
	ctx, cancel := context.WithTimeout(context.Background(), *duration)
	defer cancel()

	var drops, reads atomic.Int64
	var wg sync.WaitGroup
	for range *clients {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for ctx.Err() == nil {
				slowClient(ctx, *url, *rate, *readEvery, &drops, &reads)
			}
		}()
	}
	var samples []float64
	t := time.NewTicker(time.Second)
	defer t.Stop()
	for ctx.Err() == nil {
		if rss, err := serverRSS(*url); err == nil {
			samples = append(samples, rss)
		}
		select {
		case <-ctx.Done():
		case <-t.C:
		}
	}
	wg.Wait()
	if len(samples) == 0 {
		fmt.Fprintln(os.Stderr, "dsload: no memory sample from /metrics")
		os.Exit(1)
	}
	lo, hi := samples[0], samples[0]
	for _, s := range samples {
		lo, hi = min(lo, s), max(hi, s)
	}
	// Growth shows as a higher peak in the second half than in the first.
	half := len(samples) / 2
	peak := func(xs []float64) float64 {
		m := 0.0
		for _, x := range xs {
			m = max(m, x)
		}
		return m
	}
	_ = json.NewEncoder(os.Stdout).Encode(map[string]any{
		"samples": len(samples), "rss_first_mb": samples[0] / 1e6, "rss_min_mb": lo / 1e6, "rss_max_mb": hi / 1e6,
		"rss_last_mb": samples[len(samples)-1] / 1e6, "drops": drops.Load(), "events_read": reads.Load(),
		"rss_max_first_half_mb": peak(samples[:half]) / 1e6, "rss_max_second_half_mb": peak(samples[half:]) / 1e6,
	})
}

// slowClient connects once and reads slowly until the server closes the
// stream or ctx ends.
func slowClient(ctx context.Context, url string, rate int, every time.Duration, drops, reads *atomic.Int64) {
	ws := "ws" + strings.TrimPrefix(url, "http") + "/ws/events?events_per_second=" + strconv.Itoa(rate)
	conn, _, err := websocket.Dial(ctx, ws, nil)
	if err != nil {
		time.Sleep(100 * time.Millisecond)
		return
	}
	defer conn.CloseNow()
	for {
		_, _, err := conn.Read(context.Background())
		if err != nil {
			if websocket.CloseStatus(err) == websocket.StatusPolicyViolation {
				drops.Add(1)
			}
			return
		}
		reads.Add(1)
		select {
		case <-ctx.Done():
			return
		case <-time.After(every):
		}
	}
}

// serverRSS reads process_resident_memory_bytes from /metrics.
func serverRSS(url string) (float64, error) {
	resp, err := http.Get(url + "/metrics")
	if err != nil {
		return 0, err
	}
	defer resp.Body.Close()
	sc := bufio.NewScanner(resp.Body)
	for sc.Scan() {
		if v, ok := strings.CutPrefix(sc.Text(), "process_resident_memory_bytes "); ok {
			return strconv.ParseFloat(v, 64)
		}
	}
	return 0, errors.New("no process_resident_memory_bytes")
}

// sequentialProbes sends n GET /health on one connection, each after the
// answer to the one before.
func sequentialProbes(url string, n int) error {
	client := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: 1}}
	for i := range n {
		resp, err := client.Get(url + "/health")
		if err != nil {
			return fmt.Errorf("probe %d: %w", i+1, err)
		}
		_, err = io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		if err != nil || resp.StatusCode != http.StatusOK {
			return fmt.Errorf("probe %d: status %d, %v", i+1, resp.StatusCode, err)
		}
	}
	return nil
}
