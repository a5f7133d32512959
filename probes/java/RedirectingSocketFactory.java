import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ConcurrentHashMap;
import javax.net.SocketFactory;

/**
 * libpq's {@code hostaddr} through pgJDBC's documented {@code socketFactory} hook: pgJDBC keeps
 * using the URL's host name for SNI and host-name verification, while the TCP connection goes to
 * the numeric address, exactly as libpq does with host + hostaddr. It also records the local port
 * of every socket pgJDBC opens (prefer/allow open two) so the harness can pair the server's log
 * lines with the attempt.
 *
 * pgJDBC instantiates the factory with the connection's Properties (ObjectFactory tries a
 * Properties constructor first); the probe puts its own two keys there, which pgJDBC ignores.
 */
public final class RedirectingSocketFactory extends SocketFactory {
    static final String HOSTADDR = "pgsslmatrix.hostaddr";
    static final String REQUEST = "pgsslmatrix.request";
    /** Local ports per request id, filled from the connecting thread (pgJDBC's login thread). */
    static final Map<String, List<Integer>> PORTS = new ConcurrentHashMap<>();

    private final String hostaddr;
    private final String request;

    public RedirectingSocketFactory(Properties info) {
        this.hostaddr = info.getProperty(HOSTADDR);
        this.request = info.getProperty(REQUEST, "");
    }

    private final class RecordingSocket extends Socket {
        @Override
        public void connect(SocketAddress endpoint, int timeout) throws IOException {
            SocketAddress target = endpoint;
            if (hostaddr != null && endpoint instanceof InetSocketAddress) {
                target = new InetSocketAddress(InetAddress.getByName(hostaddr), ((InetSocketAddress) endpoint).getPort());
            }
            super.connect(target, timeout);
            List<Integer> ports = PORTS.computeIfAbsent(request, k -> new ArrayList<>());
            synchronized (ports) {
                ports.add(getLocalPort());
            }
        }
    }

    @Override
    public Socket createSocket() {
        return new RecordingSocket();
    }

    @Override
    public Socket createSocket(String host, int port) throws IOException {
        Socket socket = createSocket();
        socket.connect(new InetSocketAddress(host, port));
        return socket;
    }

    @Override
    public Socket createSocket(String host, int port, InetAddress localHost, int localPort) throws IOException {
        Socket socket = createSocket();
        socket.bind(new InetSocketAddress(localHost, localPort));
        socket.connect(new InetSocketAddress(host, port));
        return socket;
    }

    @Override
    public Socket createSocket(InetAddress host, int port) throws IOException {
        Socket socket = createSocket();
        socket.connect(new InetSocketAddress(host, port));
        return socket;
    }

    @Override
    public Socket createSocket(InetAddress address, int port, InetAddress localAddress, int localPort)
            throws IOException {
        Socket socket = createSocket();
        socket.bind(new InetSocketAddress(localAddress, localPort));
        socket.connect(new InetSocketAddress(address, port));
        return socket;
    }
}
