# DataSynth monorepo. `make demo` and `make test` are the two commands a
# fresh machine needs; everything else is reachable from them.

SHELL := /bin/bash
.SHELLFLAGS := -eu -o pipefail -c

# Order follows the dependency graph: verify has no sibling, ops uses all.
MODULES := verify engine backup server ops
# Binaries as module:path-of-main.
BINARIES := engine:datasynth-data server:datasynth-server ops:dsops

GO ?= go
# The release version lives in VERSION; release tags are v$(VERSION). The
# commit goes beside it when the source is a git checkout (a packager's
# source tree without .git builds as "unknown").
VERSION ?= $(shell cat $(CURDIR)/VERSION)
COMMIT ?= $(shell git rev-parse --short=12 HEAD 2>/dev/null || echo unknown)$(shell git diff --quiet HEAD 2>/dev/null || echo -dirty)
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

PREFIX ?= /usr/local

.PHONY: all help build demo install test prereqs test-race test-modules test-cross test-image lint tools bench clean image image-context image-versitygw check-docker

all: build

## help: list the targets.
help:
	@grep -h '^## ' $(MAKEFILE_LIST) | sed 's/^## //' | awk -F': ' '/^[a-z-]+: / {printf "  %-12s %s\n", $$1, $$2; next} {printf "  %-12s %s\n", "", $$0}'

build: $(foreach b,$(BINARIES),build-$(lastword $(subst :, ,$(b))))

## build: every binary into ./bin, stamped with VERSION and the commit.
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

## install: copy the binaries to $(PREFIX)/bin (PREFIX=/usr/local).
install: build
	install -d $(DESTDIR)$(PREFIX)/bin
	install -m 0755 $(foreach b,$(BINARIES),$(BIN)/$(lastword $(subst :, ,$(b)))) $(DESTDIR)$(PREFIX)/bin/

## test: check or install what the tests need (Docker included), lint,
## the library packages under the race detector, every module's tests on its own
## go.mod (GOWORK=off), the cross-architecture determinism checks, then the
## images and the compose drill against the real Docker engine.
test: prereqs check-docker lint test-race test-modules test-cross test-image

# prereqs checks the tools the tests run for real and installs the Debian
# ones when it can, or names the command, before anything slow starts.
prereqs:
	@scripts/prereqs.sh

# The race detector runs on the library packages, where the goroutines
# live; the command packages' scripts drive the same code through the
# binaries and run, without -race, in test-modules (under -race they took
# four times as long for no package of their own).
test-race:
	@for m in $(MODULES); do \
		echo "== go test -race $$m (library packages)"; \
		(cd $$m && $(GO) test -race -count=1 $$($(GO) list ./... | grep -v '/cmd/')); \
	done

# Each module must build and pass on its own go.mod: no hidden reliance on
# go.work.
test-modules:
	@for m in $(MODULES); do \
		echo "== GOWORK=off go test $$m"; \
		(cd $$m && GOWORK=off $(GO) mod verify >/dev/null && GOWORK=off $(GO) test -count=1 ./...); \
	done

# The golden checksums must hold on a 32-bit CPU (32-bit ARM) and on arm64,
# both under qemu-user-static (see prereqs), which runs them on any kernel.
# (32-bit x86 is not used: many kernels are built without 32-bit x86
# support, and qemu-i386 cannot run Go programs.)
CROSS_TESTS := -run 'Golden|Determinism|Stream|Log|BlockIndependence' ./generate/ ./rng/ ./ledger/
test-cross:
	@echo "== GOARCH=arm (32-bit, qemu) golden + determinism"
	cd engine && GOARCH=arm GOARM=7 $(GO) test -count=1 -exec qemu-arm-static $(CROSS_TESTS)
	@echo "== GOARCH=arm64 (qemu) golden + determinism"
	cd engine && GOARCH=arm64 $(GO) test -count=1 -exec qemu-aarch64-static $(CROSS_TESTS)

tools: $(TOOLS)/staticcheck $(VERSITYGW)

test-race test-modules: $(VERSITYGW)

$(VERSITYGW):
	@mkdir -p $(dir $@)
	GOBIN=$(dir $@) GOWORK=off GOFLAGS= CGO_ENABLED=0 $(GO) install github.com/versity/versitygw/cmd/versitygw@$(VERSITYGW_VERSION)

$(TOOLS)/staticcheck:
	@mkdir -p $(TOOLS)
	GOBIN=$(TOOLS) $(GO) install honnef.co/go/tools/cmd/staticcheck@$(STATICCHECK_VERSION)

## lint: gofmt, go vet, staticcheck, and go mod tidy changing nothing.
lint: $(TOOLS)/staticcheck
	@out=$$(gofmt -l $(MODULES)); if [ -n "$$out" ]; then echo "gofmt needed:"; echo "$$out"; exit 1; fi
	@for m in $(MODULES); do \
		echo "== vet + staticcheck + tidy $$m"; \
		(cd $$m && $(GO) vet -tags docker ./... && $(TOOLS)/staticcheck -tags docker ./... && \
		 { GOWORK=off $(GO) mod tidy -diff >/dev/null || { echo "$$m/go.mod: go mod tidy would change it; run (cd $$m && GOWORK=off go mod tidy)"; exit 1; }; }); \
	done

## bench: every side-by-side benchmark in scripts/bench (they need wrk and
## GNU time, from Debian's wrk and time packages; a script whose tool is
## missing says so and the others still run); figures go to docs/benchmarks.md.
bench: build
	@failed=(); for s in scripts/bench/[a-z]*.sh; do [ "$$s" = scripts/bench/lib.sh ] && continue; \
		echo "== $$s"; $$s || failed+=("$$s"); done; \
	if [ $${#failed[@]} -gt 0 ]; then echo "bench: failed: $${failed[*]}"; exit 1; fi

# Images are built FROM scratch, so no registry is needed: static binaries
# (CGO_ENABLED=0), the host's CA bundle and a non-root user (65532), put
# together in bin/image as the build context of the DataSynth images;
# versitygw (for the compose tests) gets a context of its own, so that
# neither build sends the other's binaries to the engine.
IMAGE_CTX := $(BIN)/image
VERSITYGW_CTX := $(BIN)/image-versitygw
VERSITYGW_IMAGE := datasynth/versitygw:$(VERSITYGW_VERSION)

check-docker:
	@command -v docker >/dev/null || { echo "Docker is needed: make image and the image and compose tests of make test use the real engine. Install it (Debian: apt-get install docker.io docker-compose) and start it."; exit 1; }
	@docker info >/dev/null 2>&1 || { echo "Docker is installed but its engine does not answer (docker info failed): start it, or run as a user allowed to use it."; exit 1; }
	@docker compose version >/dev/null 2>&1 || command -v docker-compose >/dev/null || { echo "Compose is needed for the compose tests: install the Compose plugin or docker-compose (make test does, as root, through scripts/prereqs.sh)."; exit 1; }

image-context: check-docker
	@test -r /etc/ssl/certs/ca-certificates.crt || { echo "/etc/ssl/certs/ca-certificates.crt is missing: apt-get install ca-certificates"; exit 1; }
	@rm -rf $(IMAGE_CTX) && mkdir -p $(IMAGE_CTX)/etc/ssl/certs $(IMAGE_CTX)/tmp $(IMAGE_CTX)/data
	@for b in $(BINARIES); do mod=$${b%%:*}; name=$${b##*:}; echo "build $$name (static)"; \
		(cd $$mod && CGO_ENABLED=0 $(GO) build -trimpath -ldflags '-s -w $(LDFLAGS)' -o $(IMAGE_CTX)/$$name ./cmd/$$name); done
	@cp /etc/ssl/certs/ca-certificates.crt $(IMAGE_CTX)/etc/ssl/certs/
	@printf 'root:x:0:0:root:/:/sbin/nologin\nnonroot:x:65532:65532:nonroot:/:/sbin/nologin\n' > $(IMAGE_CTX)/etc/passwd
	@printf 'root:x:0:\nnonroot:x:65532:\n' > $(IMAGE_CTX)/etc/group
	@chmod 1777 $(IMAGE_CTX)/tmp

## image: datasynth/datasynth-server:VERSION (datasynth-server, datasynth-data
## and dsops for the healthcheck) and datasynth/dsops:VERSION, FROM scratch.
image: image-context
	docker build -q -f server/Dockerfile --build-arg VERSION=$(VERSION) --build-arg COMMIT=$(COMMIT) -t datasynth/datasynth-server:$(VERSION) $(IMAGE_CTX)
	docker build -q -f ops/Dockerfile --build-arg VERSION=$(VERSION) --build-arg COMMIT=$(COMMIT) -t datasynth/dsops:$(VERSION) $(IMAGE_CTX)

image-versitygw: image-context $(VERSITYGW)
	@rm -rf $(VERSITYGW_CTX) && mkdir -p $(VERSITYGW_CTX)
	@cp -a $(IMAGE_CTX)/etc $(IMAGE_CTX)/tmp $(IMAGE_CTX)/data $(VERSITYGW) $(VERSITYGW_CTX)/
	@mkdir -p $(VERSITYGW_CTX)/data/objects $(VERSITYGW_CTX)/data/meta
	docker build -q -f ops/internal/imagetest/testdata/versitygw.Dockerfile -t $(VERSITYGW_IMAGE) $(VERSITYGW_CTX)

# The images and a compose project (server, versitygw, a backup job) on the
# real Docker engine: ops/internal/imagetest.
test-image: image image-versitygw
	cd ops && IMAGE_VERSION=$(VERSION) VERSITYGW_IMAGE=$(VERSITYGW_IMAGE) $(GO) test -count=1 -v -tags docker ./internal/imagetest/


## clean: remove ./bin and the demo output.
clean:
	rm -rf $(BIN) demo-output
