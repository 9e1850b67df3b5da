# orderbatch: one entry point for setting up, building, testing and demonstrating.
#   make demo   install what is missing, build, run the sample jobs against the built-in emulator
#   make test   install what is missing, build, run the whole test suite
#   make demo-cluster   PostgreSQL, the emulator and three workers on one run, one killed with kill -9
SHELL := /bin/bash
APT_PACKAGES := libcsv-dev libcurl4-openssl-dev libsqlite3-dev libssl-dev libpq-dev postgresql
SWIFT ?= swift
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)

.PHONY: deps build release test demo demo-cluster bench clean

# Installs the Debian packages only when one is missing, so repeated runs cost nothing.
deps:
	@missing=""; for p in $(APT_PACKAGES); do \
	  dpkg-query -W -f='$${Status}' $$p 2>/dev/null | grep -q 'install ok installed' || missing="$$missing $$p"; \
	done; \
	if [ -n "$$missing" ]; then \
	  echo "installing:$$missing"; \
	  $(SUDO) apt-get update -qq && $(SUDO) DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing; \
	fi

build: deps
	$(SWIFT) build

release: deps
	$(SWIFT) build -c release

# The full log goes to .build/test.log; on a failure the failing tests' lines are repeated at the
# end, so that the tail of a CI log names them. The suite runs beside a throwaway PostgreSQL cluster
# (scripts/with-postgres.sh: initdb in a temp folder, a free loopback port, stopped even on failure).
test: deps
	$(SWIFT) build --build-tests
	@set -o pipefail; ./scripts/with-postgres.sh $(SWIFT) test --skip-build --parallel 2>&1 | tee .build/test.log; rc=$$?; \
	if [ $$rc -ne 0 ]; then \
	  echo "==== failing tests (full log: .build/test.log) ===="; \
	  grep -E -A3 '✘|error:|Fatal error|Test Case .* failed' .build/test.log | grep -v '^--$$' | tail -60; \
	fi; exit $$rc

demo: build
	./demo/run-demo.sh .build/debug/orderbatch

# PostgreSQL (a throwaway cluster), the emulator and three workers on one run; one is killed with kill -9.
demo-cluster: build
	./scripts/with-postgres.sh ./demo/cluster-demo.sh .build/debug/orderbatch

clean:
	rm -rf .build

# swift format lint --strict against .swift-format (toolchain's swift format); .ci/run runs it before `make test`.
.PHONY: lint
lint:
	./scripts/format-lint.sh

# Installs the binary, bash/zsh/fish completions and a man page under $(DESTDIR)$(PREFIX) (scripts/install.sh).
#   make install PREFIX=$HOME/.local          BIN=path installs that binary instead of building a release one;
#   make install DESTDIR=/tmp/pkg             MAN=help makes the man page from the help texts (no plugin build).
PREFIX ?= /usr/local
DESTDIR ?=
BIN ?=
MAN ?= plugin
.PHONY: install
install: deps
	BIN="$(BIN)" MAN="$(MAN)" SWIFT="$(SWIFT)" ./scripts/install.sh "$(DESTDIR)$(PREFIX)"
