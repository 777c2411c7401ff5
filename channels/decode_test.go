package channels

import (
	"encoding/json"
	"slices"
	"testing"
)

// TestDecodeReportsEveryBadItem: a list's bad items are all reported, not
// only the first, so that a form flags every bad row at once.
func TestDecodeReportsEveryBadItem(t *testing.T) {
	for _, c := range []struct {
		channel, cfg string
		want         []string
	}{
		{"WebChat", `{"allowedOrigins":["not a host!","ok.example.com","http://localhost:3000/path"]}`,
			[]string{"configuration.allowedOrigins[0]", "configuration.allowedOrigins[2]"}},
		{"WebChat", `{"allowedOrigins":["a.com"],"start":[{"type":"video","text":"x"},{"type":"text","text":"ok"},{"type":"text"}]}`,
			[]string{"configuration.start[0].type", "configuration.start[2].text"}},
		{"System", `{"webhookUrl":"https://example.com/h","events":["message","nope","message:customer","never"]}`,
			[]string{"configuration.events[1]", "configuration.events[3]"}},
	} {
		ch, _ := ByID(c.channel)
		cfg, errs := ch.Decode(json.RawMessage(c.cfg), Create)
		var got []string
		for _, e := range errs {
			got = append(got, e.Field)
		}
		if cfg != nil || !slices.Equal(got, c.want) {
			t.Errorf("%s %s: errors for %v, want %v", c.channel, c.cfg, got, c.want)
		}
	}
}
