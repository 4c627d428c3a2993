// Package ratelimit limits requests per client with one token bucket
// (golang.org/x/time/rate) per client name.
//
// A client is named by the caller: an API key's ID, or the remote address
// when no key is sent. Buckets of clients that have been idle long enough to
// refill completely carry no information and are dropped, so memory follows
// the number of recently active clients, not of all clients ever seen.
package ratelimit

import (
	"math"
	"sync"
	"time"

	"golang.org/x/time/rate"
)

// Limiter holds the buckets.
type Limiter struct {
	limit rate.Limit
	burst int

	mu        sync.Mutex
	clients   map[string]*rate.Limiter
	lastSweep time.Time
}

// Decision is the outcome for one request, with the figures for the
// X-RateLimit-* and Retry-After headers.
type Decision struct {
	Allowed bool
	// Limit is the sustained rate, requests per second.
	Limit float64
	Burst int
	// Remaining is the number of requests that may be sent at once now.
	Remaining int
	// Reset is the time until the bucket is full again.
	Reset time.Duration
	// RetryAfter is the wait before the next request is allowed; zero when
	// allowed.
	RetryAfter time.Duration
}

// New returns a limiter of perSecond requests per second per client with
// bursts of burst. burst below 1 is raised to 1.
func New(perSecond float64, burst int) *Limiter {
	return &Limiter{limit: rate.Limit(perSecond), burst: max(1, burst), clients: map[string]*rate.Limiter{}}
}

// sweepEvery bounds how often idle buckets are looked for.
const sweepEvery = time.Minute

// Allow takes one token from client's bucket at now.
func (l *Limiter) Allow(client string, now time.Time) Decision {
	l.mu.Lock()
	if now.Sub(l.lastSweep) > sweepEvery {
		l.sweep(now)
	}
	lim := l.clients[client]
	if lim == nil {
		lim = rate.NewLimiter(l.limit, l.burst)
		l.clients[client] = lim
	}
	l.mu.Unlock()

	d := Decision{Limit: float64(l.limit), Burst: l.burst}
	r := lim.ReserveN(now, 1)
	if wait := r.DelayFrom(now); wait > 0 {
		r.CancelAt(now)
		d.RetryAfter = wait
	} else {
		d.Allowed = true
	}
	tokens := lim.TokensAt(now)
	d.Remaining = max(0, int(math.Floor(tokens)))
	d.Reset = time.Duration((float64(l.burst) - tokens) / float64(l.limit) * float64(time.Second))
	return d
}

// sweep drops buckets that are full again. l.mu is held.
func (l *Limiter) sweep(now time.Time) {
	l.lastSweep = now
	for name, lim := range l.clients {
		if lim.TokensAt(now) >= float64(l.burst) {
			delete(l.clients, name)
		}
	}
}

// Clients returns the number of buckets held.
func (l *Limiter) Clients() int {
	l.mu.Lock()
	defer l.mu.Unlock()
	return len(l.clients)
}
