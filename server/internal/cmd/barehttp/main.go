// Command barehttp is the reference in scripts/bench/server.sh: net/http
// with nothing added, answering GET /health with a body the size of
// datasynth-server's. It shows what net/http itself costs per request, the
// floor of any server built on it alone.
//
//	barehttp 127.0.0.1:3999
package main

import (
	"fmt"
	"net/http"
	"os"
)

func main() {
	if len(os.Args) != 2 {
		fmt.Fprintln(os.Stderr, "usage: barehttp ADDRESS   (for example 127.0.0.1:3999)")
		os.Exit(2)
	}
	body := []byte(`{"healthy":true,"version":"dev","commit":"unknown","generator_version":"1.0.0","uptime_seconds":12.345}` + "\n")
	h := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		_, _ = w.Write(body)
	})
	if err := http.ListenAndServe(os.Args[1], h); err != nil {
		fmt.Fprintln(os.Stderr, "barehttp:", err)
		os.Exit(1)
	}
}
