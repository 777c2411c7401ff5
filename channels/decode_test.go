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
		if !slices.Equal(got, c.want) {
			t.Errorf("%s %s: errors for %v, want %v", c.channel, c.cfg, got, c.want)
		}
		for _, e := range errs {
			if _, kept := cfg[strings.TrimPrefix(e.Field, "configuration.")]; kept {
				t.Errorf("%s %s: %s has an error and a value", c.channel, c.cfg, e.Field)
			}
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
		"bad host!":           "without spaces",
		"https://a.com b.com": "give each origin its own entry",
		"a.com, b.com":        "give each origin its own entry",
		"a.com;b.com":         "give each origin its own entry",
		"a.com,":              "without spaces, commas",
		"https://a.com/path":  "without a path",
		"https://a.com?x=1":   "without a query",
		"a.com#top":           "without a fragment",
		"a.com/?x=1":          "without a path",
		"user@a.com":          "without a user name",
		"bad!host":            "not a valid host name",
		"a.com:99999":         "port outside",
		"ftp://a.com":         "host[:port] or https://host[:port]",
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

// TestStartMessageReportsEveryProblem: every problem of one message is
// reported, each under its own path, in a fixed order (unknown keys, type,
// text), and an empty text or type is told apart from a missing one.
func TestStartMessageReportsEveryProblem(t *testing.T) {
	type want struct {
		field string
		code  int
		says  string
	}
	for _, c := range []struct {
		start string
		want  []want
	}{
		{`[{"type":"image","url":"x"}]`, []want{
			{"configuration.start[0].url", CodeNotSupported, "not supported"},
			{"configuration.start[0].type", CodeOutOfRange, `is "image"; supported message types: text`},
			{"configuration.start[0].text", CodeRequired, "is required"},
		}},
		{`[{"type":"text","text":""}]`, []want{{"configuration.start[0].text", CodeBadFormat, "must not be empty"}}},
		{`[{"type":"text","text":"   "}]`, []want{{"configuration.start[0].text", CodeBadFormat, "must not be empty"}}},
		{`[{"type":"text","text":null}]`, []want{{"configuration.start[0].text", CodeRequired, "is required"}}},
		{`[{"type":"text"}]`, []want{{"configuration.start[0].text", CodeRequired, "is required"}}},
		{`[{"type":"","text":""}]`, []want{
			{"configuration.start[0].type", CodeOutOfRange, "must not be empty; supported message types: text"},
			{"configuration.start[0].text", CodeBadFormat, "must not be empty"},
		}},
		{`[{"text":"hi"}]`, []want{{"configuration.start[0].type", CodeRequired, "is required; supported message types: text"}}},
		{`[{"type":5,"text":true,"zeta":1,"Alpha":2}]`, []want{
			{"configuration.start[0].Alpha", CodeNotSupported, "not supported"},
			{"configuration.start[0].zeta", CodeNotSupported, "not supported"},
			{"configuration.start[0].type", CodeWrongType, "must be a string"},
			{"configuration.start[0].text", CodeWrongType, "must be a string"},
		}},
		// A key given twice is said once, first, and the rest still checked.
		{`[{"type":"video","text":"one","TEXT":"two"}]`, []want{
			{"configuration.start[0].text", CodeBadFormat, "given twice"},
			{"configuration.start[0].type", CodeOutOfRange, `is "video"`},
		}},
		{`[{"type":"text","text":"ok"},{"type":"text","text":"` + strings.Repeat("a", 2001) + `"}]`, []want{
			{"configuration.start[1].text", CodeBadFormat, "at most 2000"},
		}},
		// Control characters are not text (a bell, an escape); line breaks
		// and tabs are.
		{`[{"type":"text","text":"Hi\n\tthere"},{"type":"text","text":"Hi\u0007 there"},{"type":"text","text":"a\u001b[31mred"}]`, []want{
			{"configuration.start[1].text", CodeBadFormat, "U+0007 at character 3"},
			{"configuration.start[2].text", CodeBadFormat, "U+001B at character 2"},
		}},
	} {
		ch, _ := ByID("WebChat")
		// Decoded several times: map order must not change the answer.
		for range 5 {
			cfg, errs := ch.Decode(json.RawMessage(`{"allowedOrigins":["a.com"],"start":`+c.start+`}`), Create)
			if _, kept := cfg["start"]; kept || len(errs) != len(c.want) {
				t.Fatalf("%s: %v, want %d errors", c.start, errs, len(c.want))
			}
			for i, w := range c.want {
				if e := errs[i]; e.Field != w.field || e.Code != w.code || !strings.Contains(e.Message, w.says) || !strings.Contains(e.Message, "'"+w.field+"'") {
					t.Errorf("%s: error %d is %+v, want %s (%d) saying %q", c.start, i, e, w.field, w.code, w.says)
				}
			}
		}
	}
}

// TestWebhookURLHosts: a webhook URL's host must be an IP address or a
// valid domain name, read as the delivery would dial it; raw spaces are
// refused. Addresses themselves are judged later (webhooks.CheckAddressLiteral).
func TestWebhookURLHosts(t *testing.T) {
	for raw, want := range map[string]string{
		"https://example.com/hook":                             "",
		"https://url_end_point.com":                            "", // Hubster's own example
		"https://b\u00fccher.example/hook":                     "", // IDN
		"https://xn--bcher-kva.example/hook":                   "",
		"https://example.com./hook":                            "",
		"https://a-b.example.com:8443/x?y=%20z":                "",
		"http://127\u30020\u30020\u30021/":                     "", // an address: the address check refuses it
		"http://127.0.0.1./":                                   "",
		"http://[::1]/":                                        "",
		"https://" + strings.Repeat("a", 63) + ".com/":         "",
		"https://example.com/a b":                              "must not contain spaces",
		"https://example.com/?q=a b":                           "must not contain spaces",
		"https://example.com/a\u00a0b":                         "must not contain spaces",
		"https://-.-/":                                         "not a valid domain name",
		"https://-example.com/":                                "not a valid domain name",
		"https://example-.com/":                                "not a valid domain name",
		"https://a..b/":                                        "not a valid domain name",
		"https://exa!mple.com/":                                "not a valid domain name",
		"https://exa*mple.com/":                                "not a valid domain name",
		"https://example.com../":                               "not a valid domain name",
		"https://" + strings.Repeat("a", 64) + ".com/":         "longer than 63",
		"https://" + strings.Repeat("abcdefghi.", 26) + "com/": "longer than 253",
		"https://a\u200db.example/":                            "not a valid domain name",
		"http://127\u30021/":                                   "names its host as a number",
	} {
		got := checkWebhookURL(raw)
		if (want == "") != (got == "") || !strings.Contains(got, want) {
			t.Errorf("%q: %q, want %q", raw, got, want)
		}
	}
}

// TestSystemEventsNormalised: "message" means the three message events,
// so given with any of them it is stored alone; the three without it stay
// as given (the seed returns them so), and a repeat in any case is one.
func TestSystemEventsNormalised(t *testing.T) {
	for _, c := range []struct {
		events string
		want   []string
	}{
		{`["message","message:agent"]`, []string{"message"}},
		{`["message:agent","MESSAGE"]`, []string{"message"}},
		{`["message:customer","message:agent","message:bot","message"]`, []string{"message"}},
		{`["message:customer","message:agent","message:bot"]`, []string{"message:customer", "message:agent", "message:bot"}},
		{`["message:bot","message:customer"]`, []string{"message:bot", "message:customer"}},
		{`["message:agent","Message:Agent"," message:agent "]`, []string{"message:agent"}},
		{`["message","message"]`, []string{"message"}},
	} {
		for _, op := range []Op{Create, Update} {
			cfg, errs := system.Decode(json.RawMessage(`{"webhookUrl":"https://example.com/h","events":`+c.events+`}`), op)
			if len(errs) > 0 {
				t.Fatalf("%s: %v", c.events, errs)
			}
			if got := cfg.Strings("events"); !slices.Equal(got, c.want) {
				t.Errorf("%s (op %d): events %q, want %q", c.events, op, got, c.want)
			}
		}
	}
	// A bad item is still reported where it was sent, the normalisation
	// notwithstanding.
	_, errs := system.Decode(json.RawMessage(`{"webhookUrl":"https://example.com/h","events":["message:agent","message","nope"]}`), Create)
	if len(errs) != 1 || errs[0].Field != "configuration.events[2]" {
		t.Errorf("bad item with a covered one: %v", errs)
	}
}

// TestWithoutCoveredLeavesOtherListsAlone: only "x:…" items under an "x"
// given are dropped; names that merely start alike are not.
func TestWithoutCoveredLeavesOtherListsAlone(t *testing.T) {
	in := []string{"message:agent", "messages", "message-x", "other:message"}
	if got := withoutCovered(in); !slices.Equal(got, in) {
		t.Errorf("withoutCovered(%q) = %q", in, got)
	}
	in = []string{"a:b", "a", "b", "b:c:d"}
	if got := withoutCovered(in); !slices.Equal(got, []string{"a", "b"}) {
		t.Errorf("withoutCovered(%q) = %q", in, got)
	}
	if in[0] != "a:b" {
		t.Error("withoutCovered changed its input")
	}
}

// TestWebChatEchoIsAlwaysTrue: echo, which a web chat always has, may be
// sent back as it is (true) or left out; false asks for what cannot be,
// and is refused rather than silently made true.
func TestWebChatEchoIsAlwaysTrue(t *testing.T) {
	ch, _ := ByID("WebChat")
	for echo, wantErr := range map[string]bool{`true`: false, `null`: false, `false`: true, `"no"`: true, `0`: true} {
		_, errs := ch.Decode(json.RawMessage(`{"allowedOrigins":["a.com"],"echo":`+echo+`}`), Create)
		if !wantErr {
			if len(errs) != 0 {
				t.Errorf("echo %s: %v", echo, errs)
			}
			continue
		}
		if len(errs) != 1 || errs[0].Field != "configuration.echo" || errs[0].Code != CodeOutOfRange || !strings.Contains(errs[0].Message, "always true") {
			t.Errorf("echo %s: %+v, want one error saying it is always true", echo, errs)
		}
	}
}
