# pg-ssl-matrix. `make matrix` and `make test` run `make setup` first.
SHELL := /bin/bash
export PATH := $(PATH):/opt/swift/usr/bin
SWIFT ?= swift
BUILD_FLAGS ?=
SSLMATRIX = .build/debug/sslmatrix

.PHONY: setup lint format build test matrix impostor bench clean

setup:
	@bash scripts/setup

# The style lives in .swift-format (4 spaces, 120 columns); lint fails on any difference.
lint:
	$(SWIFT) format lint --strict --recursive --parallel Package.swift Sources Tests

format:
	$(SWIFT) format format --in-place --recursive --parallel Package.swift Sources Tests

build: setup
	$(SWIFT) build $(BUILD_FLAGS)

test: setup
	$(SWIFT) test $(BUILD_FLAGS)

matrix: build
	$(SSLMATRIX) matrix

impostor: build
	$(SSLMATRIX) impostor

bench: setup
	$(SWIFT) build -c release $(BUILD_FLAGS)
	.build/release/sslmatrix bench

clean:
	rm -rf .build
