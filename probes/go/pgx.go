package main

import (
	"context"
	"crypto/tls"
	"errors"
	"net"
	"os"
	"strings"
	"time"

	"github.com/jackc/pgconn"
	"github.com/jackc/pgx/v4"
)

// pgxProbe drives pgx v4 (pgconn 1.x underneath). Rules from pgconn's config.go (ParseConfig,
// configTLS): a libpq-style DSN; every key pgconn does not know is sent to the server as a
// run-time parameter (so a libpq TLS keyword it lacks would end in FATAL "unrecognized
// configuration parameter"): such keywords are not passed but reported as unsupported.
// Default files come from the passwd home directory (os/user), not from $HOME.
type pgxProbe struct{}

func (pgxProbe) name() string    { return "pgx" }
func (pgxProbe) version() string { return pgxVersion }

func (pgxProbe) table() []mappingRow {
	return []mappingRow{
		{"host", "host", kindSetting, "DSN host; the TLS server name under verify-full", nil},
		{"hostaddr", "Config.LookupFunc", kindSpecial, "pgconn has no hostaddr: its documented LookupFunc hook resolves host to hostaddr, host stays the TLS name", nil},
		{"port", "port", kindSetting, "", nil},
		{"dbname", "dbname", kindSetting, "", nil},
		{"user", "user", kindSetting, "", nil},
		{"password", "password", kindSetting, "", nil},
		{"passfile", "passfile", kindSetting, "read when no password is given", nil},
		{"sslmode", "sslmode", kindSetting, "same words; prefer/allow via Config.Fallbacks; require verifies the chain when sslrootcert is set (no host name)", nil},
		{"sslrootcert", "sslrootcert", kindRoot, "passed as given; 'system' is not passed, so Go verifies against the system roots; default ~/.postgresql/root.crt of the passwd home", nil},
		{"sslcert", "sslcert", kindFile, "both sslcert and sslkey or neither", nil},
		{"sslkey", "sslkey", kindFile, "tls.LoadX509KeyPair: no encrypted keys", nil},
		{"sslpassword", "", kindNone, "no equivalent in pgconn 1.x (an encrypted key cannot be loaded)", []string{""}},
		{"sslcrl", "", kindNone, "no equivalent (Go crypto/tls checks no CRL)", nil},
		{"sslcrldir", "", kindNone, "no equivalent", nil},
		{"sslsni", "", kindNone, "no equivalent: SNI is sent only under verify-full (tls.Config.ServerName)", []string{"1"}},
		{"ssl_min_protocol_version", "TLSConfig.MinVersion", kindSpecial, "set on Config.TLSConfig and every fallback's TLSConfig", nil},
		{"ssl_max_protocol_version", "TLSConfig.MaxVersion", kindSpecial, "set on Config.TLSConfig and every fallback's TLSConfig", nil},
		{"channel_binding", "", kindNone, "no equivalent: pgconn 1.x has no SCRAM-SHA-256-PLUS (the key would be sent to the server as a setting)", []string{"disable", "prefer"}},
		{"gssencmode", "", kindNone, "no equivalent: pgconn never negotiates GSS encryption", []string{"disable", "prefer", "allow"}},
		{"sslcertmode", "", kindNone, "no equivalent: a configured client certificate is always offered", []string{"allow"}},
		{"require_auth", "", kindNone, "no equivalent", nil},
		{"sslnegotiation", "", kindNone, "no equivalent: always the PostgreSQL SSLRequest", []string{"postgres"}},
		{"target_session_attrs", "target_session_attrs", kindSetting, "same words", nil},
		{"connect_timeout", "connect_timeout", kindSetting, "seconds, per dial; the whole attempt is bounded by the request timeout (context)", nil},
		{"application_name", "application_name", kindSetting, "sent as a run-time parameter", nil},
		{"options", "options", kindSetting, "sent as a run-time parameter", nil},
		{"service", "service", kindSetting, "", nil},
	}
}

func dsn(settings [][2]string) string {
	parts := []string{}
	for _, kv := range settings {
		v := strings.ReplaceAll(strings.ReplaceAll(kv[1], `\`, `\\`), `'`, `\'`)
		parts = append(parts, kv[0]+"='"+v+"'")
	}
	return strings.Join(parts, " ")
}

var tlsVersions = map[string]uint16{"TLSv1": tls.VersionTLS10, "TLSv1.0": tls.VersionTLS10, "TLSv1.1": tls.VersionTLS11,
	"TLSv1.2": tls.VersionTLS12, "TLSv1.3": tls.VersionTLS13}

// tlsBounds reads ssl_min/max_protocol_version; an unknown word is reported as unsupported.
func tlsBounds(t *translation) (min, max uint16) {
	if v, ok := t.params["ssl_min_protocol_version"]; ok && v != "" {
		if min, ok = tlsVersions[v]; !ok {
			t.unsupport("ssl_min_protocol_version", "no Go TLS version for "+v)
		} else {
			t.passed["TLSConfig.MinVersion"] = v
		}
	}
	if v, ok := t.params["ssl_max_protocol_version"]; ok && v != "" {
		if max, ok = tlsVersions[v]; !ok {
			t.unsupport("ssl_max_protocol_version", "no Go TLS version for "+v)
		} else {
			t.passed["TLSConfig.MaxVersion"] = v
		}
	}
	return
}

func (pgxProbe) attempt(req *request, t *translation) (*report, *driverSection) {
	if home, ok := req.Environment["HOME"]; ok {
		os.Setenv("HOME", home)
	}
	min, max := tlsBounds(t)
	conninfo := dsn(t.settings)
	config, err := pgx.ParseConfig(conninfo)
	if err != nil {
		d := t.section()
		d.ErrorClass = errorClass(err)
		return rejected(err.Error(), false), d
	}
	if addr := t.params["hostaddr"]; addr != "" {
		config.LookupFunc = func(ctx context.Context, host string) ([]string, error) { return []string{addr}, nil }
		t.passed["Config.LookupFunc"] = "resolves to " + addr
	}
	dial := config.DialFunc
	config.DialFunc = func(ctx context.Context, network, address string) (net.Conn, error) {
		conn, err := dial(ctx, network, address)
		if err == nil {
			t.ports.add(conn)
		}
		return conn, err
	}
	bound := func(c *tls.Config) {
		if c != nil {
			c.MinVersion, c.MaxVersion = min, max
		}
	}
	bound(config.TLSConfig)
	for _, f := range config.Fallbacks {
		bound(f.TLSConfig)
	}
	ctx, cancel := context.WithTimeout(context.Background(), time.Duration(req.TimeoutSeconds*float64(time.Second)))
	defer cancel()
	conn, err := pgx.ConnectConfig(ctx, config)
	d := t.section()
	if err != nil {
		r := rejected(err.Error(), errors.Is(err, context.DeadlineExceeded))
		r.LocalPorts = t.ports.list()
		d.ErrorClass = errorClass(err)
		var pgErr *pgconn.PgError
		if errors.As(err, &pgErr) {
			r.ServerErrors = []serverError{{pgErr.Severity, pgErr.Code, pgErr.Message}}
			code := pgErr.Code
			d.SQLState = &code
		}
		return r, d
	}
	defer conn.Close(context.Background())
	r := accepted()
	r.LocalPorts = t.ports.list()
	r.TLS = tlsClaimOf(conn.PgConn().Conn())
	view, err := pgxRow(ctx, conn.PgConn(), serverViewSQL)
	if err != nil {
		msg := err.Error()
		r.QueryError = &msg
		return r, d
	}
	r.ServerView = view
	if view["has_sslinfo"] == "t" {
		if info, err := pgxRow(ctx, conn.PgConn(), sslinfoSQL); err == nil {
			r.Sslinfo = info
		} else {
			msg := err.Error()
			r.QueryError = &msg
		}
	}
	return r, d
}

// pgxRow runs a statement over the simple protocol, so values come back as the server's text.
func pgxRow(ctx context.Context, conn *pgconn.PgConn, sql string) (map[string]string, error) {
	results, err := conn.Exec(ctx, sql).ReadAll()
	if err != nil {
		return nil, err
	}
	row := map[string]string{}
	if len(results) == 0 || len(results[0].Rows) == 0 {
		return row, nil
	}
	for i, field := range results[0].FieldDescriptions {
		if value := results[0].Rows[0][i]; value != nil {
			row[string(field.Name)] = string(value)
		}
	}
	return row, nil
}

func tlsClaimOf(conn net.Conn) *tlsClaim {
	tc, ok := conn.(*tls.Conn)
	if !ok {
		return &tlsClaim{Encrypted: false}
	}
	state := tc.ConnectionState()
	names := map[uint16]string{tls.VersionTLS10: "TLSv1", tls.VersionTLS11: "TLSv1.1", tls.VersionTLS12: "TLSv1.2",
		tls.VersionTLS13: "TLSv1.3"}
	protocol, cipher, library := names[state.Version], tls.CipherSuiteName(state.CipherSuite), "Go crypto/tls"
	return &tlsClaim{Encrypted: true, Protocol: &protocol, Cipher: &cipher, Library: &library}
}
