package views

import (
	"context"
	"fmt"
	"io"
	"testing"
	"time"
)

// benchHubPage is a hub page with a full page of 50 rows.
func benchHubPage() (Page, HubPage) {
	m := HubPage{ID: "2c6b6c1e-0000-4000-8000-000000000001", Name: "Support", Description: "Customer support.", Active: true}
	l := HubIntegrations{HubID: m.ID, Total: 100, HubTotal: 100, Summary: "1–50 of 100 integrations", NextURL: "/hubs/" + m.ID + "?page=2"}
	titles := [][2]string{{"Direct", "webhook"}, {"System", "radio-tower"}, {"Web chat", "message-square"},
		{"Twilio SMS", "brand-twilio"}, {"Facebook Messenger", "brand-messenger"}, {"Slack", "brand-slack"}}
	for i := range 50 {
		t := titles[i%len(titles)]
		l.Rows = append(l.Rows, HubIntegration{ID: fmt.Sprintf("2c6b6c1e-0000-4000-8000-%012d", i), Name: fmt.Sprintf("%s %d", t[0], i),
			ChannelTitle: t[0], ChannelIcon: t[1], Type: "Customer", Active: i%10 != 0, Created: time.Date(2025, 1, 1, 0, 0, i, 0, time.UTC)})
	}
	for _, t := range titles {
		l.Channels = append(l.Channels, HubChannelOption{ID: t[0], Title: t[0]})
	}
	m.Integrations = l
	p := Page{Title: m.Name, Nav: "hubs", CSRF: "csrf-token-value", User: &User{Email: "admin@example.com", Role: "admin", IsAdmin: true, CanWrite: true}}
	return p, m
}

// BenchmarkHubShow renders the hub page with a full page of 50 rows.
func BenchmarkHubShow(b *testing.B) {
	p, m := benchHubPage()
	c := HubShow(p, m)
	var size countWriter
	if err := c.Render(context.Background(), &size); err != nil {
		b.Fatal(err)
	}
	b.ReportMetric(float64(size), "html-bytes")
	b.ReportAllocs()
	for b.Loop() {
		if err := c.Render(context.Background(), io.Discard); err != nil {
			b.Fatal(err)
		}
	}
}

type countWriter int

func (w *countWriter) Write(p []byte) (int, error) { *w += countWriter(len(p)); return len(p), nil }
