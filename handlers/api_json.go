package handlers

import (
	"encoding/json"
	"time"

	"hubadmin/channels"
	"hubadmin/db"
)

// integrationJSON is an integration as the API shows it, in the seed's key
// order; created/modified are Hubster's own names.
type integrationJSON struct {
	IntegrationID     string          `json:"integrationId"`
	HubID             string          `json:"hubId"`
	InboundID         string          `json:"inboundId,omitempty"`
	IntegrationTypeID string          `json:"integrationTypeId"`
	ChannelID         string          `json:"channelId"`
	Name              string          `json:"name"`
	StatusID          int             `json:"statusId"`
	Configuration     json.RawMessage `json:"configuration"`
	Created           string          `json:"created"`
	Modified          string          `json:"modified"`
}

func apiTime(t time.Time) string { return t.UTC().Format(time.RFC3339) }

// integrationView renders an integration; mask hides secrets (read tokens).
func integrationView(in db.Integration, mask bool) integrationJSON {
	cfg := json.RawMessage(`{}`)
	if ch, ok := channels.ByID(in.ChannelID); ok {
		cfg = ch.RenderStored(in.Config, in.Secrets, mask)
	}
	return integrationJSON{
		IntegrationID: in.ID, HubID: in.HubID, InboundID: in.InboundID, IntegrationTypeID: in.IntegrationType,
		ChannelID: in.ChannelID, Name: in.Name, StatusID: in.StatusID, Configuration: cfg,
		Created: apiTime(in.Created), Modified: apiTime(in.Modified),
	}
}

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
