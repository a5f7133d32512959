import java.io.File;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;

/**
 * The one static table from libpq keywords to pgJDBC's configuration, following pgJDBC's
 * documented rules (docs: "Connecting to the Database" / "Using SSL"; source: PGProperty,
 * ssl/LibPQFactory, ssl/MakeSSL). A libpq keyword pgJDBC has no equivalent for is never dropped
 * silently: when its value is not libpq's default it is listed in {@code unsupported}.
 *
 * A pgJDBC property name is checked against the installed driver ({@code PGProperty.forName}):
 * a property this driver version does not know is ignored by pgJDBC, so the keyword counts as
 * unsupported even though the probe passed it (that is how channelBinding behaves in 42.5.5).
 */
final class PgjdbcMapping {
    /** keyword -> {native configuration, rule}; the order is the order of the printed table. */
    static final String[][] TABLE = {
        {"host", "URL host", "jdbc:postgresql://HOST:PORT/DBNAME; also the name for SNI and verify-full"},
        {"hostaddr", "socketFactory", "probe's RedirectingSocketFactory connects to hostaddr while pgJDBC keeps host for SNI/verification"},
        {"port", "URL port", ""},
        {"dbname", "URL path", "URL-encoded"},
        {"user", "user", ""},
        {"password", "password", ""},
        {"passfile", "system property org.postgresql.pgpassfile", "pgJDBC's PgPassParser reads it when no password is given"},
        {"sslmode", "sslmode", "same words (disable, allow, prefer, require, verify-ca, verify-full); require does not verify the chain even with a root file"},
        {"sslrootcert", "sslrootcert", "'system' -> sslfactory=org.postgresql.ssl.DefaultJavaSSLFactory (JVM trust store); default ~/.postgresql/root.crt (user.home = request HOME)"},
        {"sslcert", "sslcert", "default ~/.postgresql/postgresql.crt; a file that does not exist is not passed (libpq skips it, pgJDBC would fail)"},
        {"sslkey", "sslkey", "pgJDBC reads PKCS#8 DER only (default ~/.postgresql/postgresql.pk8): a PEM key is converted as its docs say (openssl pkcs8 -topk8 -outform DER)"},
        {"sslpassword", "sslpassword", ""},
        {"sslcrl", null, "no equivalent (pgJDBC has no CRL option)"},
        {"sslcrldir", null, "no equivalent"},
        {"sslsni", null, "no equivalent: JSSE sends SNI whenever host is a name"},
        {"ssl_min_protocol_version", null, "no equivalent: JSSE defaults (TLSv1.2 minimum in OpenJDK 17)"},
        {"ssl_max_protocol_version", null, "no equivalent"},
        {"channel_binding", "channelBinding", "only drivers that know the property (PGProperty) honour it; unknown properties are ignored"},
        {"gssencmode", "gssEncMode", "same words"},
        {"sslcertmode", null, "no equivalent (a client certificate is sent when sslcert/sslkey load)"},
        {"require_auth", null, "no equivalent"},
        {"sslnegotiation", "sslNegotiation", "only drivers that know the property honour it"},
        {"target_session_attrs", "targetServerType", "any->any, read-write/primary->primary, standby->secondary, prefer-standby->preferSecondary"},
        {"connect_timeout", "connectTimeout", "seconds; loginTimeout and socketTimeout are the request's timeout"},
        {"application_name", "ApplicationName", ""},
        {"options", "options", ""},
        {"krbsrvname", "kerberosServerName", ""},
        {"keepalives", "tcpKeepAlive", "1 -> true, 0 -> false"},
        {"service", "service", ""},
    };

    /** libpq's default for each keyword without a pgJDBC equivalent ("" = unset / no file). */
    static final Map<String, String> LIBPQ_DEFAULTS = Map.of(
            "sslsni", "1", "ssl_min_protocol_version", "TLSv1.2", "ssl_max_protocol_version", "",
            "channel_binding", "prefer", "sslcertmode", "allow", "require_auth", "", "sslnegotiation", "postgres");

    static Map<String, Object> table() {
        List<Object> rows = new ArrayList<>();
        for (String[] row : TABLE) {
            Map<String, Object> entry = new LinkedHashMap<>();
            entry.put("keyword", row[0]);
            entry.put("native", row[1]);
            entry.put("rule", row[2]);
            rows.add(entry);
        }
        Map<String, Object> table = new LinkedHashMap<>();
        table.put("driver", "pgjdbc");
        table.put("mapping", rows);
        return table;
    }

    /** keyword -> pgJDBC's equivalent (null = none), as the hello's driver.mapping. */
    static Map<String, Object> helloMapping() {
        Map<String, Object> mapping = new LinkedHashMap<>();
        for (String[] row : TABLE) {
            String name = row[1];
            boolean known = name == null || !name.matches("[A-Za-z]+") || org.postgresql.PGProperty.forName(name) != null;
            mapping.put(row[0], name == null || !known ? null : name);
        }
        return mapping;
    }

    static String nativeName(String keyword) {
        for (String[] row : TABLE) if (row[0].equals(keyword)) return row[1];
        return null;
    }

    /** What the probe hands pgJDBC for one request. */
    static final class Translation {
        String url;
        final Properties properties = new Properties();
        final Map<String, Object> passed = new LinkedHashMap<>();
        final List<Object> unsupported = new ArrayList<>();
        final List<Object> notes = new ArrayList<>();
        String home;
        String passfile;

        Map<String, Object> driverSection() {
            Map<String, Object> driver = new LinkedHashMap<>();
            driver.put("errorClass", null);
            driver.put("sqlstate", null);
            driver.put("passed", new LinkedHashMap<>(passed));
            driver.put("unsupported", new ArrayList<>(unsupported));
            driver.put("notes", new ArrayList<>(notes));
            return driver;
        }

        void set(String property, String value) {
            properties.setProperty(property, value);
            boolean secret = property.equals("password") || property.equals("sslpassword");
            passed.put(property, secret ? "***" : value);
            if (!property.startsWith("pgsslmatrix.") && org.postgresql.PGProperty.forName(property) == null) {
                notes.add("pgJDBC " + org.postgresql.util.DriverInfo.DRIVER_VERSION + " does not know the property "
                        + property + " and ignores it");
            }
        }

        void unsupported(String keyword, String why) {
            if (!unsupported.contains(keyword)) unsupported.add(keyword);
            notes.add(keyword + ": " + why);
        }
    }

    static Translation translate(String id, List<String[]> parameters, Map<String, String> environment, double timeout) {
        Translation t = new Translation();
        Map<String, String> p = new LinkedHashMap<>();
        for (String[] kv : parameters) p.put(kv[0], kv[1]);
        t.home = environment.get("HOME");
        String host = p.getOrDefault("host", "localhost");
        String port = p.getOrDefault("port", "5432");
        String dbname = p.getOrDefault("dbname", p.getOrDefault("user", ""));
        String urlHost = host.contains(":") ? "[" + host + "]" : host;
        t.url = "jdbc:postgresql://" + urlHost + ":" + port + "/" + PgjdbcProbe.urlPart(dbname);
        t.passed.put("url", t.url);
        // Twice the request's timeout (the parent kills a probe only after 2 x timeout + 5 s): a
        // JVM's first handshakes on a loaded 2-core machine took longer than 10 s of wall time,
        // and a spurious "Connection attempt timed out." would be a probe artefact, not pgJDBC's.
        int seconds = (int) Math.max(1, Math.ceil(2 * timeout));
        t.set("loginTimeout", String.valueOf(seconds));
        t.set("socketTimeout", String.valueOf(seconds));
        t.set(RedirectingSocketFactory.REQUEST, id);
        t.set("socketFactory", RedirectingSocketFactory.class.getName());
        for (Map.Entry<String, String> entry : p.entrySet()) {
            String keyword = entry.getKey();
            String value = entry.getValue();
            switch (keyword) {
                case "host": case "port": case "dbname":
                    break;
                case "hostaddr":
                    if (!value.isEmpty()) t.set(RedirectingSocketFactory.HOSTADDR, value);
                    break;
                case "passfile":
                    t.passfile = value;
                    t.passed.put("org.postgresql.pgpassfile", value);
                    break;
                case "sslrootcert":
                    if (value.equals("system")) {
                        t.set("sslfactory", "org.postgresql.ssl.DefaultJavaSSLFactory");
                    } else {
                        t.set("sslrootcert", value);
                    }
                    break;
                case "sslcert": case "sslkey":
                    // libpq treats a client certificate or key file that does not exist as not
                    // given; pgJDBC fails on an explicit missing file, so it is not passed (pgJDBC
                    // then looks for its own default under the request's HOME, as libpq would).
                    if (!PgjdbcProbe.exists(value)) {
                        t.notes.add(keyword + ": " + value + " does not exist; not passed (libpq skips a missing file)");
                    } else {
                        t.set(keyword, keyword.equals("sslkey") ? pkcs8Key(value, p.get("sslpassword"), t) : value);
                    }
                    break;
                case "sslcrl": case "sslcrldir":
                    if (PgjdbcProbe.exists(value)) t.unsupported(keyword, "pgJDBC has no CRL option; the file was not used");
                    break;
                case "target_session_attrs":
                    t.set("targetServerType", targetServerType(value, t));
                    break;
                case "keepalives":
                    t.set("tcpKeepAlive", value.equals("0") ? "false" : "true");
                    break;
                case "connect_timeout":
                    t.set("connectTimeout", value);
                    break;
                default:
                    String name = nativeName(keyword);
                    boolean known = name != null && org.postgresql.PGProperty.forName(name) != null;
                    if (known) {
                        t.set(name, value);
                    } else if (TABLE_HAS(keyword) || LIBPQ_DEFAULTS.containsKey(keyword)) {
                        String libpqDefault = LIBPQ_DEFAULTS.get(keyword);
                        if (libpqDefault == null || !libpqDefault.equals(value)) {
                            String why = name == null ? "no pgJDBC equivalent"
                                    : "pgJDBC " + org.postgresql.util.DriverInfo.DRIVER_VERSION + " has no " + name + " property";
                            t.unsupported(keyword, why + " (value " + value + " not applied)");
                            // Handed over anyway, as a user following newer pgJDBC docs would: the
                            // driver's own behaviour with it is what gets measured.
                            if (name != null) t.set(name, value);
                        }
                    } else {
                        t.unsupported(keyword, "unknown to the probe's mapping table");
                    }
            }
        }
        return t;
    }

    private static boolean TABLE_HAS(String keyword) {
        for (String[] row : TABLE) if (row[0].equals(keyword)) return true;
        return false;
    }

    private static String targetServerType(String value, Translation t) {
        switch (value) {
            case "any": return "any";
            case "read-write": case "primary": return "primary";
            case "standby": case "read-only": return "secondary";
            case "prefer-standby": return "preferSecondary";
            default:
                t.unsupported("target_session_attrs", "no pgJDBC targetServerType for " + value);
                return "any";
        }
    }

    /**
     * pgJDBC's LazyKeyManager reads a PKCS#8 DER key; its docs tell users to convert a PEM key
     * with `openssl pkcs8 -topk8 -outform DER`. The probe does that conversion (encrypted with the
     * sslpassword when one is given) and passes the converted file; when the file is absent, not
     * PEM, or the conversion fails, the original path is passed unchanged and pgJDBC decides.
     */
    private static String pkcs8Key(String path, String password, Translation t) {
        File file = new File(path);
        if (!file.isFile()) return path;
        try {
            byte[] head = java.nio.file.Files.readAllBytes(file.toPath());
            if (!new String(head, java.nio.charset.StandardCharsets.ISO_8859_1).contains("-----BEGIN")) return path;
            Path dir = PgjdbcProbe.tempDirectory();
            dir.toFile().deleteOnExit();
            File out = dir.resolve("postgresql.pk8").toFile();
            out.deleteOnExit();
            List<String> command = new ArrayList<>(List.of("openssl", "pkcs8", "-topk8", "-inform", "PEM", "-outform", "DER",
                    "-in", path, "-out", out.getPath(), "-passin", "pass:" + (password == null ? "" : password)));
            if (password == null || password.isEmpty()) {
                command.add("-nocrypt");
            } else {
                command.addAll(List.of("-v1", "PBE-SHA1-3DES", "-passout", "pass:" + password));
            }
            Process process = new ProcessBuilder(command).redirectErrorStream(true)
                    .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null"))).start();
            String output = new String(process.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
            if (!process.waitFor(10, TimeUnit.SECONDS) || process.exitValue() != 0) {
                process.destroyForcibly();
                t.notes.add("sslkey: openssl pkcs8 could not convert the PEM key (" + output.trim()
                        + "); passed unchanged");
                return path;
            }
            t.notes.add("sslkey: PEM key converted to PKCS#8 DER (" + (password == null || password.isEmpty()
                    ? "unencrypted" : "encrypted with sslpassword, PBE-SHA1-3DES") + ") as pgJDBC's docs say");
            return out.getPath();
        } catch (Exception e) {
            t.notes.add("sslkey: conversion failed (" + e + "); passed unchanged");
            return path;
        }
    }
}
