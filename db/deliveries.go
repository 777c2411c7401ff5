package db

import (
	"context"
	"database/sql"
	"fmt"
	"strings"
	"time"

	"github.com/google/uuid"
)

// Delivery is one attempt to post an activity to a webhook.
type Delivery struct {
	ID              string
	IntegrationID   string
	MessageID       string // webhook-id, the same across retries
	Event           string
	Attempt         int
	URL             string
	StatusCode      int
	Latency         time.Duration
	Success         bool
	Error           string
	ResponseExcerpt string
	Body            string
	Created         time.Time
	// Latest is the latest attempt of the same message (this one when it
	// is the latest); set by Deliveries only.
	Latest *AttemptRef
}

// AttemptRef names one attempt of a message.
type AttemptRef struct {
	ID      string
	Attempt int
	Success bool
}

// MaxDeliveries is how many attempts an integration's delivery log keeps:
// its newest, in the order the log lists them (25 pages of the dashboard's
// 20, 5 of the API's largest page). Every attempt is a row, test events
// and redeliveries too, so without a bound one write token at the rate
// limit could grow the database by gigabytes a day.
const MaxDeliveries = 500

// trimBatch bounds the attempts one recorded attempt deletes. Once a log
// is full, each new attempt pushes out one (migration 0010 cut the logs
// written before to MaxDeliveries); a larger backlog, were MaxDeliveries
// ever lowered, shrinks by this many per attempt instead of in one long
// write.
const trimBatch = 16

// trimDeliveriesSQL deletes an integration's attempts beyond its newest
// MaxDeliveries, at most trimBatch of them. deliveries_integration is the
// list's order, so the cut is a walk of MaxDeliveries index entries.
const trimDeliveriesSQL = `DELETE FROM deliveries WHERE id IN (SELECT id FROM deliveries
	WHERE integration_id = ? ORDER BY created DESC, id DESC LIMIT ? OFFSET ?)`

// RecordDelivery stores an attempt and drops the integration's attempts
// beyond its newest MaxDeliveries; ErrNotFound if its integration is gone.
func (d *DB) RecordDelivery(ctx context.Context, dl Delivery) (Delivery, error) {
	dl.ID = uuid.NewString()
	if dl.Created.IsZero() {
		dl.Created = now()
	}
	err := d.tx(ctx, func(ctx context.Context, tx *Tx) error {
		_, err := tx.ExecContext(ctx, `INSERT INTO deliveries (id, integration_id, message_id, event, attempt, url, status_code,
			latency_ms, success, error, response_excerpt, body, created) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
			dl.ID, dl.IntegrationID, dl.MessageID, dl.Event, dl.Attempt, dl.URL, dl.StatusCode, dl.Latency.Milliseconds(),
			dl.Success, dl.Error, dl.ResponseExcerpt, dl.Body, fmtTime(dl.Created))
		if err != nil {
			return err
		}
		_, err = tx.ExecContext(ctx, trimDeliveriesSQL, dl.IntegrationID, trimBatch, MaxDeliveries)
		return err
	})
	if isForeignKey(err) {
		return Delivery{}, ErrNotFound // the integration was deleted during the attempt
	}
	if err != nil {
		return Delivery{}, fmt.Errorf("store: unable to record delivery: %w", err)
	}
	return dl, nil
}

const deliveryColumns = `id, integration_id, message_id, event, attempt, url, status_code, latency_ms, success, error, response_excerpt, body, created`

// deliveryListColumns are deliveryColumns of the list's "d".
var deliveryListColumns = "d." + strings.ReplaceAll(deliveryColumns, ", ", ", d.")

// deliveryListSQL is a page of an integration's attempts, newest first,
// each with its message's latest attempt (deliveries_message finds it).
var deliveryListSQL = `SELECT ` + deliveryListColumns + `, l.id, l.attempt, l.success FROM deliveries d
	JOIN deliveries l ON l.id = (SELECT x.id FROM deliveries x WHERE x.integration_id = d.integration_id
		AND x.message_id = d.message_id ORDER BY x.attempt DESC LIMIT 1)
	WHERE d.integration_id = ? ORDER BY d.created DESC, d.id DESC LIMIT ? OFFSET ?`

// scanDelivery reads a row of deliveryColumns, then any further columns
// into extra.
func scanDelivery(row interface{ Scan(...any) error }, extra ...any) (Delivery, error) {
	var dl Delivery
	var ms int64
	var created string
	err := row.Scan(append([]any{&dl.ID, &dl.IntegrationID, &dl.MessageID, &dl.Event, &dl.Attempt, &dl.URL, &dl.StatusCode, &ms,
		&dl.Success, &dl.Error, &dl.ResponseExcerpt, &dl.Body, &created}, extra...)...)
	if err == sql.ErrNoRows {
		return Delivery{}, ErrNotFound
	}
	if err != nil {
		return Delivery{}, fmt.Errorf("store: unable to fetch delivery: %w", err)
	}
	dl.Latency = time.Duration(ms) * time.Millisecond
	dl.Created = parseTime(created)
	return dl, nil
}

// Delivery fetches one attempt.
func (d *DB) Delivery(ctx context.Context, id string) (Delivery, error) {
	return scanDelivery(d.lookup(ctx, `SELECT `+deliveryColumns+` FROM deliveries WHERE id = ?`, id))
}

// lastAttemptSQL is the highest attempt number of a message's deliveries.
const lastAttemptSQL = `SELECT COALESCE(MAX(attempt), 0) FROM deliveries WHERE integration_id = ? AND message_id = ?`

// NextAttempt is the number of a message's next attempt: one after the
// highest recorded, however far back in the log.
func (d *DB) NextAttempt(ctx context.Context, integrationID, messageID string) (int, error) {
	var last int
	if err := d.queryRow(ctx, lastAttemptSQL, integrationID, messageID).Scan(&last); err != nil {
		return 0, fmt.Errorf("store: unable to number the attempt: %w", err)
	}
	return last + 1, nil
}

// Deliveries lists an integration's attempts, newest first, with the total
// (at most MaxDeliveries: every attempt counted is one a page can show).
func (d *DB) Deliveries(ctx context.Context, integrationID string, page, size int) ([]Delivery, int, error) {
	var total int
	if err := d.queryRow(ctx, `SELECT COUNT(*) FROM deliveries WHERE integration_id = ?`, integrationID).Scan(&total); err != nil {
		return nil, 0, fmt.Errorf("store: unable to count deliveries: %w", err)
	}
	rows, err := d.query(ctx, deliveryListSQL, integrationID, size, page*size)
	if err != nil {
		return nil, 0, fmt.Errorf("store: unable to fetch deliveries: %w", err)
	}
	defer rows.Close()
	out := []Delivery{}
	for rows.Next() {
		var latest AttemptRef
		dl, err := scanDelivery(rows, &latest.ID, &latest.Attempt, &latest.Success)
		if err != nil {
			return nil, 0, err
		}
		dl.Latest = &latest
		out = append(out, dl)
	}
	return out, total, rows.Err()
}
