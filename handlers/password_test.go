package handlers

import (
	"sync"
	"testing"
)

// A flood of sign-ins must not hash all at once: each hash holds 19 MiB.
func TestPasswordHashesWaitForASlot(t *testing.T) {
	hash, err := HashPassword("correct horse battery")
	if err != nil {
		t.Fatal(err)
	}
	argonPeak.Store(0)
	var wg sync.WaitGroup
	for range 6 * cap(argonSlots) {
		wg.Go(func() {
			if VerifyPassword(hash, "wrong horse battery") {
				t.Error("a wrong password verified")
			}
		})
	}
	wg.Wait()
	if peak := argonPeak.Load(); peak > int32(cap(argonSlots)) || peak < 1 {
		t.Errorf("%d hashes ran at once, want at most %d", peak, cap(argonSlots))
	}
	if !VerifyPassword(hash, "correct horse battery") {
		t.Error("the right password did not verify")
	}
}
