package handlers

// PLACEHOLDER: replaced by the real handlers; delete this file when they exist.

import "github.com/labstack/echo/v4"

func (h *handler) uiHubs(c echo.Context) error              { return echo.ErrNotImplemented }
func (h *handler) uiHubNew(c echo.Context) error            { return echo.ErrNotImplemented }
func (h *handler) uiHubCreate(c echo.Context) error         { return echo.ErrNotImplemented }
func (h *handler) uiHub(c echo.Context) error               { return echo.ErrNotImplemented }
func (h *handler) uiHubEdit(c echo.Context) error           { return echo.ErrNotImplemented }
func (h *handler) uiHubSave(c echo.Context) error           { return echo.ErrNotImplemented }
func (h *handler) uiHubPause(c echo.Context) error          { return echo.ErrNotImplemented }
func (h *handler) uiHubResume(c echo.Context) error         { return echo.ErrNotImplemented }
func (h *handler) uiHubDeleteConfirm(c echo.Context) error  { return echo.ErrNotImplemented }
func (h *handler) uiHubDelete(c echo.Context) error         { return echo.ErrNotImplemented }
func (h *handler) uiIntegrationPause(c echo.Context) error  { return echo.ErrNotImplemented }
func (h *handler) uiIntegrationResume(c echo.Context) error { return echo.ErrNotImplemented }
func (h *handler) uiIntegrationDelete(c echo.Context) error { return echo.ErrNotImplemented }
