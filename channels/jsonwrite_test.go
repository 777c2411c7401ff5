package channels

import (
	"bytes"
	"encoding/json"
	"testing"
)

// FuzzJSONString: the hand-written string encoder writes exactly what
// encoding/json writes, with and without HTML escaping.
func FuzzJSONString(f *testing.F) {
	for _, s := range []string{"", "plain", `q"uote\back`, "ctl\x00\x01\x1f\t\n\r\b\f", "<a href='x'>&</a>",
		"\u2028\u2029", "héllo wörld 日本", "bad\xffutf8\xc3", "\xed\xa0\x80", "emoji 😀"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		for _, html := range []bool{false, true} {
			var want bytes.Buffer
			enc := json.NewEncoder(&want)
			enc.SetEscapeHTML(html)
			enc.Encode(s)
			got := AppendJSONString(nil, s, html)
			if string(got) != string(bytes.TrimSuffix(want.Bytes(), []byte("\n"))) {
				t.Fatalf("html=%v %q:\n got %s\nwant %s", html, s, got, want.Bytes())
			}
		}
	})
}

// FuzzSplitMembers: whatever splitMembers accepts is a JSON object whose
// members it found, in order, with their exact values.
func FuzzSplitMembers(f *testing.F) {
	for _, s := range []string{`{}`, ` { } `, `{"a":1,"b":"x,}","c":{"d":[1,{"e":"]"}]},"f":null,"g":true}`,
		`{"a" : [ "\"]" , 2 ] }`, `{"a":1,}`, `{"a"}`, `[]`, `{"a\"b":1}`, `{"a":"\\"}`, `{"a":1}x`} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		got, ok := splitMembers([]byte(s), nil)
		if !ok {
			return
		}
		if !json.Valid([]byte(s)) {
			t.Fatalf("accepted invalid JSON %q", s)
		}
		dec := json.NewDecoder(bytes.NewReader([]byte(s)))
		if tok, err := dec.Token(); err != nil || tok != json.Delim('{') {
			t.Fatalf("accepted a non-object %q", s)
		}
		var i int
		for ; dec.More(); i++ {
			k, _ := dec.Token()
			var v json.RawMessage
			if err := dec.Decode(&v); err != nil {
				t.Fatal(err)
			}
			if i >= len(got) || string(got[i].key) != k.(string) || string(got[i].val) != string(v) {
				t.Fatalf("%q: member %d is %q, split gave %+v", s, i, k, got)
			}
		}
		if i != len(got) {
			t.Fatalf("%q: %d members, split gave %d", s, i, len(got))
		}
	})
}
