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

.PHONY: arch-doc lint lint-frontend dupes lint-tools setup wails app bindings frontend-test frontend-build console e2e-console console-screens go-test test fmt fmt-check vet screenshot demo proof fuzz-short soak \
	package package-windows package-deb package-hall package-check dist-list bench bench-quick

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
	$(WAILS) build -clean -m -o yizhan $(WAILS_TAGS)

## bindings: regenerate frontend/src/station/api/wailsjs from the Go desktop package
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

## console: typecheck and build the hall console into hall/console/dist (embedded by the hall binary)
console: frontend/node_modules
	cd frontend && npm run build:console

## e2e-console: the hall console in headless Chromium against a real hall and
## stations (scripts/e2e-console.sh): approve a forwarded case, publish an item
e2e-console: console
	scripts/e2e-console.sh

## console-screens: the same run, saving every console screen to docs/screenshots
console-screens: console
	YIZHAN_E2E_SCREENS=docs/screenshots scripts/e2e-console.sh

## go-test: Go tests with the race detector
go-test:
	go test -race ./...

## fmt-check: fail when gofmt would change a file
fmt-check:
	@out=$$(gofmt -l $$(git ls-files '*.go')); if [ -n "$$out" ]; then echo "gofmt needed:"; echo "$$out"; exit 1; fi

## test: every check and test, then the release artifacts built and checked
## (the README's test command runs this after setup with SETUP_PACKAGING=1)
test: fmt-check lint frontend-test go-test e2e-console proof fuzz-short package-check e2e-station app-check

## package: every release artifact into dist/ (scripts/package.sh): the Windows
## installer, app and CLI, the .deb(s), the static hall binary
package:
	scripts/package.sh windows deb hall

## package-windows: dist/yizhan-VERSION-windows-amd64-setup.exe (+ the .exe files), cross-built with mingw-w64 and NSIS
package-windows:
	scripts/package.sh windows

## package-deb: dist/yizhan_VERSION_amd64.deb (webkit2gtk-4.0) and +webkit41 (webkit2gtk-4.1, when its -dev is installed)
package-deb:
	scripts/package.sh deb

## package-hall: dist/yizhan-hall-VERSION-linux-amd64, one static binary
package-hall:
	scripts/package.sh hall

## package-check: build dist/, check the PE files (and the CLI under Wine), the
## .debs' metadata and the hall binary, install each .deb and start the app
## under Xvfb (root), then list the artifacts with sizes and SHA-256
package-check: package
	scripts/check-windows.sh
	YIZHAN_DIST=$(CURDIR)/dist YIZHAN_VERSION=$$(cat dist/VERSION) go test -count=1 -run 'Debs|HallBinary' ./internal/distcheck
	scripts/check-deb.sh
	@$(MAKE) --no-print-directory dist-list

## dist-list: the artifacts in dist/ with sizes and SHA-256
dist-list:
	@echo "==> artifacts (dist/, version $$(cat dist/VERSION))"
	@cd dist && for f in $$(ls | grep -v -e '^SHA256SUMS$$' -e '^VERSION$$' -e '\.png$$' -e '\.log$$'); do \
		printf '%-56s %10s  %s\n' "$$f" "$$(stat -c %s "$$f")" "$$(sha256sum "$$f" | cut -d' ' -f1)"; done

# The proof suites put their SQLite files on tmpfs when there is one:
# fsync costs nothing there, and they open thousands of databases.
PROOF_TMP := $(shell if [ -d /dev/shm ]; then echo /dev/shm; else echo $${TMPDIR:-/tmp}; fi)
SEEDS ?= 10000
KILLS ?= 200
FUZZ ?= 60s

## proof: the deterministic simulation at CI size (500 seeds, without the
## race detector, which go-test runs it under with 8), the kill -9 suite
## and the attack suite (docs/reliability.md)
proof:
	TMPDIR=$(PROOF_TMP) go test -count=1 -timeout 30m ./proof/sim -run 'TestSim|TestReplayIsExact' -sim.seeds=500
	TMPDIR=$(PROOF_TMP) go test -count=1 -timeout 30m ./proof/crash -crash.kills=30
	TMPDIR=$(PROOF_TMP) go test -count=1 -timeout 30m ./proof/attack

## fuzz-short: every fuzz target for about 10 s (the list is in cmd/soak)
fuzz-short:
	go run ./cmd/soak --seeds 0 --kills 0 --attack=false --fuzz 10s

## soak: everything at length; SEEDS, KILLS and FUZZ (per target) set the size
soak:
	go run ./cmd/soak --seeds $(SEEDS) --kills $(KILLS) --fuzz $(FUZZ)

## fmt: format Go code
fmt:
	gofmt -w $$(git ls-files '*.go')

## arch-doc: redraw the package picture in docs/architecture.md from go list
## (internal/arch; its test fails while the committed picture differs)
arch-doc:
	go test -count=1 -run TestPicture ./internal/arch -update

## vet: static checks
vet:
	go vet ./...

## lint-tools: build the pinned linters into bin/ (skipped when up to date)
lint-tools:
	scripts/install-lint.sh

## lint: every pinned linter: the frontend's (lint-frontend), the copy-paste
## budget (dupes), then go vet, staticcheck and errcheck at the versions
## tools/lint pins (scripts/lint.sh; errcheck's deliberate exclusions are in
## tools/lint/errcheck-excludes.txt, each with its reason)
lint: lint-frontend dupes
	scripts/lint.sh

## lint-frontend: eslint (frontend/eslint.config.js: the recommended rules and
## the layout of src/ as rules) and vue-tsc over both apps, at the versions
## frontend/package.json pins
lint-frontend: frontend/node_modules
	cd frontend && npm run --silent lint

## dupes: the copy-paste budget of the Go code and of the frontend (jscpd;
## scripts/dupes.sh holds the budgets, --report lists every copy)
dupes: frontend/node_modules
	scripts/dupes.sh

## screenshot: run the built app under Xvfb and save a screenshot (OUT=...)
screenshot:
	scripts/screenshot-app.sh $(OUT)

## bench: the performance table (cmd/bench, docs/performance.md): every figure
## from one run beside the PouchDB peer; 30-45 minutes (the first run also
## builds the cached 1,000,000-case station, about 40 minutes), installs cmd/bench/pouch
## with npm ci --ignore-scripts when missing. BENCH_FLAGS passes flags on.
bench:
	go run ./cmd/bench -peer on $(BENCH_FLAGS)

## bench-quick: every figure at small sizes (about a minute); CI runs the
## same through cmd/bench's test
bench-quick:
	go run ./cmd/bench -quick $(BENCH_FLAGS)

.PHONY: e2e-station station-screens app-check

## e2e-station: the station app in headless Chromium against a real hall
## (scripts/e2e-station.sh): a clerk's full day, from sign-in to the rating
e2e-station: frontend/node_modules
	scripts/e2e-station.sh

## station-screens: the same run, then demo data and every main station
## screen in zh-CN and en-US into docs/screenshots; and the desktop window
## (needs build/bin/yizhan: make app)
station-screens: frontend/node_modules
	YIZHAN_E2E_SCREENS=docs/screenshots scripts/e2e-station.sh
	CHECK_APP_BUILD=0 scripts/check-app.sh docs/screenshots/desktop-window.png

## app-check: make app (wails build, linux/amd64), start it under Xvfb and
## check its first screen drew and it stayed up (scripts/check-app.sh)
app-check:
	scripts/check-app.sh
