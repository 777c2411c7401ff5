package handlers

import (
	"net/http"
	"strconv"
	"sync"
	"time"

	"github.com/labstack/echo/v4"

	"hubadmin/channels"
	"hubadmin/db"
)

// An integration as the API shows it, in the seed's key order
// (created/modified are Hubster's own names):
//
//	{"integrationId","hubId","inboundId" (when set),"integrationTypeId",
//	 "channelId","name","statusId","configuration","created","modified"}
//
// Integrations are written by hand rather than through encoding/json: a
// list renders fifty of them, and encoding/json re-validated every stored
// configuration and reflected over every field. The bytes are those
// encoding/json writes with SetEscapeHTML(false) (TestIntegrationEncoding).

// appendIntegration appends in as the API shows it; mask hides secrets
// (read tokens).
func appendIntegration(b []byte, in db.Integration, mask bool) []byte {
	b = append(b, `{"integrationId":`...)
	b = channels.AppendJSONString(b, in.ID, false)
	b = append(b, `,"hubId":`...)
	b = channels.AppendJSONString(b, in.HubID, false)
	if in.InboundID != "" {
		b = append(b, `,"inboundId":`...)
		b = channels.AppendJSONString(b, in.InboundID, false)
	}
	b = append(b, `,"integrationTypeId":`...)
	b = channels.AppendJSONString(b, in.IntegrationType, false)
	b = append(b, `,"channelId":`...)
	b = channels.AppendJSONString(b, in.ChannelID, false)
	b = append(b, `,"name":`...)
	b = channels.AppendJSONString(b, in.Name, false)
	b = append(b, `,"statusId":`...)
	b = strconv.AppendInt(b, int64(in.StatusID), 10)
	b = append(b, `,"configuration":`...)
	if ch, ok := channels.ByID(in.ChannelID); !ok {
		b = append(b, `{}`...)
	} else if in.SecretsJSON != nil {
		b = ch.AppendStoredJSON(b, in.Config, in.SecretsJSON, mask)
	} else {
		b = ch.AppendStored(b, in.Config, in.Secrets, mask)
	}
	b = append(b, `,"created":"`...)
	b = in.Created.UTC().AppendFormat(b, time.RFC3339)
	b = append(b, `","modified":"`...)
	b = in.Modified.UTC().AppendFormat(b, time.RFC3339)
	return append(b, `"}`...)
}

// appendIntegrations appends a JSON array of integrations.
func appendIntegrations(b []byte, list []db.Integration, mask bool) []byte {
	b = append(b, '[')
	for i, in := range list {
		if i > 0 {
			b = append(b, ',')
		}
		b = appendIntegration(b, in, mask)
	}
	return append(b, ']')
}

// okIntegration answers 200 with one integration.
func okIntegration(c echo.Context, in db.Integration) error {
	b := getBuf()
	defer putBuf(b)
	*b = append(appendIntegration(*b, in, !actorOf(c).Write), '\n')
	return okBytes(c.Response(), *b)
}

// okIntegrations answers 200 with an array of integrations, or with a page
// of them ({"pageNumber","pageSize","total","results"}) when pg is not nil.
func okIntegrations(c echo.Context, list []db.Integration, pg *pageInfo) error {
	b := getBuf()
	defer putBuf(b)
	out := *b
	if pg != nil {
		out = append(out, `{"pageNumber":`...)
		out = strconv.AppendInt(out, int64(pg.number), 10)
		out = append(out, `,"pageSize":`...)
		out = strconv.AppendInt(out, int64(pg.size), 10)
		out = append(out, `,"total":`...)
		out = strconv.AppendInt(out, int64(pg.total), 10)
		out = append(out, `,"results":`...)
	}
	out = appendIntegrations(out, list, !actorOf(c).Write)
	if pg != nil {
		out = append(out, '}')
	}
	*b = append(out, '\n')
	return okBytes(c.Response(), *b)
}

// pageInfo is a page envelope's numbers.
type pageInfo struct{ number, size, total int }

// Response buffers are reused: a list of fifty integrations is ~30 KB.
var bufs = sync.Pool{New: func() any { b := make([]byte, 0, 32<<10); return &b }}

func getBuf() *[]byte { return bufs.Get().(*[]byte) }

func putBuf(b *[]byte) {
	if cap(*b) > 1<<20 {
		return // a rare huge answer is not kept
	}
	*b = (*b)[:0]
	bufs.Put(b)
}

// okBytes answers 200 with a JSON body written in one piece.
func okBytes(w http.ResponseWriter, body []byte) error {
	h := w.Header()
	h.Set("Content-Type", "application/json; charset=utf-8")
	h.Set("Content-Length", strconv.Itoa(len(body)))
	w.WriteHeader(http.StatusOK)
	_, err := w.Write(body)
	return err
}

func apiTime(t time.Time) string { return t.UTC().Format(time.RFC3339) }

// hubJSON is a hub as Hubster's Portal hub API shows it.
type hubJSON struct {
	HubID                    string `json:"hubId"`
	TenantID                 string `json:"tenantId"`
	Name                     string `json:"name"`
	Description              string `json:"description"`
	CloseDormantConversation *int   `json:"closeDormantConversation"`
	StatusID                 int    `json:"statusId"`
	Created                  string `json:"created"`
	Modified                 string `json:"modified"`
}

func hubView(h db.Hub) hubJSON {
	return hubJSON{HubID: h.ID, TenantID: h.TenantID, Name: h.Name, Description: h.Description,
		CloseDormantConversation: h.CloseDormantConversation, StatusID: h.StatusID,
		Created: apiTime(h.Created), Modified: apiTime(h.Modified)}
}
