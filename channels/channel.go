// Package channels defines each channel once: its configuration fields,
// their validation, what is derived at create time, and whether the
// configuration may be updated. The REST API and the dashboard's forms both
// read these definitions; adding a channel is one file here.
package channels

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"sort"
	"strconv"
	"strings"
)

// Kind is how a configuration field is typed, validated and edited.
type Kind string

const (
	Text        Kind = "text"
	Secret      Kind = "secret"
	URL         Kind = "url"
	Hosts       Kind = "hosts"       // list of host[:port] / https://host[:port]
	Bool        Kind = "bool"        // checkbox
	Choice      Kind = "choice"      // one of Choices
	MultiChoice Kind = "multichoice" // non-empty subset of Choices
	Messages    Kind = "messages"    // list of {"type":"text","text":...}
)

// Field is one input property of a channel's configuration.
type Field struct {
	Name        string // camelCase key, as output
	Label       string
	Kind        Kind
	Required    bool
	Help        string
	Placeholder string
	Choices     []string
	Numbers     []string // Hubster's numbers for Choices, if it has them
	// ChoiceNotes say each of Choices in words, where the value is a code
	// (the dashboard shows both).
	ChoiceNotes []string
	// Covering (MultiChoice): a choice "x" means every "x:…" choice, so
	// given with any of them it is kept alone (System's "message").
	Covering   bool
	Default    any  // used when absent (Bool fields)
	UpdateOnly bool // accepted on update only (regenerateKeys)
	Spent      bool // used up by Provision at create (Slack's code and nonce): never stored, so not shown
	// Confirm (Bool fields) is the question the dashboard asks before a
	// ticked box takes effect, for what cannot be undone.
	Confirm string
	Max     int // list kinds: most items
	// Check validates a present value that has the right type; it returns
	// the reason it is invalid, or "".
	Check func(v any) string
}

// Derived is a property the server computes; clients sending it back are ignored.
type Derived struct {
	Name   string
	Label  string
	Secret bool
	// Only is the one value it ever has, as JSON ("true"), and Why says
	// why: another value sent is refused rather than ignored.
	Only, Why string
}

// Channel is one channel's definition.
type Channel struct {
	ID      string // "TwilioSMS"
	Number  int    // Hubster's channelId number
	Title   string // "Twilio SMS"
	Summary string // one line for the picker
	Icon    string // static/icons name
	Fields  []Field
	Derived []Derived
	// Order is the output order of configuration keys (the seed's first
	// example); keys not listed follow in field order.
	Order []string
	// Updatable is false where the configuration was checked with a
	// provider: it cannot be replaced, only deleted and recreated.
	Updatable bool
	// Provider names who checks the credentials on save ("" = nobody).
	Provider string
	// NextSteps tells a user what to do once an integration is created.
	NextSteps func(Config) []string
	// OAuth marks channels configured by an OAuth redirect: the dashboard
	// offers "Connect" instead of the fields.
	OAuth bool
	// Embed is the snippet a site pastes to use the integration, given its
	// id and the server's base URL (nil = none).
	Embed func(integrationID, baseURL string) string
	// Type is the integrationTypeId for a configuration.
	Type func(Config) string
	// Inbound is the configuration key whose value is the inboundId, if any.
	Inbound string
	// Attach names the outside resource this configuration attaches, which
	// only one integration in the installation may hold ("" = none).
	Attach func(Config) string
	// Provision derives the server's values (provider checks, signing
	// keys) from a validated configuration.
	Provision func(ctx context.Context, cfg Config, env Env) (Config, error)

	keys []string // output order, computed once at registration
}

// Env is what provisioning may use.
type Env struct {
	Providers Providers
	// Previous is the stored configuration on update, nil on create.
	Previous Config
	// ConsumeNonce validates and uses up a Slack OAuth state nonce; it
	// returns the redirect_uri its authorize URL carried when that was not
	// SlackRedirectURI (a program's own), else "".
	ConsumeNonce func(ctx context.Context, nonce string) (redirectURI string, err error)
	// SlackRedirectURI is this server's callback, the redirect_uri of the
	// authorize URLs it builds unless a nonce names another.
	SlackRedirectURI string
}

// Config is a decoded configuration: canonical camelCase keys; values are
// string, bool, []string, []Message or map[string]bool.
type Config map[string]any

// Message is one entry of a message list.
type Message struct {
	Type string `json:"type"`
	Text string `json:"text"`
}

// String returns a string value or "".
func (c Config) String(k string) string { s, _ := c[k].(string); return s }

// Bool returns a bool value or false.
func (c Config) Bool(k string) bool { b, _ := c[k].(bool); return b }

// Strings returns a list value or nil.
func (c Config) Strings(k string) []string { s, _ := c[k].([]string); return s }

// Messages returns a message list or nil.
func (c Config) Messages(k string) []Message { m, _ := c[k].([]Message); return m }

// Field returns the named input field (any case).
func (ch *Channel) Field(name string) (Field, bool) {
	for _, f := range ch.Fields {
		if strings.EqualFold(f.Name, name) {
			return f, true
		}
	}
	return Field{}, false
}

// IsSecret reports whether a configuration key holds a secret.
func (ch *Channel) IsSecret(key string) bool {
	for _, f := range ch.Fields {
		if f.Name == key {
			return f.Kind == Secret
		}
	}
	d, _ := ch.DerivedValue(key)
	return d.Secret
}

// DerivedValue returns the derived (server-made) value named key, as Field
// returns a field.
func (ch *Channel) DerivedValue(key string) (Derived, bool) {
	for _, d := range ch.Derived {
		if d.Name == key {
			return d, true
		}
	}
	return Derived{}, false
}

// ItemLabel names one item of a list field ("Allowed origin" of "Allowed
// origins"): the lists' labels are plain English plurals.
func (f Field) ItemLabel() string { return strings.TrimSuffix(f.Label, "s") }

// Label returns the human label of a configuration key.
func (ch *Channel) Label(key string) string {
	if f, ok := ch.Field(key); ok {
		return f.Label
	}
	if d, ok := ch.DerivedValue(key); ok {
		return d.Label
	}
	return key
}

// Keys lists the configuration keys in output order.
func (ch *Channel) Keys() []string { return ch.keys }

func (ch *Channel) outputKeys() []string {
	seen := map[string]bool{}
	var out []string
	add := func(k string) {
		if !seen[k] {
			seen[k] = true
			out = append(out, k)
		}
	}
	for _, k := range ch.Order {
		add(k)
	}
	for _, f := range ch.Fields {
		if !f.UpdateOnly {
			add(f.Name)
		}
	}
	for _, d := range ch.Derived {
		add(d.Name)
	}
	return out
}

// Integration types.
const (
	TypeCustomer = "Customer"
	TypeAgent    = "Agent"
	TypeSystem   = "System"
)

// ParseIntegrationType reads "Customer"/"Agent" in any case, or Hubster's 2/3.
func ParseIntegrationType(s string) (string, bool) {
	switch strings.ToLower(strings.TrimSpace(s)) {
	case "customer", "2":
		return TypeCustomer, true
	case "agent", "3":
		return TypeAgent, true
	}
	return "", false
}

var (
	registry = map[string]*Channel{}
	// byName holds the names as written, the form every stored row has:
	// found without lowering (and allocating) a copy.
	byName = map[string]*Channel{}
)

func register(ch *Channel) *Channel {
	ch.keys = ch.outputKeys()
	byName[ch.ID] = ch
	registry[strings.ToLower(ch.ID)] = ch
	registry[strconv.Itoa(ch.Number)] = ch
	return ch
}

// ByID finds a channel by its name (any case) or Hubster's number.
func ByID(s string) (*Channel, bool) {
	if ch, ok := byName[s]; ok {
		return ch, true
	}
	ch, ok := registry[strings.ToLower(strings.TrimSpace(s))]
	return ch, ok
}

// All lists the channels in picker order.
func All() []*Channel {
	seen := map[*Channel]bool{}
	var out []*Channel
	for _, ch := range registry {
		if !seen[ch] {
			seen[ch] = true
			out = append(out, ch)
		}
	}
	sort.Slice(out, func(i, j int) bool { return pickOrder(out[i]) < pickOrder(out[j]) })
	return out
}

func pickOrder(ch *Channel) int {
	for i, id := range []string{"WebChat", "TwilioSMS", "Messenger", "Slack", "Direct", "System"} {
		if ch.ID == id {
			return i
		}
	}
	return 100 + ch.Number
}

// Names lists the channel names, for error messages.
func Names() string {
	var names []string
	for _, ch := range All() {
		names = append(names, ch.ID)
	}
	return strings.Join(names, ", ")
}

// SigningKey makes a key as Hubster does: 32 random upper-case hex characters.
func SigningKey() string {
	b := make([]byte, 16)
	if _, err := rand.Read(b); err != nil {
		panic(err)
	}
	return strings.ToUpper(hex.EncodeToString(b))
}

// KeysWarning says what regenerating signing keys does to their receivers.
const KeysWarning = "The old keys stop working at once: receivers that check signatures refuse deliveries until they have the new public key."

// regenerateKeys is the edit-only box of the channels with signing keys.
var regenerateKeys = Field{Name: "regenerateKeys", Label: "Regenerate signing keys", Kind: Bool, UpdateOnly: true,
	Help: "Make a new key pair; the old keys stop working at once.", Confirm: "Regenerate the signing keys? " + KeysWarning}

// signingKeys keeps the previous pair unless none exists or regeneration
// was asked for.
func signingKeys(cfg Config, env Env) {
	regen := cfg.Bool("regenerateKeys")
	delete(cfg, "regenerateKeys")
	if env.Previous != nil && !regen && env.Previous.String("privateSigningKey") != "" {
		cfg["publicSigningKey"] = env.Previous.String("publicSigningKey")
		cfg["privateSigningKey"] = env.Previous.String("privateSigningKey")
		return
	}
	cfg["publicSigningKey"] = SigningKey()
	cfg["privateSigningKey"] = SigningKey()
}

func fixed(t string) func(Config) string { return func(Config) string { return t } }

func errorf(format string, a ...any) string { return fmt.Sprintf(format, a...) }
