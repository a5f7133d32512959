import java.io.BufferedReader;
import java.io.File;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * The pgJDBC driver probe (DRIVER-PROBE-SPEC.md / docs/client-worker-protocol.md, protocol v1):
 * one resident JVM that answers one JSON request line per connection attempt, translating every
 * libpq keyword to pgJDBC's own configuration through {@link PgjdbcMapping}.
 *
 * Server truth comes from the server: an accepted connection runs the same two statements as
 * Sources/PQProbe/ConnectionAttempt.swift. Each request runs on its own daemon thread bounded by
 * the request's timeout, so a hung or crashing attempt is answered as rejected and the next
 * request still runs. `--mapping` prints the mapping table as JSON instead.
 */
public final class PgjdbcProbe {
    static final String SERVER_VIEW_SQL = "select s.ssl, s.sslversion as version, s.sslcipher as cipher, s.sslbits as bits, "
            + "s.ssl_client_dn as client_dn, s.ssl_client_serial as client_serial, s.ssl_issuer_dn as issuer_dn, "
            + "pg_get_userbyid(s.usesysid) as usename, s.application_name, s.client_addr, s.client_port, "
            + "pg_backend_pid() as backend_pid, current_setting('cluster_name') as cluster_name, current_user, "
            + "session_user, exists (select 1 from pg_extension where extname = 'sslinfo') as has_sslinfo "
            + "from pg_stat_get_activity(pg_backend_pid()) s";
    static final String SSLINFO_SQL = "select ssl_is_used() as is_used, ssl_version() as version, ssl_cipher() as cipher, "
            + "ssl_client_cert_present() as client_cert_present, ssl_client_serial() as client_serial, "
            + "ssl_client_dn() as client_dn, ssl_issuer_dn() as issuer_dn";

    private static final ExecutorService WORKERS = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "pgjdbc-probe-request");
        t.setDaemon(true);
        return t;
    });

    public static void main(String[] args) throws Exception {
        PrintStream out = new PrintStream(new java.io.FileOutputStream(java.io.FileDescriptor.out), true, "UTF-8");
        // pgJDBC logs through java.util.logging; nothing but protocol lines may reach stdout.
        System.setOut(System.err);
        if (args.length > 0 && args[0].equals("--mapping")) {
            out.println(Json.write(PgjdbcMapping.table()));
            return;
        }
        Map<String, Object> hello = new LinkedHashMap<>();
        hello.put("protocolVersion", 1);
        hello.put("client", "pgjdbc");
        try {
            Class.forName("org.postgresql.Driver");
            hello.put("driver", driverInfo());
            hello.put("libraries", null);
        } catch (Throwable e) {
            Map<String, Object> error = new LinkedHashMap<>();
            error.put("code", "driver-load-failed");
            error.put("message", "pgJDBC could not be loaded (" + e + "); install it with: scripts/setup --drivers pgjdbc");
            hello.put("error", error);
            out.println(Json.write(hello));
            System.exit(1);
        }
        warmUp();
        out.println(Json.write(hello));
        BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        String line;
        while ((line = in.readLine()) != null) {
            if (line.isBlank()) continue;
            out.println(Json.write(answer(line)));
        }
        System.exit(0);
    }

    /**
     * Loads JSSE's handshake code once before the hello: a JVM's first TLS handshake loads
     * hundreds of classes, which on a loaded machine ate most of a 10 s loginTimeout and turned
     * the first case of a run into a spurious timeout.
     */
    static void warmUp() {
        try {
            javax.net.ssl.SSLEngine engine = javax.net.ssl.SSLContext.getDefault().createSSLEngine("localhost", 5432);
            engine.setUseClientMode(true);
            engine.wrap(java.nio.ByteBuffer.allocate(0), java.nio.ByteBuffer.allocate(engine.getSession().getPacketBufferSize()));
            Class.forName("org.postgresql.ssl.LibPQFactory");
            Class.forName("org.postgresql.core.v3.ConnectionFactoryImpl");
        } catch (Exception e) {
            // Only a speed-up: the first request pays the cost instead.
        }
    }

    static Map<String, Object> driverInfo() {
        Map<String, Object> driver = new LinkedHashMap<>();
        String runtime = System.getProperty("java.runtime.name", "Java").replace(" Runtime Environment", "") + " "
                + System.getProperty("java.version");
        driver.put("name", "pgjdbc");
        driver.put("version", org.postgresql.util.DriverInfo.DRIVER_VERSION);
        driver.put("runtime", runtime);
        driver.put("tls", "JSSE (" + runtime + ")");
        driver.put("mapping", PgjdbcMapping.helloMapping());
        return driver;
    }

    @SuppressWarnings("unchecked")
    static Map<String, Object> answer(String line) {
        Map<String, Object> response = new LinkedHashMap<>();
        Map<String, Object> request;
        List<String[]> parameters = new ArrayList<>();
        Map<String, String> environment = new LinkedHashMap<>();
        double timeout;
        try {
            request = (Map<String, Object>) Json.parse(line);
            response.put("id", request.get("id"));
            for (Object pair : (List<Object>) request.get("parameters")) {
                List<Object> kv = (List<Object>) pair;
                parameters.add(new String[] {(String) kv.get(0), (String) kv.get(1)});
            }
            Object env = request.get("environment");
            if (env != null) ((Map<String, Object>) env).forEach((k, v) -> environment.put(k, String.valueOf(v)));
            Object t = request.get("timeoutSeconds");
            timeout = t == null ? 10 : ((Number) t).doubleValue();
        } catch (RuntimeException e) {
            Map<String, Object> error = new LinkedHashMap<>();
            error.put("code", "bad-request");
            error.put("message", "the request line is not a protocol v1 request: " + e.getMessage());
            response.put("error", error);
            return response;
        }
        String id = String.valueOf(request.get("id"));
        PgjdbcMapping.Translation translation;
        try {
            translation = PgjdbcMapping.translate(id, parameters, environment, timeout);
        } catch (RuntimeException e) {
            return rejected(response, id, "the probe could not translate the request: " + e, e, null, false);
        }
        Future<Map<String, Object>> attempt = WORKERS.submit(() -> attempt(id, translation));
        try {
            long bound = (long) ((2 * timeout + 3) * 1000);
            Map<String, Object> answered = attempt.get(bound, TimeUnit.MILLISECONDS);
            response.putAll(answered);
            return response;
        } catch (TimeoutException e) {
            attempt.cancel(true);
            return rejected(response, id, "pgjdbc-probe: no answer from pgJDBC within " + (2 * timeout + 3) + " s", e,
                    translation, true);
        } catch (Exception e) {
            Throwable cause = e.getCause() == null ? e : e.getCause();
            return rejected(response, id, "pgjdbc-probe: the attempt crashed: " + cause, cause, translation, false);
        }
    }

    static Map<String, Object> attempt(String id, PgjdbcMapping.Translation translation) {
        Map<String, Object> response = new LinkedHashMap<>();
        Map<String, Object> report = new LinkedHashMap<>();
        Map<String, Object> driver = translation.driverSection();
        response.put("id", id);
        response.put("report", report);
        response.put("driver", driver);
        String previousHome = System.getProperty("user.home");
        try {
            if (translation.home != null) System.setProperty("user.home", translation.home);
            if (translation.passfile != null) System.setProperty("org.postgresql.pgpassfile", translation.passfile);
            try (Connection connection = DriverManager.getConnection(translation.url, translation.properties)) {
                report.put("status", "accepted");
                fillCommon(report, id, false);
                try (Statement statement = connection.createStatement()) {
                    Map<String, String> view = row(statement, SERVER_VIEW_SQL);
                    report.put("serverView", view);
                    if ("t".equals(view.get("has_sslinfo"))) report.put("sslinfo", row(statement, SSLINFO_SQL));
                } catch (SQLException e) {
                    report.put("queryError", e.getMessage());
                }
                driver.put("errorClass", null);
                driver.put("sqlstate", null);
            }
        } catch (SQLException e) {
            report.put("status", "rejected");
            report.put("errorMessage", e.getMessage());
            fillCommon(report, id, false);
            report.put("serverErrors", serverErrors(e));
            driver.put("errorClass", e.getClass().getName());
            driver.put("sqlstate", e.getSQLState());
            List<String> causes = new ArrayList<>();
            for (Throwable c = e.getCause(); c != null && causes.size() < 5; c = c.getCause()) causes.add(c.toString());
            if (!causes.isEmpty()) ((List<Object>) driver.get("notes")).add("caused by: " + String.join(" <- ", causes));
        } finally {
            if (previousHome != null) System.setProperty("user.home", previousHome);
            System.clearProperty("org.postgresql.pgpassfile");
            RedirectingSocketFactory.PORTS.remove(id);
        }
        return response;
    }

    private static void fillCommon(Map<String, Object> report, String id, boolean timedOut) {
        report.put("timedOut", timedOut);
        List<Integer> ports = RedirectingSocketFactory.PORTS.get(id);
        List<Object> copy = new ArrayList<>();
        if (ports != null) synchronized (ports) { copy.addAll(ports); }
        report.put("localPorts", copy);
        report.putIfAbsent("serverErrors", new ArrayList<>());
        report.put("usedPassword", false);
    }

    /** The ErrorResponse pgJDBC read, when the failure came from the server. */
    private static List<Object> serverErrors(SQLException e) {
        List<Object> errors = new ArrayList<>();
        if (e instanceof org.postgresql.util.PSQLException) {
            org.postgresql.util.ServerErrorMessage m = ((org.postgresql.util.PSQLException) e).getServerErrorMessage();
            if (m != null) {
                Map<String, Object> error = new LinkedHashMap<>();
                error.put("severity", m.getSeverity());
                error.put("sqlstate", m.getSQLState());
                error.put("message", m.getMessage());
                errors.add(error);
            }
        }
        return errors;
    }

    private static Map<String, Object> rejected(Map<String, Object> response, String id, String message, Throwable e,
            PgjdbcMapping.Translation translation, boolean timedOut) {
        Map<String, Object> report = new LinkedHashMap<>();
        report.put("status", "rejected");
        report.put("errorMessage", message);
        fillCommon(report, id, timedOut);
        Map<String, Object> driver = translation == null ? new LinkedHashMap<>() : translation.driverSection();
        driver.put("errorClass", e == null ? null : e.getClass().getName());
        driver.put("sqlstate", null);
        response.put("report", report);
        response.put("driver", driver);
        return response;
    }

    private static Map<String, String> row(Statement statement, String sql) throws SQLException {
        Map<String, String> row = new LinkedHashMap<>();
        try (ResultSet rs = statement.executeQuery(sql)) {
            if (!rs.next()) return row;
            ResultSetMetaData meta = rs.getMetaData();
            for (int i = 1; i <= meta.getColumnCount(); i++) {
                String value = rs.getString(i);
                if (value != null) row.put(meta.getColumnLabel(i), value);
            }
        }
        return row;
    }

    static String urlPart(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8).replace("+", "%20");
    }

    static boolean exists(String path) {
        return path != null && !path.isEmpty() && new File(path).exists();
    }

    static Path tempDirectory() throws java.io.IOException {
        return Files.createTempDirectory("pgjdbc-probe-");
    }
}
