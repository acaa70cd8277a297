package web

import (
	"net/http/httptest"
	"net/netip"
	"testing"
)

func TestClientAddr(t *testing.T) {
	lb := []netip.Prefix{netip.MustParsePrefix("10.0.0.0/8"), netip.MustParsePrefix("fd00::/8")}
	for _, tc := range []struct {
		name    string
		proxies Proxies
		peer    string
		xff     []string
		want    string
	}{
		{"no proxy: the peer, whatever the header says", Proxies{}, "203.0.113.5:4000", []string{"1.2.3.4"}, "203.0.113.5"},
		{"one proxy, no networks: the entry it appended", Proxies{Trust: true}, "127.0.0.1:4000", []string{"198.51.100.7"}, "198.51.100.7"},
		{"a forged left-most entry is ignored", Proxies{Trust: true}, "127.0.0.1:4000", []string{"6.6.6.6, 198.51.100.7"}, "198.51.100.7"},
		{"forged entries in an earlier header too", Proxies{Trust: true}, "127.0.0.1:4000", []string{"6.6.6.6", "198.51.100.7"}, "198.51.100.7"},
		{"no header behind a proxy: the peer", Proxies{Trust: true}, "127.0.0.1:4000", nil, "127.0.0.1"},
		{"two trusted hops", Proxies{Trust: true, Networks: lb}, "10.0.0.2:4000", []string{"6.6.6.6, 198.51.100.7, 10.0.0.9"}, "198.51.100.7"},
		{"a peer outside the networks is the client", Proxies{Trust: true, Networks: lb}, "203.0.113.5:4000", []string{"198.51.100.7"}, "203.0.113.5"},
		{"every hop trusted: the left-most", Proxies{Trust: true, Networks: lb}, "10.0.0.2:4000", []string{"10.1.1.1, 10.0.0.9"}, "10.1.1.1"},
		{"garbage appended by a trusted hop: that hop", Proxies{Trust: true, Networks: lb}, "10.0.0.2:4000", []string{"evil, 10.0.0.9"}, "10.0.0.9"},
		{"IPv6 and IPv4-mapped", Proxies{Trust: true, Networks: lb}, "[fd00::1]:4000", []string{"2001:db8::1, ::ffff:10.0.0.3"}, "2001:db8::1"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := httptest.NewRequest("GET", "/", nil)
			r.RemoteAddr = tc.peer
			for _, h := range tc.xff {
				r.Header.Add("X-Forwarded-For", h)
			}
			if got := tc.proxies.clientAddr(r); got != tc.want {
				t.Errorf("client address %q, want %q", got, tc.want)
			}
		})
	}
}
