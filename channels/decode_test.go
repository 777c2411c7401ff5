package channels

import (
	"encoding/json"
	"slices"
	"strings"
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
		// A key given twice inside a message, in two cases: refused, not
		// one of the two kept at random.
		{"WebChat", `{"allowedOrigins":["a.com"],"start":[{"type":"text","text":"one","TEXT":"two"}]}`,
			[]string{"configuration.start[0].text"}},
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

// TestNumericHostsRefused: hosts that some resolvers read as IPv4
// addresses in shorthand forms are refused when saved; real names and
// plain addresses are not refused here (the address check judges those).
func TestNumericHostsRefused(t *testing.T) {
	for host, refused := range map[string]bool{
		"2130706433": true, "0x7f000001": true, "127.1": true, "0": true, "0177.0.0.01": true, "10.0.1": true, "0x": true,
		"example.com": false, "127.0.0.1": false, "[::1]": false, "93.184.216.34": false, "1password.com": false,
		"a.b.0x7g": false, "example.com.": false, "host": false, "93.184.216.34.": false,
	} {
		reason := checkWebhookURL("https://" + host + "/hook")
		if got := strings.Contains(reason, "names its host as a number"); got != refused || (!refused && reason != "") {
			t.Errorf("%s: %q, want refused as a number: %v", host, reason, refused)
		}
	}
}

// TestHostReasonsSayWhatIsWrong: an origin's error names its actual fault.
func TestHostReasonsSayWhatIsWrong(t *testing.T) {
	for host, want := range map[string]string{
		"bad host!":          "without spaces",
		"https://a.com/path": "without a path",
		"user@a.com":         "without a user name",
		"bad!host":           "not a valid host name",
		"a.com:99999":        "port outside",
		"ftp://a.com":        "host[:port] or https://host[:port]",
	} {
		if got := checkHost(host); !strings.Contains(got, want) {
			t.Errorf("%q: %q, want it to say %q", host, got, want)
		}
	}
}

func TestLoneSurrogate(t *testing.T) {
	for _, c := range []struct {
		in   string
		want string
	}{
		{`{"name":"ok"}`, ""},
		{`{"name":"\ud83d\ude00"}`, ""}, // 😀 as a pair
		{`{"name":"\uD83D\uDE00 \u00e9"}`, ""},
		{`{"name":"\\ud800"}`, ""}, // an escaped backslash, then text
		{`{"name":"\ud800"}`, `\ud800`},
		{`{"name":"a\udc00b"}`, `\udc00`},
		{`{"name":"\ud800\u0041"}`, `\ud800`},
		{`{"name":"\ude00\ud83d"}`, `\ude00`},
		{`{"a":"\"","b":"\uDBFF"}`, `\uDBFF`},
	} {
		got, bad := LoneSurrogate([]byte(c.in))
		if bad != (c.want != "") || got != c.want {
			t.Errorf("LoneSurrogate(%s) = %q, %v; want %q", c.in, got, bad, c.want)
		}
	}
}
