package views

import (
	"context"
	"fmt"
	"io"
	"math/rand/v2"
	"testing"
	"time"
)

// benchHubPage is the hub page as a signed-in admin (a user who can write,
// so every row has its actions) sees it with a full page of 50 rows: v4
// UUIDs as the database makes them, a CSRF token of echo's length (32
// characters) and names as people give them.
func benchHubPage() (Page, HubPage) {
	r := rand.New(rand.NewPCG(7, 7))
	uuid := func() string {
		b := make([]byte, 16)
		for i := range b {
			b[i] = byte(r.UintN(256))
		}
		b[6], b[8] = b[6]&0x0f|0x40, b[8]&0x3f|0x80
		return fmt.Sprintf("%x-%x-%x-%x-%x", b[0:4], b[4:6], b[6:8], b[8:10], b[10:])
	}
	const alnum = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"
	csrf := make([]byte, 32)
	for i := range csrf {
		csrf[i] = alnum[r.IntN(len(alnum))]
	}

	m := HubPage{ID: uuid(), Name: "Customer support EU", Description: "Front-line support for the European shops.", Active: true, CloseDormant: 7}
	l := HubIntegrations{HubID: m.ID, Total: 120, HubTotal: 120, Summary: "1–50 of 120 integrations", NextURL: "/hubs/" + m.ID + "?page=2"}
	kinds := []struct{ id, title, icon, typ, name string }{
		{"WebChat", "Web chat", "message-square", "Customer", "Website chat"},
		{"TwilioSMS", "Twilio SMS", "brand-twilio", "Customer", "Support line SMS"},
		{"Messenger", "Facebook Messenger", "brand-messenger", "Customer", "Shop Messenger page"},
		{"Slack", "Slack", "brand-slack", "Agent", "Agents in Slack"},
		{"Direct", "Direct", "webhook", "Agent", "CRM bridge"},
		{"System", "System", "radio-tower", "Customer", "Order events webhook"},
	}
	shops := []string{"Berlin", "Paris", "Madrid", "Milan", "Amsterdam", "Vienna", "Warsaw", "Lisbon", "Dublin"}
	created := time.Date(2025, 3, 4, 9, 12, 0, 0, time.UTC)
	for i := range 50 {
		k := kinds[i%len(kinds)]
		l.Rows = append(l.Rows, HubIntegration{ID: uuid(), Name: fmt.Sprintf("%s %s %d", k.name, shops[i%len(shops)], i/len(shops)+1),
			ChannelTitle: k.title, ChannelIcon: k.icon, Type: k.typ, Active: i%10 != 3,
			Created: created.Add(time.Duration(i) * 37 * time.Hour)})
	}
	for _, k := range kinds {
		l.Channels = append(l.Channels, HubChannelOption{ID: k.id, Title: k.title})
	}
	m.Integrations = l
	p := Page{Title: m.Name, Nav: "hubs", CSRF: string(csrf),
		User: &User{Email: "maria.lopez@example.com", Role: "admin", IsAdmin: true, CanWrite: true}}
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
