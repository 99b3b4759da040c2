package org.healpixzarr.server;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import org.healpixzarr.cli.Main;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code serve}: runs the HTTP server until interrupted. */
@Command(name = "serve", mixinStandardHelpOptions = true,
        description = {"Serves the published DGGS-Zarr layers over WMS 1.3.0 and WCS 2.0.1 (/ows), with a map page (/), "
                + "an admin page (/admin/) and a GeoServer-like admin REST API (/rest). Runs until interrupted (Ctrl-C).",
                "The first start generates the admin password and prints it once."})
final class ServeCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = "--data-dir", defaultValue = "healpix-zarr-data", paramLabel = "DIR",
            description = "Folder of the catalogue and the admin password, created on first start (default ./${DEFAULT-VALUE}).")
    Path dataDir;

    @Option(names = "--port", defaultValue = "8080", description = "TCP port (default ${DEFAULT-VALUE}; 0 picks a free one).")
    int port;

    @Option(names = "--bind", defaultValue = "127.0.0.1", paramLabel = "ADDR",
            description = "Address to listen on (default ${DEFAULT-VALUE}: this machine only; 0.0.0.0 for every interface).")
    String bind;

    @Option(names = "--root", paramLabel = "DIR",
            description = "A folder under which stores may be registered (repeatable); the data folder always is one.")
    List<Path> roots = new ArrayList<>();

    @Option(names = "--reset-password", description = "Generate a new admin password (printed once) and serve.")
    boolean resetPassword;

    @Override
    public Integer call() throws Exception {
        HealpixZarrServer.Builder b = HealpixZarrServer.builder().dataDir(dataDir).port(port).bind(bind).resetPassword(resetPassword);
        roots.forEach(b::root);
        try (HealpixZarrServer server = b.start()) {
            printUrls(spec.commandLine().getOut(), server);
            server.join();
        }
        return Main.OK;
    }

    /** Prints where the pages and services are. */
    static void printUrls(PrintWriter out, HealpixZarrServer server) {
        String base = server.baseUri().toString();
        out.println("healpix-zarr server, data folder " + server.dataDir());
        out.printf("  %-19s %s%n", "Map page:", base);
        out.printf("  %-19s %s   (user %s)%n", "Admin page:", base + "admin/", org.healpixzarr.server.rest.AdminPassword.USER);
        out.printf("  %-19s %s%n", "REST API:", base + "rest/workspaces.json");
        for (String s : server.services()) {
            out.printf("  %-19s %s%n", s + " capabilities:", base + "ows?service=" + s + "&request=GetCapabilities");
        }
        if (server.services().isEmpty()) out.println("  (no OGC service in this build)");
        out.println("Stop with Ctrl-C.");
        out.flush();
    }
}
