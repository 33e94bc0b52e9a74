# Grey: `make run` starts the service on the embedded defaults; `make test` runs every test.
SWIFT ?= swift
GREY := .build/debug/grey

.PHONY: setup build run test migrate clean

## Install missing system packages (Debian), through sudo when not root.
setup:
	@scripts/install-system-packages.sh

## Build the service.
build: setup
	$(SWIFT) build --product grey
	$(SWIFT) build --product grey-worker

## Build and start Grey on http://127.0.0.1:8080 with the embedded PostgreSQL.
run: build
	$(GREY) serve

## Build and run the whole test suite against real PostgreSQL.
test: setup
	$(SWIFT) build --build-tests
	$(SWIFT) test --skip-build

## Apply database migrations without starting the server.
migrate: build
	$(GREY) migrate

clean:
	rm -rf .build
