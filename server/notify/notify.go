// Package notify speaks systemd's sd_notify protocol for datasynth-server:
// READY=1, RELOADING=1, STOPPING=1, and WATCHDOG=1 pings that depend on
// the server answering its own /live over HTTP, so that a server that no
// longer answers requests is restarted. Without NOTIFY_SOCKET every call
// is a no-op. It depends on nothing else in the server.
package notify

import (
	"context"
	"log/slog"
	"net"
	"net/http"
	"strconv"
	"time"

	"github.com/coreos/go-systemd/v22/daemon"
)

// Notifier sends the notifications.
type Notifier struct{ log *slog.Logger }

// New returns a Notifier that logs failures to log.
func New(log *slog.Logger) *Notifier { return &Notifier{log: log} }

func (n *Notifier) send(state string) {
	if _, err := daemon.SdNotify(false, state); err != nil {
		n.log.Warn("sd_notify failed", "state", state, "error", err)
	}
}

// Ready reports that the server serves (also after a reload).
func (n *Notifier) Ready() { n.send(daemon.SdNotifyReady) }

// Stopping reports that the server drains.
func (n *Notifier) Stopping() { n.send(daemon.SdNotifyStopping) }

// Reloading reports the start of a reload; Ready ends it.
func (n *Notifier) Reloading() {
	n.send(daemon.SdNotifyReloading + "\n" + daemon.SdNotifyMonotonicUsec())
}

// Watchdog pings systemd's watchdog at half its interval, but only after
// the server has answered GET /live on addr: a server that no longer
// answers HTTP stops the pings and systemd restarts it. It returns a
// function that stops the pings.
func (n *Notifier) Watchdog(addr net.Addr) (stop func()) {
	interval, err := daemon.SdWatchdogEnabled(false)
	if err != nil {
		n.log.Warn("systemd watchdog settings unreadable; not pinging", "error", err)
		return func() {}
	}
	if interval <= 0 {
		return func() {}
	}
	url := "http://" + selfAddr(addr) + "/live"
	client := &http.Client{Timeout: interval / 4}
	ctx, cancel := context.WithCancel(context.Background())
	n.log.Info("systemd watchdog enabled", "interval", interval.String(), "probe", url)
	go func() {
		t := time.NewTicker(interval / 2)
		defer t.Stop()
		for {
			if live(ctx, client, url) {
				n.send(daemon.SdNotifyWatchdog)
			} else {
				n.log.Error("watchdog: own /live did not answer 200; not pinging", "url", url)
			}
			select {
			case <-ctx.Done():
				return
			case <-t.C:
			}
		}
	}()
	return cancel
}

func live(ctx context.Context, c *http.Client, url string) bool {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	if err != nil {
		return false
	}
	resp, err := c.Do(req)
	if err != nil {
		return false
	}
	resp.Body.Close()
	return resp.StatusCode == http.StatusOK
}

// selfAddr is a dialable form of a listener address: an unspecified IP
// (":3000", "[::]:3000") becomes 127.0.0.1.
func selfAddr(a net.Addr) string {
	tcp, ok := a.(*net.TCPAddr)
	if !ok {
		return a.String()
	}
	ip := tcp.IP
	if ip == nil || ip.IsUnspecified() {
		// A wildcard listener also accepts IPv4 on loopback.
		ip = net.IPv4(127, 0, 0, 1)
	}
	return net.JoinHostPort(ip.String(), strconv.Itoa(tcp.Port))
}
