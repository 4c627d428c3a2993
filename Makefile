# DataSynth monorepo. `make demo` and `make test` are the two commands a
# fresh machine needs; everything else is reachable from them.

SHELL := /bin/bash
.SHELLFLAGS := -eu -o pipefail -c

# Order follows the dependency graph: verify has no sibling, ops uses all.
MODULES := verify engine backup server ops
# Binaries as module:path-of-main.
BINARIES := engine:datasynth-data server:datasynth-server ops:dsops

GO ?= go
VERSION ?= $(shell git describe --tags --always --dirty 2>/dev/null || echo dev)
COMMIT ?= $(shell git rev-parse --short=12 HEAD 2>/dev/null || echo unknown)
LDFLAGS := -X main.version=$(VERSION) -X main.commit=$(COMMIT)
BIN := $(CURDIR)/bin
TOOLS := $(CURDIR)/.cache/tools
STATICCHECK_VERSION := v0.8.2
# The S3 server the backup tests run against (backup/s3test), built from the
# Go module proxy; the tests build it themselves when VERSITYGW is unset.
VERSITYGW_VERSION := v1.8.0
export VERSITYGW := $(TOOLS)/versitygw-$(VERSITYGW_VERSION)/versitygw
export PATH := $(BIN):$(TOOLS):$(PATH)
# No test may send traffic beyond loopback: without credentials the AWS SDK
# would otherwise ask the instance metadata address.
export AWS_EC2_METADATA_DISABLED := true

.PHONY: all build demo test test-unit test-race test-modules test-cross lint tools bench clean

all: build

build: $(foreach b,$(BINARIES),build-$(lastword $(subst :, ,$(b))))

# build-NAME builds one binary into ./bin, stamped with version and commit.
build-%:
	@mkdir -p $(BIN)
	@b=$$(echo "$(BINARIES)" | tr ' ' '\n' | grep ":$*$$"); mod=$${b%%:*}; \
	echo "build $*"; \
	cd $$mod && $(GO) build -trimpath -ldflags '$(LDFLAGS)' -o $(BIN)/$* ./cmd/$*

## demo: build datasynth-data, then generate the embedded demo dataset into
## ./demo-output.
demo: build-datasynth-data
	$(BIN)/datasynth-data generate --demo --output $(CURDIR)/demo-output --overwrite
	@echo "demo dataset: $(CURDIR)/demo-output (run_manifest.json lists every file and its SHA-256)"

## test: lint, then every module's tests (race detector on), each module
## again on its own go.mod (GOWORK=off), then the cross-architecture
## determinism checks.
test: lint test-race test-modules test-cross

test-race:
	@for m in $(MODULES); do \
		echo "== go test -race $$m"; \
		(cd $$m && $(GO) test -race -count=1 ./...); \
	done

# Each module must build and pass on its own go.mod: no hidden reliance on
# go.work.
test-modules:
	@for m in $(MODULES); do \
		echo "== GOWORK=off go test $$m"; \
		(cd $$m && GOWORK=off $(GO) mod verify >/dev/null && GOWORK=off $(GO) test -count=1 ./...); \
	done

# The golden checksums must hold on 32-bit x86 (native) and on arm64
# (under qemu-user-static, installed by .ci/run).
test-cross:
	@echo "== GOARCH=386 golden + determinism"
	cd engine && GOARCH=386 $(GO) test -count=1 -run 'Golden|Determinism|Stream|Log|BlockIndependence' ./generate/ ./rng/ ./ledger/
	@echo "== GOARCH=arm64 (qemu) golden + determinism"
	@command -v qemu-aarch64-static >/dev/null || { echo "qemu-aarch64-static missing: run .ci/run or apt-get install qemu-user-static"; exit 1; }
	cd engine && GOARCH=arm64 $(GO) test -count=1 -exec qemu-aarch64-static -run 'Golden|Determinism|Stream|Log|BlockIndependence' ./generate/ ./rng/ ./ledger/

tools: $(TOOLS)/staticcheck $(VERSITYGW)

test-race test-modules: $(VERSITYGW)

$(VERSITYGW):
	@mkdir -p $(dir $@)
	GOBIN=$(dir $@) GOWORK=off GOFLAGS= CGO_ENABLED=0 $(GO) install github.com/versity/versitygw/cmd/versitygw@$(VERSITYGW_VERSION)

$(TOOLS)/staticcheck:
	@mkdir -p $(TOOLS)
	GOBIN=$(TOOLS) $(GO) install honnef.co/go/tools/cmd/staticcheck@$(STATICCHECK_VERSION)

lint: tools
	@out=$$(gofmt -l $(MODULES)); if [ -n "$$out" ]; then echo "gofmt needed:"; echo "$$out"; exit 1; fi
	@for m in $(MODULES); do \
		echo "== vet + staticcheck $$m"; \
		(cd $$m && $(GO) vet ./... && $(TOOLS)/staticcheck ./...); \
	done

## bench: side-by-side benchmarks; figures go to docs/benchmarks.md.
bench: build
	@for s in scripts/bench/[a-z]*.sh; do [ "$$s" = scripts/bench/lib.sh ] && continue; echo "== $$s"; $$s; done

clean:
	rm -rf $(BIN) demo-output
