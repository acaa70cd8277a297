package web

import (
	"context"
	"net"
	"net/http"
	"net/netip"
	"strings"
)

// Proxies says which hops in front of the site are believed when they
// report the client's address in X-Forwarded-For.
type Proxies struct {
	// Trust: the site runs behind a proxy that appends to X-Forwarded-For.
	Trust bool
	// Networks are the proxies' addresses. With none, only the peer that
	// connected is trusted.
	Networks []netip.Prefix
}

// ClientAddrs records each request's client address (read it with
// ClientAddr), once, for every rate limit.
func ClientAddrs(p Proxies) Middleware {
	return func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			next.ServeHTTP(w, r.WithContext(context.WithValue(r.Context(), keyClientAddr, p.clientAddr(r))))
		})
	}
}

// ClientAddr is the address of the client that made r: the connecting
// peer, or behind trusted proxies the address the nearest of them saw.
func ClientAddr(r *http.Request) string {
	if a, ok := r.Context().Value(keyClientAddr).(string); ok {
		return a
	}
	return peerAddr(r)
}

// clientAddr walks X-Forwarded-For from the right. Every entry left of the
// first untrusted one could have been written by the client itself, so the
// first untrusted entry is the client: a forged left-most entry changes
// nothing.
func (p Proxies) clientAddr(r *http.Request) string {
	peer := peerAddr(r)
	if !p.Trust {
		return peer
	}
	var hops []string
	for _, h := range r.Header.Values("X-Forwarded-For") {
		for f := range strings.SplitSeq(h, ",") {
			hops = append(hops, strings.TrimSpace(f))
		}
	}
	addr := peer
	for i := len(hops) - 1; i >= 0; i-- {
		if !p.trusted(addr, i == len(hops)-1) {
			return addr
		}
		ip, err := netip.ParseAddr(hops[i])
		if err != nil {
			return addr // garbage from a trusted hop: the hop itself is the best we know
		}
		addr = ip.Unmap().String()
	}
	return addr
}

// trusted reports whether addr is one of the proxies; the connecting peer
// is one when no networks are configured.
func (p Proxies) trusted(addr string, peer bool) bool {
	if len(p.Networks) == 0 {
		return peer
	}
	ip, err := netip.ParseAddr(addr)
	if err != nil {
		return false
	}
	ip = ip.Unmap()
	for _, n := range p.Networks {
		if n.Contains(ip) {
			return true
		}
	}
	return false
}

func peerAddr(r *http.Request) string {
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		return r.RemoteAddr
	}
	return host
}
