package handlers

// PLACEHOLDER: replaced by the real handlers; delete this file when they exist.

import "github.com/labstack/echo/v4"

func (h *handler) apiIntegrationTest(c echo.Context) error { return echo.ErrNotImplemented }
func (h *handler) apiDeliveries(c echo.Context) error      { return echo.ErrNotImplemented }
func (h *handler) apiAudit(c echo.Context) error           { return echo.ErrNotImplemented }
func (h *handler) uiIntegrationTest(c echo.Context) error  { return echo.ErrNotImplemented }
func (h *handler) uiDeliveries(c echo.Context) error       { return echo.ErrNotImplemented }
func (h *handler) uiRedeliver(c echo.Context) error        { return echo.ErrNotImplemented }
func (h *handler) uiActivity(c echo.Context) error         { return echo.ErrNotImplemented }
func (h *handler) uiTokens(c echo.Context) error           { return echo.ErrNotImplemented }
func (h *handler) uiTokenCreate(c echo.Context) error      { return echo.ErrNotImplemented }
func (h *handler) uiTokenRevoke(c echo.Context) error      { return echo.ErrNotImplemented }
func (h *handler) uiUsers(c echo.Context) error            { return echo.ErrNotImplemented }
func (h *handler) uiUserCreate(c echo.Context) error       { return echo.ErrNotImplemented }
func (h *handler) uiUserSave(c echo.Context) error         { return echo.ErrNotImplemented }
