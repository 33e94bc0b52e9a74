# Grey: `make run` starts the service on the embedded defaults; `make test` runs every test.
SWIFT ?= swift
GREY := .build/debug/grey

.PHONY: setup build run test migrate edge clean

## Install missing system packages (Debian, through sudo when not root) and the Python
## test tools (.tools/venv).
setup:
	@scripts/install-system-packages.sh
	@scripts/install-python-tools.sh

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

## Start the nginx edge cache on 127.0.0.1:8081 in front of a running Grey on :8080
## (signing keys from GREY_SIGNING_KEYS or the data directory, cache under .grey/edge).
edge: setup
	GREY_SIGNING_KEYS="$${GREY_SIGNING_KEYS:-$$(cat $${GREY_DATA_DIR:-.grey}/signing-keys)}" \
		nginx/run-edge.sh 127.0.0.1:8081 127.0.0.1:8080 $${GREY_DATA_DIR:-.grey}/edge

## Apply database migrations without starting the server.
migrate: build
	$(GREY) migrate

clean:
	rm -rf .build
