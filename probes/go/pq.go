package main

import (
	"context"
	"database/sql/driver"
	"errors"
	"io"
	"net"
	"os"
	"strconv"
	"time"

	"github.com/lib/pq"
)

// pqProbe drives lib/pq. Rules from its ssl.go and conn.go: sslmode is one of disable, require
// (the default), verify-ca, verify-full (prefer and allow are refused); every key it does not
// treat as a driver setting (isDriverSetting) is sent to the server as a run-time parameter, so
// libpq keywords it lacks are not passed but reported as unsupported. Default client files
// come from the passwd home directory (os/user), not from $HOME.
type pqProbe struct{}

func (pqProbe) name() string    { return "lib-pq" }
func (pqProbe) version() string { return pqVersion }

func (pqProbe) table() []mappingRow {
	return []mappingRow{
		{"host", "host", kindSetting, "DSN host; the TLS server name (SNI, verify-full, and verify-ca's check when SNI is on)", nil},
		{"hostaddr", "Connector.Dialer", kindSpecial, "lib/pq has no hostaddr: its documented Dialer hook dials hostaddr, host stays the TLS name", nil},
		{"port", "port", kindSetting, "", nil},
		{"dbname", "dbname", kindSetting, "", nil},
		{"user", "user", kindSetting, "", nil},
		{"password", "password", kindSetting, "", nil},
		{"passfile", "", kindNone, "no equivalent: lib/pq reads only PGPASSFILE or ~/.pgpass (the key would be sent to the server as a setting)", nil},
		{"sslmode", "sslmode", kindSetting, "disable, require (default), verify-ca, verify-full; prefer and allow are errors", nil},
		{"sslrootcert", "sslrootcert", kindRoot, "passed as given; 'system' is not passed, so Go verifies against the system roots", nil},
		{"sslcert", "sslcert", kindFile, "default ~/.postgresql/postgresql.crt of the passwd home", nil},
		{"sslkey", "sslkey", kindFile, "must be 0600 (or 0640 root-owned); no encrypted keys", nil},
		{"sslpassword", "", kindNone, "no equivalent in lib/pq 1.10 (an encrypted key cannot be loaded)", []string{""}},
		{"sslcrl", "", kindNone, "no equivalent (Go crypto/tls checks no CRL)", nil},
		{"sslcrldir", "", kindNone, "no equivalent", nil},
		{"sslsni", "sslsni", kindSetting, "same meaning (a value starting with 1 sends SNI)", nil},
		{"ssl_min_protocol_version", "", kindNone, "no equivalent: Go's client default minimum is TLS 1.2", []string{"TLSv1.2"}},
		{"ssl_max_protocol_version", "", kindNone, "no equivalent", []string{""}},
		{"channel_binding", "", kindNone, "no equivalent: lib/pq has no SCRAM-SHA-256-PLUS", []string{"disable", "prefer"}},
		{"gssencmode", "", kindNone, "no equivalent: lib/pq never negotiates GSS encryption", []string{"disable", "prefer", "allow"}},
		{"sslcertmode", "", kindNone, "no equivalent: a configured client certificate is always offered", []string{"allow"}},
		{"require_auth", "", kindNone, "no equivalent", nil},
		{"sslnegotiation", "", kindNone, "no equivalent: always the PostgreSQL SSLRequest", []string{"postgres"}},
		{"target_session_attrs", "", kindNone, "no equivalent in lib/pq 1.10", []string{"any"}},
		{"connect_timeout", "connect_timeout", kindSetting, "seconds; the whole attempt is bounded by the request timeout (context)", nil},
		{"application_name", "application_name", kindSetting, "sent as a run-time parameter", nil},
		{"options", "options", kindSetting, "sent as a run-time parameter", nil},
		{"krbsrvname", "krbsrvname", kindSetting, "", nil},
	}
}

// redirectDialer dials hostaddr instead of host (libpq's hostaddr) and records local ports.
type redirectDialer struct {
	hostaddr string
	ports    *portLog
}

func (d redirectDialer) target(address string) string {
	if d.hostaddr == "" {
		return address
	}
	if _, port, err := net.SplitHostPort(address); err == nil {
		return net.JoinHostPort(d.hostaddr, port)
	}
	return address
}

func (d redirectDialer) DialContext(ctx context.Context, network, address string) (net.Conn, error) {
	var dialer net.Dialer
	conn, err := dialer.DialContext(ctx, network, d.target(address))
	if err == nil {
		d.ports.add(conn)
	}
	return conn, err
}

func (d redirectDialer) Dial(network, address string) (net.Conn, error) {
	return d.DialContext(context.Background(), network, address)
}

func (d redirectDialer) DialTimeout(network, address string, timeout time.Duration) (net.Conn, error) {
	ctx, cancel := context.WithTimeout(context.Background(), timeout)
	defer cancel()
	return d.DialContext(ctx, network, address)
}

func (pqProbe) attempt(req *request, t *translation) (*report, *driverSection) {
	if home, ok := req.Environment["HOME"]; ok {
		os.Setenv("HOME", home)
	}
	connector, err := pq.NewConnector(dsn(t.settings))
	if err != nil {
		d := t.section()
		d.ErrorClass = errorClass(err)
		return rejected(err.Error(), false), d
	}
	connector.Dialer(redirectDialer{hostaddr: t.params["hostaddr"], ports: t.ports})
	if addr := t.params["hostaddr"]; addr != "" {
		t.passed["Connector.Dialer"] = "dials " + addr
	}
	ctx, cancel := context.WithTimeout(context.Background(), time.Duration(req.TimeoutSeconds*float64(time.Second)))
	defer cancel()
	conn, err := connector.Connect(ctx)
	d := t.section()
	if err != nil {
		r := rejected(err.Error(), errors.Is(err, context.DeadlineExceeded))
		r.LocalPorts = t.ports.list()
		d.ErrorClass = errorClass(err)
		var pqErr *pq.Error
		if errors.As(err, &pqErr) {
			code := string(pqErr.Code)
			r.ServerErrors = []serverError{{pqErr.Severity, code, pqErr.Message}}
			d.SQLState = &code
		}
		return r, d
	}
	defer conn.Close()
	r := accepted()
	r.LocalPorts = t.ports.list()
	view, err := pqRow(conn, serverViewSQL)
	if err != nil {
		msg := err.Error()
		r.QueryError = &msg
		return r, d
	}
	r.ServerView = view
	if view["has_sslinfo"] == "t" {
		if info, err := pqRow(conn, sslinfoSQL); err == nil {
			r.Sslinfo = info
		} else {
			msg := err.Error()
			r.QueryError = &msg
		}
	}
	return r, d
}

// pqRow runs a statement on the driver connection and turns lib/pq's decoded values back into
// the server's text form (booleans as t/f), so the row reads like the libpq probe's.
func pqRow(conn driver.Conn, sql string) (map[string]string, error) {
	queryer, ok := conn.(driver.Queryer)
	if !ok {
		return nil, errors.New("lib/pq connection has no Query")
	}
	rows, err := queryer.Query(sql, nil)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	columns := rows.Columns()
	values := make([]driver.Value, len(columns))
	row := map[string]string{}
	if err := rows.Next(values); err != nil {
		if err == io.EOF {
			return row, nil
		}
		return nil, err
	}
	for i, name := range columns {
		switch v := values[i].(type) {
		case nil:
		case bool:
			if v {
				row[name] = "t"
			} else {
				row[name] = "f"
			}
		case []byte:
			row[name] = string(v)
		case string:
			row[name] = v
		case int64:
			row[name] = strconv.FormatInt(v, 10)
		default:
			row[name] = fmtValue(v)
		}
	}
	return row, nil
}
