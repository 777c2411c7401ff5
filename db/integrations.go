package db

import (
	"bytes"
	"context"
	"database/sql"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/google/uuid"
)

// Integration statuses, Hubster's numbers.
const (
	IntegrationActive = 3000
	IntegrationPaused = 3002
)

// Integration is a hub's connection to a channel. Config holds the public
// configuration values as JSON; Secrets the secret ones, which are stored
// encrypted and bound to the row.
type Integration struct {
	ID              string
	HubID           string
	TenantID        string
	ChannelID       string
	IntegrationType string
	Name            string
	StatusID        int
	InboundID       string
	// AttachKey names the outside resource (a Twilio number, a Facebook
	// page) that may be attached to one integration only; empty for none.
	AttachKey string
	Config    json.RawMessage
	Secrets   map[string]string
	// SecretsJSON is set instead of Secrets by a list read with
	// IntegrationFilter.SecretsJSON: the opened secrets as the JSON object
	// they were sealed as ({"name":"value",...}), for lists that only
	// write them out (channels.AppendStoredJSON).
	SecretsJSON json.RawMessage
	Created     time.Time
	Modified    time.Time
}

// integrationRow reads an integration as one value: a JSON array of its
// fields (integrationFields), a newline, then its configuration as stored.
// Migration 0006's list index holds this very expression, so a hub's page
// is read from that index alone at one value per row; fourteen columns per
// row through database/sql cost four times as much. SQLite matches the
// expression, not its spacing: TestQueryPlans fails if the two drift.
const integrationRow = `json_array(id, hub_id, tenant_id, channel_id, integration_type, name, status_id, inbound_id, attach_key,
	key_id, created, modified, hex(secrets)) || char(10) || config`

// integrationFields are the JSON array's members, in order.
const (
	fID = iota
	fHub
	fTenant
	fChannel
	fType
	fName
	fStatus
	fInbound
	fAttach
	fKey
	fCreated
	fModified
	fSecrets
	integrationFields
)

// rowScratch is memory readIntegration reuses from one row to the next:
// the sealed secrets (opened in place) and their additional data.
type rowScratch struct{ sealed, aad []byte }

// rowRead is what readIntegration makes of a row's secrets.
type rowRead int

const (
	readWhole       rowRead = iota // opened and decoded into Secrets
	readSummary                    // left sealed, and the configuration left out
	readSecretsJSON                // opened, left as JSON in SecretsJSON
)

// readIntegration reads a value of integrationRow. s may be nil.
func (d *DB) readIntegration(v string, how rowRead, s *rowScratch) (Integration, error) {
	f, cfg, ok := splitRow(v)
	if !ok {
		return Integration{}, fmt.Errorf("store: unable to read integration row %.60q", v)
	}
	status, err := strconv.Atoi(f[fStatus])
	if err != nil {
		return Integration{}, fmt.Errorf("store: unable to read the status of integration %s: %w", f[fID], err)
	}
	in := Integration{ID: f[fID], HubID: f[fHub], TenantID: f[fTenant], ChannelID: f[fChannel], IntegrationType: f[fType],
		Name: f[fName], StatusID: status, InboundID: f[fInbound], AttachKey: f[fAttach],
		Created: parseTime(f[fCreated]), Modified: parseTime(f[fModified])}
	if how == readSummary {
		in.Config = json.RawMessage(`{}`)
		return in, nil
	}
	in.Config = json.RawMessage(cfg)
	if f[fSecrets] != "" {
		if s == nil {
			s = new(rowScratch)
		}
		hexSealed := f[fSecrets]
		s.sealed = slices.Grow(s.sealed[:0], hex.DecodedLen(len(hexSealed)))[:hex.DecodedLen(len(hexSealed))]
		if _, err := hex.Decode(s.sealed, []byte(hexSealed)); err != nil {
			return in, &UnreadableSecretsError{ID: in.ID, Err: err}
		}
		if d.seal == nil {
			return Integration{}, errors.New("store: no secret key to open integration secrets")
		}
		s.aad = appendIntegrationAAD(s.aad[:0], in.ID)
		plain, err := d.seal.Open(f[fKey], s.sealed, s.aad)
		if err != nil {
			return in, &UnreadableSecretsError{ID: in.ID, Err: err}
		}
		if how == readSecretsJSON {
			in.SecretsJSON = bytes.Clone(plain) // plain is in s, reused by the next row
		} else if in.Secrets, err = decodeSecrets(plain); err != nil {
			return in, &UnreadableSecretsError{ID: in.ID, Err: err}
		}
	}
	return in, nil
}

// UnreadableSecretsError: an integration's stored secrets do not open with
// the key at hand (the stored value is damaged, or another key sealed it).
// The Integration returned beside it is whole but for its secrets, so it
// can still be deleted: nothing else can be done with it.
type UnreadableSecretsError struct {
	ID  string
	Err error
}

func (e *UnreadableSecretsError) Error() string {
	return fmt.Sprintf("store: the secrets of integration %s cannot be opened: %v", e.ID, e.Err)
}

func (e *UnreadableSecretsError) Unwrap() error { return e.Err }

// splitRow splits a value of integrationRow into its fields (null is "")
// and the configuration. SQLite writes the array, so its strings are
// escaped as JSON requires and it holds no raw newline; a string without
// a backslash is used as it is, any other goes through encoding/json.
func splitRow(v string) (f [integrationFields]string, cfg string, ok bool) {
	nl := strings.IndexByte(v, '\n')
	if nl < 2 || v[0] != '[' || v[nl-1] != ']' {
		return f, "", false
	}
	head, cfg := v[1:nl-1], v[nl+1:]
	i := 0
	for n := range integrationFields {
		if n > 0 {
			if i >= len(head) || head[i] != ',' {
				return f, "", false
			}
			i++
		}
		switch {
		case strings.HasPrefix(head[i:], "null"):
			i += 4
		case i < len(head) && head[i] == '"':
			// The closing quote is the first one not escaped; a string
			// with no backslash before its first quote has none.
			j := strings.IndexByte(head[i+1:], '"') + i + 1
			if j == i {
				return f, "", false
			}
			if strings.IndexByte(head[i+1:j], '\\') < 0 {
				f[n] = head[i+1 : j]
			} else {
				for j = i + 1; j < len(head) && head[j] != '"'; j++ {
					if head[j] == '\\' {
						j++ // the escaped character, which may be a quote
					}
				}
				if j >= len(head) {
					return f, "", false
				}
				// Into a string of its own: a pointer into f would move
				// every row's array to the heap.
				var s string
				if err := json.Unmarshal([]byte(head[i:j+1]), &s); err != nil {
					return f, "", false
				}
				f[n] = s
			}
			i = j + 1
		default: // an integer
			j := i
			for j < len(head) && (head[j] == '-' || head[j] >= '0' && head[j] <= '9') {
				j++
			}
			if j == i {
				return f, "", false
			}
			f[n] = head[i:j]
			i = j
		}
	}
	return f, cfg, i == len(head)
}

// decodeSecrets reads the sealed secrets, a JSON object of strings as
// json.Marshal wrote it. Every row of a list with secrets comes through
// here, so the usual shape (no escapes, valid UTF-8) is read directly and
// anything else goes to encoding/json.
func decodeSecrets(b []byte) (map[string]string, error) {
	if m, ok := flatStrings(string(b)); ok {
		return m, nil
	}
	var m map[string]string
	err := json.Unmarshal(b, &m)
	return m, err
}

// flatStrings reads {"k":"v",...} whose strings hold no escape, no control
// character and only valid UTF-8; ok is false for anything else. Keys and
// values are slices of b, one copy for all of them.
func flatStrings(b string) (map[string]string, bool) {
	str := func(i int) (string, int, bool) {
		if i >= len(b) || b[i] != '"' {
			return "", 0, false
		}
		for j := i + 1; j < len(b); j++ {
			switch c := b[j]; {
			case c == '"':
				s := b[i+1 : j]
				return s, j + 1, utf8.ValidString(s)
			case c < 0x20 || c == '\\':
				return "", 0, false
			}
		}
		return "", 0, false
	}
	if len(b) < 2 || b[0] != '{' {
		return nil, false
	}
	m := make(map[string]string, 4)
	i := 1
	if b[i] == '}' {
		return m, i+1 == len(b)
	}
	for {
		k, next, ok := str(i)
		if !ok || next >= len(b) || b[next] != ':' {
			return nil, false
		}
		v, next, ok := str(next + 1)
		if !ok || next >= len(b) {
			return nil, false
		}
		m[k] = v
		switch b[next] {
		case ',':
			i = next + 1
		case '}':
			return m, next+1 == len(b)
		default:
			return nil, false
		}
	}
}

func integrationAAD(id string) []byte { return appendIntegrationAAD(nil, id) }

func appendIntegrationAAD(b []byte, id string) []byte {
	return append(append(b, "integration:"...), id...)
}

func (d *DB) sealSecrets(id string, secrets map[string]string) (keyID any, sealed any, err error) {
	if len(secrets) == 0 {
		return nil, nil, nil
	}
	if d.seal == nil {
		return nil, nil, errors.New("store: no secret key to seal integration secrets")
	}
	plain, err := json.Marshal(secrets)
	if err != nil {
		return nil, nil, err
	}
	k, c, err := d.seal.Seal(plain, integrationAAD(id))
	return k, c, err
}

func nullable(s string) any {
	if s == "" {
		return nil
	}
	return s
}

// checkUnique enforces, inside the write transaction, the two unique rules
// with an answer that names the culprit. The write connection serialises
// writers, so the check and the write cannot interleave with another's.
func checkUnique(ctx context.Context, tx *Tx, in Integration) error {
	var other string
	err := tx.QueryRowContext(ctx, `SELECT id FROM integrations WHERE hub_id = ? AND name_key = ? AND id <> ?`,
		in.HubID, nameKey(in.Name), in.ID).Scan(&other)
	if err == nil {
		return &ConflictError{What: "name"}
	}
	if !errors.Is(err, sql.ErrNoRows) {
		return fmt.Errorf("store: unable to check name: %w", err)
	}
	return checkAttach(ctx, tx, in)
}

// checkAttach refuses an outside resource attached to another integration,
// naming the holder.
func checkAttach(ctx context.Context, tx *Tx, in Integration) error {
	if in.AttachKey == "" {
		return nil
	}
	var tenant string
	ce := &ConflictError{What: "channel"}
	err := tx.QueryRowContext(ctx, `SELECT i.name, i.id, COALESCE(h.name, ''), i.tenant_id
		FROM integrations i LEFT JOIN hubs h ON h.id = i.hub_id WHERE i.attach_key = ? AND i.id <> ?`,
		in.AttachKey, in.ID).Scan(&ce.Holder, &ce.HolderID, &ce.HolderHub, &tenant)
	if err == nil {
		if tenant != in.TenantID {
			ce = &ConflictError{What: "channel"} // another tenant's names and ids are not told
		}
		return ce
	}
	if !errors.Is(err, sql.ErrNoRows) {
		return fmt.Errorf("store: unable to check channel: %w", err)
	}
	return nil
}

func (d *DB) CreateIntegration(ctx context.Context, in Integration, audit Audit) (Integration, error) {
	id, err := uuid.NewV7()
	if err != nil {
		return Integration{}, err
	}
	// Version 7: ids in creation order, so new rows go to the end of the
	// primary key's index rather than to a random page of it.
	in.ID = id.String()
	in.Name = strings.TrimSpace(in.Name)
	in.Created = now()
	in.Modified = in.Created
	keyID, sealed, err := d.sealSecrets(in.ID, in.Secrets)
	if err != nil {
		return Integration{}, err
	}
	err = d.tx(ctx, func(ctx context.Context, tx *Tx) error {
		// A taken name is caught by the insert's UNIQUE (hub_id, name_key);
		// the attachment is checked first to name its holder.
		if err := checkAttach(ctx, tx, in); err != nil {
			return err
		}
		_, err := tx.ExecContext(ctx, `INSERT INTO integrations (id, hub_id, tenant_id, channel_id, integration_type, name, name_key,
			status_id, inbound_id, attach_key, config, secrets, key_id, created, modified)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
			in.ID, in.HubID, in.TenantID, in.ChannelID, in.IntegrationType, in.Name, nameKey(in.Name),
			in.StatusID, nullable(in.InboundID), nullable(in.AttachKey), string(in.Config), sealed, keyID,
			fmtTime(in.Created), fmtTime(in.Modified))
		if isUnique(err) {
			return &ConflictError{What: "name"}
		}
		if isForeignKey(err) {
			return ErrNotFound // the hub was deleted meanwhile
		}
		if err != nil {
			return fmt.Errorf("store: unable to create integration: %w", err)
		}
		return audit.write(ctx, tx, in.TenantID, "integration", in.ID, in.Name)
	})
	if err != nil {
		return Integration{}, err
	}
	return in, nil
}

// UpdateIntegration replaces an integration's name, status, configuration
// and secrets. in.Modified must be the modified time as read: if the row
// changed since, nothing is written and the error is ErrStale.
func (d *DB) UpdateIntegration(ctx context.Context, in Integration, audit Audit) (Integration, error) {
	in.Name = strings.TrimSpace(in.Name)
	read := in.Modified
	keyID, sealed, err := d.sealSecrets(in.ID, in.Secrets)
	if err != nil {
		return Integration{}, err
	}
	err = d.tx(ctx, func(ctx context.Context, tx *Tx) error {
		var err error
		if in.Modified, err = checkVersion(ctx, tx, `SELECT modified FROM integrations WHERE id = ?`, in.ID, read); err != nil {
			return err
		}
		if err := checkUnique(ctx, tx, in); err != nil {
			return err
		}
		res, err := tx.ExecContext(ctx, `UPDATE integrations SET name = ?, name_key = ?, status_id = ?, integration_type = ?,
			inbound_id = ?, attach_key = ?, config = ?, secrets = ?, key_id = ?, modified = ?
			WHERE id = ?`,
			in.Name, nameKey(in.Name), in.StatusID, in.IntegrationType, nullable(in.InboundID), nullable(in.AttachKey),
			string(in.Config), sealed, keyID, fmtTime(in.Modified), in.ID)
		if isUnique(err) {
			return &ConflictError{What: "name"}
		}
		if err != nil {
			return fmt.Errorf("store: unable to update integration: %w", err)
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return ErrNotFound
		}
		return audit.write(ctx, tx, in.TenantID, "integration", in.ID, in.Name)
	})
	if err != nil {
		return Integration{}, err
	}
	return in, nil
}

// DeleteIntegration deletes an integration and its delivery log.
func (d *DB) DeleteIntegration(ctx context.Context, in Integration, audit Audit) error {
	return d.tx(ctx, func(ctx context.Context, tx *Tx) error {
		res, err := tx.ExecContext(ctx, `DELETE FROM integrations WHERE id = ?`, in.ID)
		if err != nil {
			return fmt.Errorf("store: unable to delete integration: %w", err)
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return ErrNotFound
		}
		return audit.write(ctx, tx, in.TenantID, "integration", in.ID, in.Name)
	})
}

// Integration fetches one integration by id, whatever its tenant.
func (d *DB) Integration(ctx context.Context, id string) (Integration, error) {
	var v string
	err := d.lookup(ctx, `SELECT `+integrationRow+` FROM integrations WHERE id = ?`, id).Scan(&v)
	if errors.Is(err, sql.ErrNoRows) {
		return Integration{}, ErrNotFound
	}
	if err != nil {
		return Integration{}, fmt.Errorf("store: unable to fetch integration: %w", err)
	}
	return d.readIntegration(v, readWhole, nil)
}

// IntegrationFilter selects a page of integrations. TenantID is required;
// the other fields narrow.
type IntegrationFilter struct {
	TenantID  string
	HubID     string
	ChannelID string
	StatusID  int
	Query     string // name contains, any case
	Page      int
	Size      int // 0 = all (used by list-by-channel)
	// Summary leaves out the configuration, secrets, inbound id and
	// attachment (the secrets then need no decryption): lists that show
	// names, channels and statuses only.
	Summary bool
	// SecretsJSON leaves each row's secrets, opened, as JSON in
	// Integration.SecretsJSON rather than decoded into Secrets.
	SecretsJSON bool
}

// rowRead is how the filter's rows are read.
func (f IntegrationFilter) rowRead() rowRead {
	switch {
	case f.Summary:
		return readSummary
	case f.SecretsJSON:
		return readSecretsJSON
	}
	return readWhole
}

func (f IntegrationFilter) where() (string, []any) {
	var w []string
	var args []any
	if f.HubID != "" {
		w = append(w, `hub_id = ?`)
		args = append(args, f.HubID)
	}
	// Tenant last: with a hub, the hub index does the work.
	w = append(w, `tenant_id = ?`)
	args = append(args, f.TenantID)
	if f.ChannelID != "" {
		w = append(w, `channel_id = ?`)
		args = append(args, f.ChannelID)
	}
	if f.StatusID != 0 {
		w = append(w, `status_id = ?`)
		args = append(args, f.StatusID)
	}
	if q := strings.TrimSpace(f.Query); q != "" {
		w = append(w, `name_key LIKE ? ESCAPE '\'`)
		args = append(args, "%"+likeEscape(nameKey(q))+"%")
	}
	return strings.Join(w, " AND "), args
}

// wholeHub is true when the filter selects all of a hub's integrations.
func (f IntegrationFilter) wholeHub() bool {
	return f.HubID != "" && f.ChannelID == "" && f.StatusID == 0 && strings.TrimSpace(f.Query) == ""
}

// boundedPage is how deep into a hub's list a page may start and still be
// read as a lookup is (DB.lookup: without the request's cancellation). A
// page of a whole hub steps through the list index's entries up to its
// own end and no further, whatever the data's size: 10,000 entries took
// 6 ms here (pages in the operating system's cache). With the two watcher
// goroutines a cancellable query starts, a page spent twice as long in its
// handler under load (p50 3.5 ms against 1.9 ms in A/B runs). Deeper
// pages, filters and searches keep ctx.
const boundedPage = 10000

// bounded reports whether the filter's page reads a bounded number of
// index entries (see boundedPage).
func (f IntegrationFilter) bounded() bool {
	return f.wholeHub() && f.Size > 0 && (f.Page+1)*f.Size <= boundedPage
}

// keptTotal is a hub's integration count as the triggers keep it
// (migration 0004), of the tenant's integrations only; no row means none.
const keptTotal = `COALESCE((SELECT n FROM hub_integration_counts WHERE hub_id = ? AND tenant_id = ?), 0)`

// countSQL is the query counting the integrations a filtered or searched
// list matches (a whole hub's page reads keptTotal instead, see listSQL).
func (f IntegrationFilter) countSQL() (string, []any) {
	where, args := f.where()
	return `SELECT COUNT(*) FROM integrations WHERE ` + where, args
}

// listSQL is the query of the filter's page (every match when Size is 0).
// With withTotal (a whole hub's page), the kept total comes first, as a
// value of its own: the page and its total are read in one statement, from
// one snapshot.
//
// A page (Size > 0, at most 100 rows) comes back as one row: its values
// joined by pageSeparator. Each row through database/sql and the driver
// costs more than SQLite's work to join them: BenchmarkIntegrationsPage
// took 24 % less time, an API request for a hub's page of 50 on the load
// benchmark's 100k data set 14 % less. Every match (Size 0) is read a row
// at a time, as their number has no bound.
func (f IntegrationFilter) listSQL() (q string, args []any, withTotal bool) {
	where, args := f.where()
	q = `SELECT ` + integrationRow + ` AS v FROM integrations WHERE ` + where + ` ORDER BY created, id`
	if f.Size > 0 {
		q += ` LIMIT ? OFFSET ?`
		args = append(args, f.Size, f.Page*f.Size)
	}
	if withTotal = f.wholeHub(); withTotal {
		q = `SELECT ` + keptTotal + ` AS v UNION ALL SELECT * FROM (` + q + `)`
		args = append([]any{f.HubID, f.TenantID}, args...)
	}
	if f.Size > 0 {
		q = `SELECT COALESCE(group_concat(v, char(30)), '') FROM (` + q + `)`
	}
	return q, args, withTotal
}

// pageSeparator (char(30) in listSQL, the ASCII record separator) cannot
// occur in a value: integrationRow is JSON text (an array, a newline, the
// configuration json.Marshal wrote), and JSON escapes every control
// character inside a string and allows none outside one.
const pageSeparator = "\x1e"

// Integrations lists a page of integrations ordered by created then id,
// with the total matching the filter.
func (d *DB) Integrations(ctx context.Context, f IntegrationFilter) ([]Integration, int, error) {
	q, args, withTotal := f.listSQL()
	if f.bounded() { // a whole hub's page: withTotal, so no count below
		ctx = context.WithoutCancel(ctx)
	}
	out := make([]Integration, 0, min(max(f.Size, 8), 100))
	total := -1
	var v string
	dest := []any{&v} // one destination for every row, not one per row
	var scratch rowScratch
	rows, err := d.query(ctx, q, args...)
	if err != nil {
		return nil, 0, fmt.Errorf("store: unable to fetch integrations: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		if err := rows.Scan(dest...); err != nil {
			return nil, 0, fmt.Errorf("store: unable to fetch integrations: %w", err)
		}
		for v := range strings.SplitSeq(v, pageSeparator) {
			if v == "" {
				continue // an empty page
			}
			// The total is a number, a value of integrationRow an array:
			// told apart by content, not by the compound's order.
			if withTotal && total < 0 && !strings.HasPrefix(v, "[") {
				if total, err = strconv.Atoi(v); err != nil {
					return nil, 0, fmt.Errorf("store: unable to read the total of integrations %.20q: %w", v, err)
				}
				continue
			}
			in, err := d.readIntegration(v, f.rowRead(), &scratch)
			if err != nil {
				return nil, 0, err
			}
			out = append(out, in)
		}
	}
	if err := rows.Err(); err != nil {
		return nil, 0, fmt.Errorf("store: unable to fetch integrations: %w", err)
	}
	inListOrder(out)
	if withTotal {
		if total < 0 {
			return nil, 0, errors.New("store: a page of integrations came without its total")
		}
		return out, total, nil
	}
	countQ, countArgs := f.countSQL()
	if err := d.queryRow(ctx, countQ, countArgs...).Scan(&total); err != nil {
		return nil, 0, fmt.Errorf("store: unable to count integrations: %w", err)
	}
	return out, total, nil
}

// inListOrder puts a page in the order of listSQL's ORDER BY (created,
// then id) if it is not. group_concat joins values in the order its rows
// come, and the SQLite embedded here feeds it the page's rows in that
// order, one at a time (EXPLAIN QUERY PLAN: a co-routine); SQLite does not
// promise it, so it is checked, at 50 comparisons a page.
func inListOrder(page []Integration) {
	byCreated := func(a, b Integration) int {
		if c := a.Created.Compare(b.Created); c != 0 {
			return c
		}
		return strings.Compare(a.ID, b.ID)
	}
	if !slices.IsSortedFunc(page, byCreated) {
		slices.SortStableFunc(page, byCreated)
	}
}

// HasIntegration reports whether an integration exists (without opening
// its secrets; used by backup checks).
func (d *DB) HasIntegration(ctx context.Context, id string) bool {
	var one int
	return d.lookup(ctx, `SELECT 1 FROM integrations WHERE id = ?`, id).Scan(&one) == nil
}

// IntegrationNameTaken reports whether another integration of the hub
// (not selfID) has the name, in any case.
func (d *DB) IntegrationNameTaken(ctx context.Context, hubID, selfID, name string) (bool, error) {
	return d.exists(ctx, `SELECT 1 FROM integrations WHERE hub_id = ? AND name_key = ? AND id <> ?`, hubID, nameKey(name), selfID)
}

// IntegrationNamed returns the id and the name as stored of the hub's
// integration with the name, in any case; "" when there is none.
func (d *DB) IntegrationNamed(ctx context.Context, hubID, name string) (id, stored string, err error) {
	err = d.lookup(ctx, `SELECT id, name FROM integrations WHERE hub_id = ? AND name_key = ?`, hubID, nameKey(name)).Scan(&id, &stored)
	if errors.Is(err, sql.ErrNoRows) {
		return "", "", nil
	}
	if err != nil {
		return "", "", fmt.Errorf("store: unable to find integration %q: %w", name, err)
	}
	return id, stored, nil
}

// exists reports whether the lookup q (a SELECT 1 …) finds a row.
func (d *DB) exists(ctx context.Context, q string, args ...any) (bool, error) {
	var one int
	err := d.lookup(ctx, q, args...).Scan(&one)
	if errors.Is(err, sql.ErrNoRows) {
		return false, nil
	}
	if err != nil {
		return false, fmt.Errorf("store: unable to check: %w", err)
	}
	return true, nil
}

// resealAudit writes a rotation into every tenant's activity: each
// tenant's secrets were sealed again and its users signed out. A run that
// finishes a rotation cut short after its transaction adds nothing.
func resealAudit(ctx context.Context, tx *Tx, actor, keyID string) error {
	var done bool
	if err := tx.conn.QueryRowContext(ctx, `SELECT EXISTS (SELECT 1 FROM audit_log
		WHERE action = 'secrets.rotate' AND object_id = ?)`, keyID).Scan(&done); err != nil || done {
		return err
	}
	rows, err := tx.conn.QueryContext(ctx, `SELECT t.id, (SELECT COUNT(*) FROM integrations i
		WHERE i.tenant_id = t.id AND length(i.secrets) > 0) FROM tenants t`)
	if err != nil {
		return fmt.Errorf("store: unable to read the tenants: %w", err)
	}
	type tenantCount struct {
		id string
		n  int
	}
	var all []tenantCount
	for rows.Next() {
		var t tenantCount
		if err := rows.Scan(&t.id, &t.n); err != nil {
			rows.Close()
			return err
		}
		all = append(all, t)
	}
	if err := rows.Close(); err != nil {
		return err
	}
	for _, t := range all {
		what := "the secrets of 1 integration were"
		if t.n != 1 {
			what = fmt.Sprintf("the secrets of %d integrations were", t.n)
		}
		a := Audit{Actor: actor, Action: "secrets.rotate",
			Detail: "the server's secret key was replaced; " + what + " sealed again with the new key, and every session ended"}
		if err := a.write(ctx, tx, t.id, "key", keyID, "secret key"); err != nil {
			return err
		}
	}
	return nil
}

// UnreadableIntegration is an integration whose secrets no key at hand
// opens.
type UnreadableIntegration struct {
	ID, TenantID, HubID, Name, ChannelID string
}

// unreadableSQL selects the integrations that hold secrets, with the id
// of the key that sealed them.
const unreadableSQL = `SELECT id, tenant_id, hub_id, name, channel_id, COALESCE(key_id, '') FROM integrations
	WHERE length(secrets) > 0 ORDER BY tenant_id, hub_id, created, id`

// scanUnreadable reads unreadableSQL's rows, keeping those whose key
// known does not name.
func scanUnreadable(rows *sql.Rows, known func(keyID string) bool) ([]UnreadableIntegration, error) {
	defer rows.Close()
	var out []UnreadableIntegration
	for rows.Next() {
		var u UnreadableIntegration
		var keyID string
		if err := rows.Scan(&u.ID, &u.TenantID, &u.HubID, &u.Name, &u.ChannelID, &keyID); err != nil {
			return nil, err
		}
		if !known(keyID) {
			out = append(out, u)
		}
	}
	return out, rows.Err()
}

// UnreadableIntegrations lists the integrations whose secrets were sealed
// with a key that known does not name.
func (d *DB) UnreadableIntegrations(ctx context.Context, known func(keyID string) bool) ([]UnreadableIntegration, error) {
	rows, err := d.query(ctx, unreadableSQL)
	if err != nil {
		return nil, fmt.Errorf("store: unable to find integrations with secrets: %w", err)
	}
	return scanUnreadable(rows, known)
}

// DeleteUnreadableIntegrations deletes the integrations whose secrets were
// sealed with a key that known does not name (every one with secrets when
// the key file is lost), with an audit entry each, in one transaction.
// It is the way out of a lost key: their credentials cannot be read by
// anyone any more, so they are removed and made again, and everything
// else (hubs, other integrations, users, tokens) is kept. Used by the
// "secrets forget" command; the database is opened without a sealer.
func (d *DB) DeleteUnreadableIntegrations(ctx context.Context, known func(keyID string) bool, audit Audit) ([]UnreadableIntegration, error) {
	var gone []UnreadableIntegration
	err := d.tx(ctx, func(ctx context.Context, tx *Tx) error {
		rows, err := tx.conn.QueryContext(ctx, unreadableSQL)
		if err != nil {
			return fmt.Errorf("store: unable to find integrations with secrets: %w", err)
		}
		if gone, err = scanUnreadable(rows, known); err != nil {
			return err
		}
		for _, u := range gone {
			if _, err := tx.ExecContext(ctx, `DELETE FROM integrations WHERE id = ?`, u.ID); err != nil {
				return fmt.Errorf("store: unable to delete integration %s: %w", u.ID, err)
			}
			if err := audit.write(ctx, tx, u.TenantID, "integration", u.ID, u.Name); err != nil {
				return err
			}
		}
		return nil
	})
	return gone, err
}

// Reseal seals again, with the sealer's current key, the secrets of every
// integration sealed with another key, in one transaction, and ends every
// session (their cookies were signed with the key being replaced); it
// returns how many integrations it sealed again. A secret that no key of
// the sealer opens fails it, and nothing is changed. Used by "secrets
// rotate", the server stopped; the values, and modified, stay as they were.
func (d *DB) Reseal(ctx context.Context, actor string) (int, error) {
	if d.seal == nil {
		return 0, errors.New("store: no secret key to seal with")
	}
	cur := d.seal.CurrentID()
	n := 0
	err := d.tx(ctx, func(ctx context.Context, tx *Tx) error {
		type sealedRow struct {
			id, keyID string
			secrets   []byte
		}
		var todo []sealedRow
		rows, err := tx.conn.QueryContext(ctx, `SELECT id, key_id, secrets FROM integrations
			WHERE length(secrets) > 0 AND key_id IS NOT ?`, cur)
		if err != nil {
			return fmt.Errorf("store: unable to read the sealed secrets: %w", err)
		}
		for rows.Next() {
			var r sealedRow
			var keyID sql.NullString
			if err := rows.Scan(&r.id, &keyID, &r.secrets); err != nil {
				rows.Close()
				return err
			}
			r.keyID = keyID.String
			todo = append(todo, r)
		}
		if err := rows.Close(); err != nil {
			return err
		}
		if err := rows.Err(); err != nil {
			return err
		}
		for _, r := range todo {
			aad := integrationAAD(r.id)
			plain, err := d.seal.Open(r.keyID, r.secrets, aad)
			if err != nil {
				return &UnreadableSecretsError{ID: r.id, Err: err}
			}
			k, c, err := d.seal.Seal(plain, aad)
			if err != nil {
				return err
			}
			if _, err := tx.ExecContext(ctx, `UPDATE integrations SET secrets = ?, key_id = ? WHERE id = ?`, c, k, r.id); err != nil {
				return fmt.Errorf("store: unable to seal integration %s again: %w", r.id, err)
			}
		}
		n = len(todo)
		if _, err := tx.ExecContext(ctx, `DELETE FROM sessions`); err != nil {
			return fmt.Errorf("store: unable to end the sessions: %w", err)
		}
		return resealAudit(ctx, tx, actor, cur)
	})
	if err != nil {
		return 0, err
	}
	return n, nil
}
