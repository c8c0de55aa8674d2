# Yizhan build entry points. CI runs `make setup` then `make test` / `make app`.
#
# WebKitGTK: Debian 12 ships webkit2gtk-4.0; newer and domestic distributions
# (Ubuntu 24.04+, Debian 13, Kylin, UOS) ship webkit2gtk-4.1 only. Build there
# with the Wails tag webkit2_41 (needs libwebkit2gtk-4.1-dev):
#     make app TAGS=webkit2_41
# TAGS is passed to `wails build -tags`; leave it empty for webkit2gtk-4.0.

SHELL := /bin/bash
export CGO_ENABLED := 1

WAILS := bin/wails
TAGS ?=
WAILS_TAGS := $(if $(TAGS),-tags "$(TAGS)",)

.PHONY: setup wails app bindings frontend-test frontend-build go-test test fmt fmt-check vet screenshot demo

## demo: the main job: hall + station app with the sample catalog (scripts/demo.sh)
demo:
	scripts/demo.sh

## setup: install system packages, the Wails CLI and frontend dependencies (root, Debian 12)
setup:
	scripts/setup.sh

## wails: build the pinned Wails CLI into bin/wails (skipped when up to date)
wails:
	scripts/install-wails.sh

## app: build the desktop app to build/bin/yizhan (also regenerates the JS bindings)
app: wails
	$(WAILS) build -clean -o yizhan $(WAILS_TAGS)

## bindings: regenerate frontend/src/api/wailsjs from the Go desktop package
bindings: wails
	$(WAILS) generate module $(WAILS_TAGS)

frontend/node_modules: frontend/package-lock.json
	cd frontend && npm ci
	touch frontend/node_modules

## frontend-test: unit tests of the frontend (vitest)
frontend-test: frontend/node_modules
	cd frontend && npm test

## frontend-build: typecheck and build the frontend into frontend/dist
frontend-build: frontend/node_modules
	cd frontend && npm run build

## go-test: Go tests with the race detector
go-test:
	go test -race ./...

## fmt-check: fail when gofmt would change a file
fmt-check:
	@out=$$(gofmt -l $$(git ls-files '*.go')); if [ -n "$$out" ]; then echo "gofmt needed:"; echo "$$out"; exit 1; fi

## test: every check and test (the README's test command runs this after setup)
test: fmt-check vet frontend-test go-test

## fmt: format Go code
fmt:
	gofmt -w $$(git ls-files '*.go')

## vet: static checks
vet:
	go vet ./...

## screenshot: run the built app under Xvfb and save a screenshot (OUT=...)
screenshot:
	scripts/screenshot-app.sh $(OUT)
