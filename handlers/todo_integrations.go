package handlers

// PLACEHOLDER: replaced by the real handlers; delete this file when they exist.

import "github.com/labstack/echo/v4"

func (h *handler) uiChannelPicker(c echo.Context) error         { return echo.ErrNotImplemented }
func (h *handler) uiIntegrationNew(c echo.Context) error        { return echo.ErrNotImplemented }
func (h *handler) uiIntegrationCreate(c echo.Context) error     { return echo.ErrNotImplemented }
func (h *handler) uiSlackConnect(c echo.Context) error          { return echo.ErrNotImplemented }
func (h *handler) uiSlackCallback(c echo.Context) error         { return echo.ErrNotImplemented }
func (h *handler) uiIntegration(c echo.Context) error           { return echo.ErrNotImplemented }
func (h *handler) uiIntegrationEdit(c echo.Context) error       { return echo.ErrNotImplemented }
func (h *handler) uiIntegrationSave(c echo.Context) error       { return echo.ErrNotImplemented }
func (h *handler) uiIntegrationRegenerate(c echo.Context) error { return echo.ErrNotImplemented }
