# swiftload: build, install and test.
#
#   make                       release build (swiftload + libSwiftLoad.so)
#   make install PREFIX=/opt/swiftload
#                              relocatable install: bin/swiftload, lib/swiftload/{libSwiftLoad.so,Modules,include}
#   make install-only BIN=.build/debug PREFIX=…
#                              the same from an existing build, without running SwiftPM
#   make test                  the test suite (installs what it needs; see scripts/test.sh)
#   make quickstart            build, start a local nginx, run scenarios/quickstart.swift, write a report

PREFIX ?= /usr/local
CONFIG ?= release
SWIFT ?= swift
# The build folder; pass BIN=… to install products built elsewhere without calling SwiftPM.
BIN ?= $(shell $(SWIFT) build -c $(CONFIG) --show-bin-path)
# The C modules a scenario's compile reaches through SwiftLoad's public modules.
C_MODULES = CCurl CNghttp2 CEpoll COpenSSL CZlib CSnappy
# SwiftLoad's module and the modules of the packages it depends on.
SWIFT_MODULES = SwiftLoad Histogram Numerics RealModule ComplexModule SwiftProtobuf SwiftCSV FlyingFox FlyingSocks

.PHONY: build install install-only test quickstart clean

build:
	$(SWIFT) build -c $(CONFIG)

install: build install-only

install-only:
	install -d "$(PREFIX)/bin" "$(PREFIX)/lib/swiftload/Modules" "$(PREFIX)/lib/swiftload/include"
	install -m 755 "$(BIN)/swiftload" "$(PREFIX)/bin/swiftload"
	install -m 755 "$(BIN)/libSwiftLoad.so" "$(PREFIX)/lib/swiftload/libSwiftLoad.so"
	for m in $(SWIFT_MODULES); do install -m 644 "$(BIN)/Modules/$$m.swiftmodule" "$(PREFIX)/lib/swiftload/Modules/" || exit 1; done
	for m in $(C_MODULES); do \
	  install -d "$(PREFIX)/lib/swiftload/include/$$m" && \
	  install -m 644 Sources/$$m/module.modulemap Sources/$$m/shim.h "$(PREFIX)/lib/swiftload/include/$$m/" || exit 1; \
	done
	install -d "$(PREFIX)/lib/swiftload/include/_NumericsShims"
	install -m 644 "$(BIN)"/../../checkouts/swift-numerics/Sources/_NumericsShims/include/* "$(PREFIX)/lib/swiftload/include/_NumericsShims/"
	install -d "$(PREFIX)/lib/swiftload/include/CSystemLinux"
	install -m 644 "$(BIN)"/../../checkouts/FlyingFox/CSystemLinux/include/* "$(PREFIX)/lib/swiftload/include/CSystemLinux/"
	@echo "installed swiftload into $(PREFIX)"

test:
	./scripts/test.sh

quickstart:
	./scripts/quickstart.sh

clean:
	rm -rf .build
