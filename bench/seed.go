package main

import (
	"context"
	"fmt"
	"math/rand/v2"
	"strings"
	"time"

	"hubadmin/channels"
	"hubadmin/db"
)

// dataset is what the scenarios pick their targets from.
type dataset struct {
	hubs       []db.Hub
	sample     []string // ids of integrations of every channel, for GET
	webChats   []string // ids of web chat integrations, for updates
	perHub     map[string]int
	total      int
	seedTime   time.Duration
	seedBatchN int
}

var seedChannels = []string{"Direct", "System", "WebChat", "TwilioSMS", "Messenger", "Slack"}

func hexs(r *rand.Rand, n int) string {
	const digits = "0123456789abcdef"
	b := make([]byte, n)
	for i := range b {
		b[i] = digits[r.IntN(16)]
	}
	return string(b)
}

func alnums(r *rand.Rand, n int) string {
	const chars = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"
	b := make([]byte, n)
	for i := range b {
		b[i] = chars[r.IntN(len(chars))]
	}
	return string(b)
}

// integrationConfig is a realistic full configuration of a channel, as
// Provision would leave it (provider answers and signing keys included).
func integrationConfig(r *rand.Rand, channel string, n int) channels.Config {
	start := []channels.Message{{Type: "text", Text: "Hi! Thanks for getting in touch — an agent will be with you shortly."}}
	switch channel {
	case "Direct":
		typ := channels.TypeCustomer
		if n%3 == 0 {
			typ = channels.TypeAgent
		}
		return channels.Config{"integrationType": typ, "echo": n%2 == 0,
			"webhookUrl":       fmt.Sprintf("https://hooks.example%d.com/hubster/%s", n%97, hexs(r, 12)),
			"publicSigningKey": strings.ToUpper(hexs(r, 32)), "privateSigningKey": strings.ToUpper(hexs(r, 32)), "start": start}
	case "System":
		return channels.Config{"events": []string{"message"}, "webhookUrl": fmt.Sprintf("https://events.example%d.com/in/%s", n%89, hexs(r, 12)),
			"publicSigningKey": strings.ToUpper(hexs(r, 32)), "privateSigningKey": strings.ToUpper(hexs(r, 32))}
	case "WebChat":
		return channels.Config{"allowedOrigins": []string{fmt.Sprintf("www.shop%d.example.com", n), fmt.Sprintf("help.shop%d.example.com", n)},
			"echo": true, "start": start}
	case "TwilioSMS":
		return channels.Config{"accountSid": "AC" + hexs(r, 32), "authToken": hexs(r, 32), "numberSid": fmt.Sprintf("PN%032x", n),
			"phoneNumber": fmt.Sprintf("+1555%07d", n%10000000), "capabilities": map[string]bool{"mms": true, "sms": true, "voice": n%2 == 0}}
	case "Messenger":
		return channels.Config{"appId": fmt.Sprintf("%015d", 100000000000000+r.Int64N(899999999999999)),
			"pageId": fmt.Sprintf("%015d", 100000000000000+n), "pageName": fmt.Sprintf("Shop %d", n), "pageAccessToken": "EAA" + alnums(r, 180)}
	default: // Slack
		return channels.Config{"botAccessToken": "xoxb-" + alnums(r, 50), "appAccessToken": "xoxp-" + alnums(r, 70),
			"defaultPublicChannel": "C" + strings.ToUpper(hexs(r, 10)), "teamId": "T" + strings.ToUpper(hexs(r, 10)), "botName": "hubster"}
	}
}

// seedHubs creates the hubs.
func seedHubs(ctx context.Context, d *db.DB, n int) ([]db.Hub, error) {
	base := time.Now().UTC().Add(-365 * 24 * time.Hour)
	hubs := make([]db.Hub, n)
	for i := range hubs {
		hubs[i] = db.Hub{TenantID: db.DefaultTenantID, Name: fmt.Sprintf("Hub %05d", i),
			Description: "Customer support for one of the storefronts.", Created: base.Add(time.Duration(i) * time.Minute)}
	}
	return d.SeedHubs(ctx, hubs)
}

// seedIntegrations adds count integrations spread evenly over the hubs
// and the six channels, in transactions of batch rows. first numbers the
// rows so that a second call (the 1,000,000-row step) adds unique names.
func seedIntegrations(ctx context.Context, d *db.DB, ds *dataset, first, count, batch int) error {
	r := rand.New(rand.NewPCG(uint64(first), 42))
	base := time.Now().UTC().Add(-300 * 24 * time.Hour)
	rows := make([]db.Integration, 0, batch)
	flush := func() error {
		if len(rows) == 0 {
			return nil
		}
		out, err := d.SeedIntegrations(ctx, rows)
		if err != nil {
			return err
		}
		for _, in := range out {
			if len(ds.sample) < 2000 && r.IntN(50) == 0 {
				ds.sample = append(ds.sample, in.ID)
			}
			if in.ChannelID == "WebChat" && len(ds.webChats) < 2000 && r.IntN(20) == 0 {
				ds.webChats = append(ds.webChats, in.ID)
			}
			ds.perHub[in.HubID]++
		}
		ds.total += len(out)
		rows = rows[:0]
		return nil
	}
	for i := first; i < first+count; i++ {
		hub := ds.hubs[i%len(ds.hubs)]
		chName := seedChannels[(i/len(ds.hubs))%len(seedChannels)]
		ch, _ := channels.ByID(chName)
		cfg := integrationConfig(r, chName, i)
		in := db.Integration{HubID: hub.ID, TenantID: hub.TenantID, ChannelID: ch.ID, IntegrationType: ch.Type(cfg),
			Name: fmt.Sprintf("%s %07d", ch.Title, i), StatusID: db.IntegrationActive,
			Created: base.Add(time.Duration(i) * 200 * time.Millisecond)}
		if i%10 == 0 {
			in.StatusID = db.IntegrationPaused
		}
		if ch.Inbound != "" {
			in.InboundID = cfg.String(ch.Inbound)
		}
		if ch.Attach != nil {
			in.AttachKey = ch.Attach(cfg)
		}
		in.Config, in.Secrets = ch.Split(cfg)
		in.Modified = in.Created
		rows = append(rows, in)
		if len(rows) == batch {
			if err := flush(); err != nil {
				return err
			}
		}
	}
	return flush()
}
