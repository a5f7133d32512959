# Driver probes built by scripts/setup-drivers-java (pinned Debian packages / an exactly pinned
# SwiftPM package, built once into ${BUILDS}/drivers, cached by the sha256 of the probe's sources).
# Registers: pgjdbc.

driver_installer[pgjdbc]=install_pgjdbc

install_pgjdbc() {
    bash "$repo/scripts/setup-drivers-java" || fail "installing pgjdbc failed (see above); rerun: scripts/setup-drivers-java"
}
