package db

import (
	"sync"
	"time"
)

// tokenCache keeps recently used live tokens by hash, so an API request
// costs one query (its object) instead of two. Revocations made through
// this store drop entries at once, so a revoked token is refused on the
// very next request; tokenCacheTTL bounds how long a change made by
// another process (none exists today: the CLI only creates) could go
// unseen.
type tokenCache struct {
	mu      sync.Mutex
	entries map[string]cachedToken
	// gen counts revocations: a token read before one may not be cached
	// after it (the read could predate the revocation's commit).
	gen uint64
}

type cachedToken struct {
	tok Token
	at  time.Time
}

const (
	tokenCacheTTL = 10 * time.Second
	tokenCacheMax = 10000
)

// get returns a cached token, or the generation to hand to put after
// reading it from the database.
func (c *tokenCache) get(hash string, now time.Time) (Token, uint64, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	e, ok := c.entries[hash]
	if !ok || now.Sub(e.at) > tokenCacheTTL {
		return Token{}, c.gen, false
	}
	return e.tok, c.gen, true
}

func (c *tokenCache) put(hash string, t Token, now time.Time, gen uint64) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if gen != c.gen {
		return // a revocation happened meanwhile
	}
	if c.entries == nil || len(c.entries) >= tokenCacheMax {
		c.entries = map[string]cachedToken{}
	}
	c.entries[hash] = cachedToken{tok: t, at: now}
}

// touched records a token's new last use in its cached copy.
func (c *tokenCache) touched(id string, at time.Time) {
	c.mu.Lock()
	defer c.mu.Unlock()
	for h, e := range c.entries {
		if e.tok.ID == id {
			e.tok.LastUsed = &at
			c.entries[h] = e
		}
	}
}

// drop forgets the tokens matching fn (a revoked token, a revoked client's).
func (c *tokenCache) drop(fn func(Token) bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.gen++
	for h, e := range c.entries {
		if fn(e.tok) {
			delete(c.entries, h)
		}
	}
}
