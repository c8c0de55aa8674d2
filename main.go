// Command yizhan is the station desktop app. This file only wires the Wails
// window to the desktop adapter; all behaviour lives in the packages it
// binds. It sits at the repository root because Wails builds the package next
// to wails.json and //go:embed cannot reach outside its own directory.
package main

import (
	"embed"
	"log"

	"github.com/wailsapp/wails/v2"
	"github.com/wailsapp/wails/v2/pkg/options"
	"github.com/wailsapp/wails/v2/pkg/options/assetserver"

	"yizhan/desktop"
)

// assets is the built frontend. A fresh clone holds only frontend/dist/.gitkeep,
// which is enough for go build, go vet and go test; `make app` fills it.
//
//go:embed all:frontend/dist
var assets embed.FS

func main() {
	a := desktop.New(desktop.Config{})
	logger, closeLog := a.StartLogging() // <data dir>/logs/yizhan.log, rotating

	err := wails.Run(&options.App{
		Title:            "驿站 Yizhan",
		Width:            1280,
		Height:           800,
		MinWidth:         1024,
		MinHeight:        700,
		AssetServer:      &assetserver.Options{Assets: assets},
		BackgroundColour: &options.RGBA{R: 245, G: 247, B: 250, A: 255},
		OnStartup:        a.Startup,
		OnShutdown:       a.Shutdown,
		Bind:             []any{a.API},
		ErrorFormatter:   desktop.FormatError,
		Logger:           desktop.WailsLogger(logger),
	})
	if err != nil {
		logger.Error("window", "err", err)
		closeLog()
		log.Fatal(err)
	}
	closeLog()
}
