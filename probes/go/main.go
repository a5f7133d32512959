// Command driver-probe is the Go driver probe of pg-ssl-matrix (docs/client-worker-protocol.md,
// protocol v1, and the driver-probe protocol): one resident process per driver that answers one
// JSON request line per connection attempt, translating every libpq keyword to the driver's own
// configuration through that driver's static mapping table (mapping.go, pgx.go, pq.go).
//
// Usage: driver-probe pgx|lib-pq            serve requests on stdin/stdout
//
//	driver-probe pgx|lib-pq --mapping  print the mapping table as JSON
//
// Server truth comes from the server: an accepted connection runs the same two statements as
// Sources/PQProbe/ConnectionAttempt.swift. Each request runs in its own goroutine bounded by
// the request's timeout; a panic is recovered and answered as rejected, so the next request
// still runs.
package main

import (
	"bufio"
	"encoding/json"
	"fmt"
	"os"
	"runtime"
	"time"
)

// Filled at build time with -ldflags "-X main.pgxVersion=... -X main.pqVersion=..." from the
// Debian package versions (neither library carries a version constant).
var (
	pgxVersion = "unknown"
	pqVersion  = "unknown"
)

const serverViewSQL = "select s.ssl, s.sslversion as version, s.sslcipher as cipher, s.sslbits as bits, " +
	"s.ssl_client_dn as client_dn, s.ssl_client_serial as client_serial, s.ssl_issuer_dn as issuer_dn, " +
	"pg_get_userbyid(s.usesysid) as usename, s.application_name, s.client_addr, s.client_port, " +
	"pg_backend_pid() as backend_pid, current_setting('cluster_name') as cluster_name, current_user, " +
	"session_user, exists (select 1 from pg_extension where extname = 'sslinfo') as has_sslinfo " +
	"from pg_stat_get_activity(pg_backend_pid()) s"

const sslinfoSQL = "select ssl_is_used() as is_used, ssl_version() as version, ssl_cipher() as cipher, " +
	"ssl_client_cert_present() as client_cert_present, ssl_client_serial() as client_serial, " +
	"ssl_client_dn() as client_dn, ssl_issuer_dn() as issuer_dn"

// driverProbe is what each driver implements.
type driverProbe interface {
	name() string
	version() string
	table() []mappingRow
	attempt(req *request, tr *translation) (*report, *driverSection)
}

func main() {
	out := bufio.NewWriter(os.Stdout)
	emit := func(v interface{}) {
		line, _ := json.Marshal(v)
		out.Write(line)
		out.WriteString("\n")
		out.Flush()
	}
	var probe driverProbe
	if len(os.Args) > 1 {
		switch os.Args[1] {
		case "pgx":
			probe = pgxProbe{}
		case "lib-pq", "pq":
			probe = pqProbe{}
		}
	}
	if probe == nil {
		name := ""
		if len(os.Args) > 1 {
			name = os.Args[1]
		}
		emit(map[string]interface{}{"protocolVersion": 1, "client": name, "error": map[string]string{
			"code": "driver-load-failed", "message": fmt.Sprintf("unknown Go driver %q: use pgx or lib-pq", name)}})
		os.Exit(2)
	}
	if len(os.Args) > 2 && os.Args[2] == "--mapping" {
		emit(map[string]interface{}{"driver": probe.name(), "mapping": probe.table()})
		return
	}
	goVersion := runtime.Version()
	mapping := map[string]interface{}{}
	for _, row := range probe.table() {
		if row.Native == "" {
			mapping[row.Keyword] = nil
		} else {
			mapping[row.Keyword] = row.Native
		}
	}
	emit(map[string]interface{}{"protocolVersion": 1, "client": probe.name(), "libraries": nil,
		"driver": map[string]interface{}{"name": probe.name(), "version": probe.version(), "runtime": "Go " + goVersion,
			"tls": "Go crypto/tls (" + goVersion + ")", "mapping": mapping}})
	in := bufio.NewScanner(os.Stdin)
	in.Buffer(make([]byte, 1<<20), 16<<20)
	for in.Scan() {
		line := in.Bytes()
		if len(line) == 0 {
			continue
		}
		emit(answer(probe, line))
	}
}

func answer(probe driverProbe, line []byte) map[string]interface{} {
	var req request
	if err := json.Unmarshal(line, &req); err != nil || req.Parameters == nil {
		msg := "no parameters"
		if err != nil {
			msg = err.Error()
		}
		return map[string]interface{}{"id": req.ID, "error": map[string]string{"code": "bad-request",
			"message": "the request line is not a protocol v1 request: " + msg}}
	}
	if req.TimeoutSeconds <= 0 {
		req.TimeoutSeconds = 10
	}
	tr := translate(probe.table(), &req)
	type result struct {
		report *report
		driver *driverSection
	}
	done := make(chan result, 1)
	go func() {
		defer func() {
			if p := recover(); p != nil {
				d := tr.section()
				d.ErrorClass = "panic"
				done <- result{rejected(fmt.Sprintf("%s-probe: the driver panicked: %v", probe.name(), p), false), d}
			}
		}()
		r, d := probe.attempt(&req, tr)
		done <- result{r, d}
	}()
	bound := time.Duration((req.TimeoutSeconds + 3) * float64(time.Second))
	select {
	case r := <-done:
		return map[string]interface{}{"id": req.ID, "report": r.report, "driver": r.driver}
	case <-time.After(bound):
		d := tr.section()
		d.ErrorClass = "timeout"
		msg := fmt.Sprintf("%s-probe: no answer from the driver within %g s (+3 s)", probe.name(), req.TimeoutSeconds)
		r := rejected(msg, true)
		r.LocalPorts = tr.ports.list()
		return map[string]interface{}{"id": req.ID, "report": r, "driver": d}
	}
}
