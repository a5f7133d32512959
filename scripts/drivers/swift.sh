# Driver probes built by scripts/setup-drivers-swift (pinned Debian packages / an exactly pinned
# SwiftPM package, built once into ${BUILDS}/drivers, cached by the sha256 of the probe's sources).
# Registers: postgresnio.

driver_installer[postgresnio]=install_postgresnio

install_postgresnio() {
    bash "$repo/scripts/setup-drivers-swift" || fail "installing postgresnio failed (see above); rerun: scripts/setup-drivers-swift"
}
