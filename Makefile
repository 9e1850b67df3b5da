# orderbatch: one entry point for setting up, building, testing and demonstrating.
#   make demo   install what is missing, build, run the sample jobs against the built-in emulator
#   make test   install what is missing, build, run the whole test suite
SHELL := /bin/bash
APT_PACKAGES := libcsv-dev libcurl4-openssl-dev libsqlite3-dev libssl-dev
SWIFT ?= swift
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)

.PHONY: deps build release test demo bench clean

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

test: deps
	$(SWIFT) build --build-tests
	$(SWIFT) test --skip-build --parallel

demo: build
	./demo/run-demo.sh .build/debug/orderbatch

clean:
	rm -rf .build
