package org.healpixzarr.server;

import java.io.IOException;
import java.io.PrintWriter;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.server.handler.ErrorHandler;
import org.eclipse.jetty.util.thread.QueuedThreadPool;
import org.healpixzarr.server.catalog.Catalog;
import org.healpixzarr.server.catalog.PathGuard;
import org.healpixzarr.server.ows.OwsService;
import org.healpixzarr.server.rest.AdminPassword;

/**
 * The healpix-zarr HTTP server: OGC services, admin REST API and pages, map page, over one catalogue kept in a data
 * folder. Start with {@link #builder()}; {@link #close()} stops it. Thread-safe.
 *
 * <p>The data folder holds {@code catalog.json} (the catalogue) and {@code admin.password} (the hashed admin
 * password, mode 600). It is created (mode 700) on first start. Store paths must lie under the allowed roots: the
 * data folder and any {@link Builder#root} given.
 */
public final class HealpixZarrServer implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger(HealpixZarrServer.class.getName());

    private final Server jetty;
    private final ServerConnector connector;
    private final Catalog catalog;
    private final Path dataDir;
    private final OwsDispatcher dispatcher;
    private final String bind;

    /** Options of a server; {@link #start()} starts it. Not thread-safe. */
    public static final class Builder {
        private Path dataDir = Path.of("healpix-zarr-data");
        private final List<Path> roots = new ArrayList<>();
        private String bind = "127.0.0.1";
        private int port = 8080;
        private boolean resetPassword;
        private PrintWriter console = new PrintWriter(System.out, true);
        private Map<String, OwsService> services;

        private Builder() {}

        /** Data folder (catalogue, password); created if absent. Default {@code ./healpix-zarr-data}. */
        public Builder dataDir(Path d) { this.dataDir = Objects.requireNonNull(d); return this; }

        /** Adds an allowed root for store paths (the data folder always is one). Must exist. */
        public Builder root(Path r) { roots.add(Objects.requireNonNull(r)); return this; }

        /** Address to listen on; default {@code 127.0.0.1} (this machine only). */
        public Builder bind(String address) { this.bind = Objects.requireNonNull(address); return this; }

        /** TCP port, 0..65535; 0 picks a free one (see {@link HealpixZarrServer#port()}). Default 8080. */
        public Builder port(int p) {
            if (p < 0 || p > 65535) throw new IllegalArgumentException("port must be in 0..65535, found " + p);
            this.port = p;
            return this;
        }

        /** Generates a new admin password even if one exists. */
        public Builder resetPassword(boolean r) { this.resetPassword = r; return this; }

        /** Where a newly generated admin password is shown (once). Default standard output. */
        public Builder console(PrintWriter c) { this.console = Objects.requireNonNull(c); return this; }

        /** The OGC services by SERVICE name; default: those found with {@link java.util.ServiceLoader}. */
        public Builder services(Map<String, OwsService> s) { this.services = Map.copyOf(s); return this; }

        /**
         * Creates the data folder if needed, loads (or creates) the admin password and the catalogue, and starts
         * listening.
         *
         * @throws IOException if the data folder, the password file or the catalogue cannot be read or written,
         *                     a root does not exist, or the port is taken
         */
        public HealpixZarrServer start() throws IOException {
            return new HealpixZarrServer(this);
        }
    }

    /** A new builder with the defaults. */
    public static Builder builder() {
        return new Builder();
    }

    private HealpixZarrServer(Builder b) throws IOException {
        this.dataDir = b.dataDir.toAbsolutePath().normalize();
        this.bind = b.bind;
        if (!Files.isDirectory(dataDir)) {
            Files.createDirectories(dataDir);
            if (dataDir.getFileSystem().supportedFileAttributeViews().contains("posix")) {
                Files.setPosixFilePermissions(dataDir, PosixFilePermissions.fromString("rwx------"));
            }
        }
        AdminPassword.Loaded pw = AdminPassword.load(dataDir, b.resetPassword);
        if (pw.generated() != null) {
            b.console.println("Admin user:     " + AdminPassword.USER);
            b.console.println("Admin password: " + pw.generated());
            b.console.println("  (shown only now; stored hashed in " + dataDir.resolve(AdminPassword.FILE)
                    + "; 'serve --reset-password' makes a new one)");
            b.console.flush();
        }
        List<Path> roots = new ArrayList<>();
        roots.add(dataDir);
        roots.addAll(b.roots);
        this.catalog = Catalog.open(dataDir, new PathGuard(roots));
        this.dispatcher = new OwsDispatcher(b.services != null ? b.services : OwsDispatcher.discover());

        QueuedThreadPool pool = new QueuedThreadPool(64, 4);
        pool.setName("healpix-zarr-http");
        this.jetty = new Server(pool);
        HttpConfiguration http = new HttpConfiguration();
        http.setSendServerVersion(false);
        http.setSendXPoweredBy(false);
        // behind a reverse proxy (TLS, another host or port), absolute links in capabilities follow the
        // Forwarded / X-Forwarded-* headers the proxy sets, so clients are sent back through the proxy
        http.addCustomizer(new org.eclipse.jetty.server.ForwardedRequestCustomizer());
        this.connector = new ServerConnector(jetty, new HttpConnectionFactory(http));
        connector.setHost(b.bind);
        connector.setPort(b.port);
        jetty.addConnector(connector);
        ErrorHandler errors = new ErrorHandler();
        errors.setShowStacks(false);
        errors.setShowCauses(false);
        errors.setShowMessageInTitle(false);
        jetty.setErrorHandler(errors);
        jetty.setHandler(new Router(catalog, dispatcher, pw.password()));
        jetty.setStopAtShutdown(true);
        try {
            jetty.start();
        } catch (IOException e) {
            stopQuietly();
            throw new IOException("cannot listen on " + b.bind + ":" + b.port + ": " + e.getMessage()
                    + "; hint: choose another --port or stop the program using it", e);
        } catch (Exception e) {
            stopQuietly();
            throw new IOException("cannot start the server: " + e, e);
        }
        LOG.log(System.Logger.Level.INFO, "listening on " + baseUri() + " with services " + dispatcher.serviceNames());
    }

    private void stopQuietly() {
        try {
            jetty.stop();
        } catch (Exception ignored) {
            // already failing
        }
    }

    /** The port listened on. */
    public int port() { return connector.getLocalPort(); }

    /** {@code http://host:port/} as reachable from this machine (a wildcard bind shows as 127.0.0.1). */
    public URI baseUri() {
        String h = bind.equals("0.0.0.0") || bind.equals("::") || bind.isEmpty() ? "127.0.0.1" : bind;
        if (h.indexOf(':') >= 0) h = "[" + h + "]";
        return URI.create("http://" + h + ":" + port() + "/");
    }

    /** The catalogue served. */
    public Catalog catalog() { return catalog; }

    /** The data folder (absolute). */
    public Path dataDir() { return dataDir; }

    /** Names of the OGC services offered. */
    public List<String> services() { return dispatcher.serviceNames(); }

    /** Blocks until the server stops. */
    public void join() throws InterruptedException {
        jetty.join();
    }

    /** Stops listening and waits for the requests under way (Jetty's graceful stop). */
    @Override
    public void close() {
        try {
            jetty.stop();
        } catch (Exception e) {
            LOG.log(System.Logger.Level.WARNING, "error while stopping the server", e);
        }
    }
}
