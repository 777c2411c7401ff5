package db

import (
	"crypto/aes"
	"crypto/cipher"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
)

// KeySize is the length of the secret key file: 32 random bytes.
const KeySize = 32

// Sealer encrypts secret values with AES-256-GCM. Each ciphertext is stored
// with the id of the key that made it, so keys can be rotated: the newest
// key seals, every known key opens.
type Sealer struct {
	current string
	aeads   map[string]cipher.AEAD
	macKey  []byte
}

// NewSealer builds a sealer from one or more 32-byte keys; the first seals.
func NewSealer(keys ...[]byte) (*Sealer, error) {
	if len(keys) == 0 {
		return nil, errors.New("seal: no key")
	}
	s := &Sealer{aeads: map[string]cipher.AEAD{}}
	for i, k := range keys {
		if len(k) != KeySize {
			return nil, fmt.Errorf("seal: key %d is %d bytes, want %d", i, len(k), KeySize)
		}
		// Derive separate subkeys so the AES key never doubles as a MAC key.
		enc := sha256.Sum256(append([]byte("hubadmin-seal-v1:"), k...))
		block, err := aes.NewCipher(enc[:])
		if err != nil {
			return nil, err
		}
		aead, err := cipher.NewGCM(block)
		if err != nil {
			return nil, err
		}
		id := KeyID(k)
		s.aeads[id] = aead
		if i == 0 {
			s.current = id
			mac := sha256.Sum256(append([]byte("hubadmin-mac-v1:"), k...))
			s.macKey = mac[:]
		}
	}
	return s, nil
}

// KeyID names a key without revealing it.
func KeyID(k []byte) string {
	h := sha256.Sum256(append([]byte("hubadmin-key-id:"), k...))
	return hex.EncodeToString(h[:4])
}

// Knows reports whether the sealer holds the key with this id.
func (s *Sealer) Knows(keyID string) bool {
	_, ok := s.aeads[keyID]
	return ok
}

// CurrentID is the id of the key that seals.
func (s *Sealer) CurrentID() string { return s.current }

// MACKey is a key derived from the secret key for signing (session cookies).
func (s *Sealer) MACKey() []byte { return s.macKey }

// Seal encrypts plaintext bound to aad (the row's identity).
func (s *Sealer) Seal(plaintext, aad []byte) (keyID string, ciphertext []byte, err error) {
	aead := s.aeads[s.current]
	nonce := make([]byte, aead.NonceSize())
	if _, err := io.ReadFull(rand.Reader, nonce); err != nil {
		return "", nil, err
	}
	return s.current, aead.Seal(nonce, nonce, plaintext, aad), nil
}

// Open decrypts what Seal made into ciphertext's own storage, which it
// overwrites (a list opens one row's secrets after another in one buffer);
// it fails if the ciphertext was moved to another row (different aad) or
// the key is unknown.
func (s *Sealer) Open(keyID string, ciphertext, aad []byte) ([]byte, error) {
	aead, ok := s.aeads[keyID]
	if !ok {
		return nil, fmt.Errorf("seal: unknown key id %q", keyID)
	}
	n := aead.NonceSize()
	if len(ciphertext) < n {
		return nil, errors.New("seal: ciphertext too short")
	}
	return aead.Open(ciphertext[n:n], ciphertext[:n], ciphertext[n:], aad) // the exact overlap cipher.AEAD allows
}

// ReadKey reads the key file at path: exactly KeySize raw bytes.
func ReadKey(path string) ([]byte, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	if len(b) != KeySize {
		return nil, fmt.Errorf("secret key file %s holds %d bytes%s; it must hold exactly %d raw bytes "+
			"(a new one: head -c %d /dev/urandom > FILE; chmod 600 FILE)", path, len(b), keyHint(b), KeySize, KeySize)
	}
	return b, nil
}

// keyHint names the likely cause of a key file of the wrong size: the
// right key written as text (base64, hex) or with a line break after it,
// as an editor or echo adds.
func keyHint(b []byte) string {
	text := strings.TrimRight(string(b), "\r\n")
	if k, err := base64.StdEncoding.DecodeString(text); err == nil && len(k) == KeySize {
		return ", which look like a key written as base64 text: decode it (base64 -d)"
	}
	if k, err := hex.DecodeString(text); err == nil && len(k) == KeySize {
		return ", which look like a key written as hex text: decode it (xxd -r -p)"
	}
	if len(text) == KeySize && len(b) > KeySize {
		return ", the last a line break after the key, as an editor or echo adds: remove it (truncate -s 32 FILE)"
	}
	return ""
}

// LoadOrCreateKey reads the key file at path, creating it with 32 random
// bytes and mode 0600 if it does not exist.
func LoadOrCreateKey(path string) ([]byte, error) {
	b, err := ReadKey(path)
	if err == nil {
		return b, nil
	}
	if !errors.Is(err, os.ErrNotExist) {
		return nil, err
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return nil, err
	}
	k := make([]byte, KeySize)
	if _, err := io.ReadFull(rand.Reader, k); err != nil {
		return nil, err
	}
	err = WriteKey(path, k)
	if errors.Is(err, os.ErrExist) { // another process won the race
		return LoadOrCreateKey(path)
	}
	return k, err
}

// WriteKey writes k to a new file at path, mode 0600, on the disk before
// it returns; an existing file is not touched (an error wrapping
// os.ErrExist).
func WriteKey(path string, k []byte) error {
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if err != nil {
		return err
	}
	if _, err := f.Write(k); err != nil {
		f.Close()
		os.Remove(path)
		return err
	}
	if err := f.Sync(); err != nil {
		f.Close()
		os.Remove(path)
		return err
	}
	return f.Close()
}
