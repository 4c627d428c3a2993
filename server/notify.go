package server

import (
	"context"
	"log/slog"
	"net"
	"net/http"
	"strconv"
	"time"

	"github.com/coreos/go-systemd/v22/daemon"
)

// notifier speaks the sd_notify protocol when NOTIFY_SOCKET is set, and is
// silent otherwise.
type notifier struct{ log *slog.Logger }

func newNotifier(log *slog.Logger) *notifier { return &notifier{log: log} }

func (n *notifier) send(state string) {
	if _, err := daemon.SdNotify(false, state); err != nil {
		n.log.Warn("sd_notify failed", "state", state, "error", err)
	}
}

func (n *notifier) ready()    { n.send(daemon.SdNotifyReady) }
func (n *notifier) stopping() { n.send(daemon.SdNotifyStopping) }
func (n *notifier) reloading() {
	n.send(daemon.SdNotifyReloading + "\n" + daemon.SdNotifyMonotonicUsec())
}

// watchdog pings systemd's watchdog at half its interval, but only after
// the server has answered GET /live on its own listener: a server that no
// longer answers HTTP stops the pings and systemd restarts it. It returns
// a function that stops the pings.
func (n *notifier) watchdog(addr net.Addr, log *slog.Logger) func() {
	interval, err := daemon.SdWatchdogEnabled(false)
	if err != nil {
		log.Warn("systemd watchdog settings unreadable; not pinging", "error", err)
		return func() {}
	}
	if interval <= 0 {
		return func() {}
	}
	url := "http://" + selfAddr(addr) + "/live"
	client := &http.Client{Timeout: interval / 4}
	ctx, cancel := context.WithCancel(context.Background())
	log.Info("systemd watchdog enabled", "interval", interval, "probe", url)
	go func() {
		t := time.NewTicker(interval / 2)
		defer t.Stop()
		for {
			if live(ctx, client, url) {
				n.send(daemon.SdNotifyWatchdog)
			} else {
				log.Error("watchdog: own /live did not answer 200; not pinging", "url", url)
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
