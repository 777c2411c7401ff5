package handlers

import (
	"crypto/rand"
	"crypto/subtle"
	"encoding/base64"
	"errors"
	"fmt"
	"runtime"
	"strings"
	"sync"
	"sync/atomic"
	"unicode/utf8"

	"golang.org/x/crypto/argon2"
)

// argon2id parameters: OWASP's m=19 MiB, t=2, p=1.
const (
	argonMemory  = 19 * 1024
	argonTime    = 2
	argonThreads = 1
	argonKeyLen  = 32
)

// argonSlots bounds the password hashes computed at once. Each holds
// argonMemory for its ~50 ms, and anyone can ask for one (a sign-in needs
// no account): 150 sign-ins sent at once took the server to 2.9 GB. The
// rest wait their turn, which costs a goroutine each, not 19 MiB.
var argonSlots = make(chan struct{}, max(2, runtime.GOMAXPROCS(0)))

// argonBusy and argonPeak count the hashes running and the most that ran
// at once (tests read the peak).
var argonBusy, argonPeak atomic.Int32

// argonKey is argon2.IDKey taking one of argonSlots.
func argonKey(p, salt []byte, t, m uint32, threads uint8, n uint32) []byte {
	argonSlots <- struct{}{}
	defer func() { <-argonSlots }()
	busy := argonBusy.Add(1)
	defer argonBusy.Add(-1)
	for peak := argonPeak.Load(); busy > peak && !argonPeak.CompareAndSwap(peak, busy); peak = argonPeak.Load() {
	}
	return argon2.IDKey(p, salt, t, m, threads, n)
}

// CheckPassword enforces the password rule: 8–256 characters.
func CheckPassword(p string) error {
	n := utf8.RuneCountInString(p)
	if n < 8 {
		return errors.New("must be at least 8 characters")
	}
	if n > 256 {
		return errors.New("must be at most 256 characters")
	}
	return nil
}

// HashPassword returns an argon2id hash in the PHC string format.
func HashPassword(p string) (string, error) {
	salt := make([]byte, 16)
	if _, err := rand.Read(salt); err != nil {
		return "", err
	}
	key := argonKey([]byte(p), salt, argonTime, argonMemory, argonThreads, argonKeyLen)
	b64 := base64.RawStdEncoding
	return fmt.Sprintf("$argon2id$v=%d$m=%d,t=%d,p=%d$%s$%s", argon2.Version, argonMemory, argonTime, argonThreads,
		b64.EncodeToString(salt), b64.EncodeToString(key)), nil
}

// VerifyPassword checks p against a hash made by HashPassword (with any
// parameters, so they can be raised later).
func VerifyPassword(hash, p string) bool {
	parts := strings.Split(hash, "$")
	if len(parts) != 6 || parts[1] != "argon2id" {
		return false
	}
	var m uint32
	var t uint32
	var threads uint8
	if _, err := fmt.Sscanf(parts[3], "m=%d,t=%d,p=%d", &m, &t, &threads); err != nil {
		return false
	}
	b64 := base64.RawStdEncoding
	salt, err1 := b64.DecodeString(parts[4])
	want, err2 := b64.DecodeString(parts[5])
	if err1 != nil || err2 != nil {
		return false
	}
	got := argonKey([]byte(p), salt, t, m, threads, uint32(len(want)))
	return subtle.ConstantTimeCompare(got, want) == 1
}

// dummyHash is verified against when the email is unknown, so a login
// takes as long whether or not the account exists. It is made on first
// use: hashing at package init cost every start 50 ms and a 19 MiB heap
// (argon2's memory) that then counted in the server's peak RSS.
var dummyHash = sync.OnceValue(func() string {
	h, _ := HashPassword("not-a-real-password")
	return h
})
