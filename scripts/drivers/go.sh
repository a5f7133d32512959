# Driver probes built by scripts/setup-drivers-go (pinned Debian packages / an exactly pinned
# SwiftPM package, built once into ${BUILDS}/drivers, cached by the sha256 of the probe's sources).
# Registers: pgx lib-pq.

driver_installer[pgx]=install_go_drivers
driver_installer[lib-pq]=install_go_drivers

install_go_drivers() {
    bash "$repo/scripts/setup-drivers-go" || fail "installing pgx lib-pq failed (see above); rerun: scripts/setup-drivers-go"
}
