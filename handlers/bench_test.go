package handlers

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
)

// benchApp is an app with one hub of n WebChat and System integrations.
func benchApp(b *testing.B, n int) (*testApp, string, string, string) {
	a := newTestApp(b, func(c *Config) { c.RateLimit = 1e9 })
	tok := a.token("write")
	hub := a.hub("Bench")
	var id string
	for i := range n {
		body := fmt.Sprintf(`{"channelId":"System","name":"s%d","configuration":{"webhookUrl":"https://a.example","events":["message"]}}`, i)
		if i%2 == 0 {
			body = fmt.Sprintf(`{"channelId":"WebChat","name":"w%d","configuration":{"allowedOrigins":["a.com","b.org"],"start":[{"type":"text","text":"hi"}]}}`, i)
		}
		rec := a.api("POST", "/api/v1/integrations/hubs/"+hub.ID, tok, body)
		if rec.Code != 200 {
			b.Fatal(rec.Body.String())
		}
		var out integrationOut
		json.Unmarshal(rec.Body.Bytes(), &out)
		id = out.IntegrationID
	}
	return a, tok, hub.ID, id
}

func benchRequest(b *testing.B, a *testApp, method, path, tok, body string) {
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		req := httptest.NewRequest(method, path, nil)
		req.Header.Set("Authorization", "Bearer "+tok)
		rec := httptest.NewRecorder()
		a.srv.Echo.ServeHTTP(rec, req)
		if rec.Code != http.StatusOK {
			b.Fatal(rec.Code, rec.Body.String())
		}
	}
}

func BenchmarkGetIntegration(b *testing.B) {
	a, tok, _, id := benchApp(b, 100)
	benchRequest(b, a, "GET", "/api/v1/integrations/"+id, tok, "")
}

func BenchmarkListHubPage(b *testing.B) {
	a, tok, hub, _ := benchApp(b, 100)
	benchRequest(b, a, "GET", "/api/v1/integrations?pageSize=50&hubId="+hub, tok, "")
}

func BenchmarkCreateWebChat(b *testing.B) {
	a, tok, hub, _ := benchApp(b, 0)
	b.ReportAllocs()
	i := 0
	for b.Loop() {
		i++
		body := fmt.Sprintf(`{"channelId":"WebChat","name":"c%d","configuration":{"allowedOrigins":["a.com"]}}`, i)
		req := httptest.NewRequest("POST", "/api/v1/integrations/hubs/"+hub, strings.NewReader(body))
		req.Header.Set("Authorization", "Bearer "+tok)
		rec := httptest.NewRecorder()
		a.srv.Echo.ServeHTTP(rec, req)
		if rec.Code != http.StatusOK {
			b.Fatal(rec.Code, rec.Body.String())
		}
	}
}

func BenchmarkCreateWebChatParallel(b *testing.B) {
	a, tok, hub, _ := benchApp(b, 0)
	b.ReportAllocs()
	var n atomic.Int64
	b.SetParallelism(16)
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			body := fmt.Sprintf(`{"channelId":"WebChat","name":"c%d","configuration":{"allowedOrigins":["a.com"]}}`, n.Add(1))
			req := httptest.NewRequest("POST", "/api/v1/integrations/hubs/"+hub, strings.NewReader(body))
			req.Header.Set("Authorization", "Bearer "+tok)
			rec := httptest.NewRecorder()
			a.srv.Echo.ServeHTTP(rec, req)
			if rec.Code != http.StatusOK {
				b.Error(rec.Code, rec.Body.String())
				return
			}
		}
	})
}

// BenchmarkHubPage is the dashboard's hub page with 50 rows, signed in,
// gzipped as a browser asks for it.
func BenchmarkHubPage(b *testing.B) {
	a, _, hub, _ := benchApp(b, 100)
	br := a.signIn("admin")
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		req := httptest.NewRequest("GET", "/hubs/"+hub, nil)
		req.Header.Set("Accept-Encoding", "gzip")
		for _, c := range br.cookies {
			req.AddCookie(c)
		}
		rec := httptest.NewRecorder()
		a.srv.Echo.ServeHTTP(rec, req)
		if rec.Code != http.StatusOK {
			b.Fatal(rec.Code, rec.Body.String())
		}
	}
}
