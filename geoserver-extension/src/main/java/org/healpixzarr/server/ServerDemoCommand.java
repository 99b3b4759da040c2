package org.healpixzarr.server;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import org.healpixzarr.cli.Main;
import org.healpixzarr.dggs.DggsValidator;
import org.healpixzarr.dggs.VariableInfo;
import org.healpixzarr.server.catalog.Catalog;
import org.healpixzarr.server.catalog.CatalogException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code demo} of the server jar (replaces the library's): converts the bundled EarthCARE frame and TESSERA tiles,
 * publishes every variable in workspace {@value #WORKSPACE}, serves them and prints the URLs. Re-running it reuses
 * the stores and the catalogue already in the data folder.
 */
@Command(name = "demo", mixinStandardHelpOptions = true,
        description = {"Converts the bundled samples (a synthetic EarthCARE MSI L2A frame: cloud mask, cloud properties, aerosol; "
                + "four TESSERA embedding tiles of 2024), publishes them in workspace 'demo' and serves them: open the printed "
                + "map page. Runs until interrupted (Ctrl-C).",
                "A second run reuses what the first one converted and registered."})
final class ServerDemoCommand implements Callable<Integer> {
    static final String WORKSPACE = "demo";
    private static final String EARTHCARE = "/org/healpixzarr/samples/earthcare/";
    private static final String TESSERA = "/org/healpixzarr/server/samples/tessera/";

    @Spec
    CommandSpec spec;

    @Option(names = "--data-dir", defaultValue = "healpix-zarr-demo", paramLabel = "DIR",
            description = "Folder for the sample inputs, the stores and the server's catalogue (default ./${DEFAULT-VALUE}).")
    Path dataDir;

    @Option(names = "--port", defaultValue = "8080", description = "TCP port (default ${DEFAULT-VALUE}; 0 picks a free one).")
    int port;

    @Option(names = "--bind", defaultValue = "127.0.0.1", paramLabel = "ADDR", description = "Address to listen on (default ${DEFAULT-VALUE}).")
    String bind;

    @Option(names = "--check", hidden = true, description = "Stop once the server is up and the URLs printed (for scripted checks).")
    boolean check;

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        Path data = dataDir.toAbsolutePath().normalize();
        Path earthcare = data.resolve("stores/earthcare/EarthCARE_MSI_L2A_06109D.zarr");
        Path tessera = data.resolve("stores/tessera-2024");
        if (!valid(earthcare)) {
            Path in = unpack(EARTHCARE, data.resolve("input/earthcare"));
            int code = run(out, "convert", "earthcare", in.toString(), "-o", earthcare.toString());
            if (code != Main.OK) return code;
        } else {
            out.println("== reusing " + earthcare);
        }
        if (!Files.isDirectory(tessera)) {
            Path in = unpack(TESSERA, data.resolve("input/tessera"));
            int code = run(out, "convert", "tessera", in.toString(), "--year", "2024", "-o", tessera.toString());
            if (code != Main.OK) return code;
        } else {
            out.println("== reusing " + tessera);
        }
        out.flush();
        try (HealpixZarrServer server = HealpixZarrServer.builder().dataDir(data).port(port).bind(bind)
                .console(out).start()) {
            register(server.catalog(), "earthcare", earthcare, "EarthCARE MSI L2A frame 06109D (synthetic sample)", out);
            register(server.catalog(), "tessera", tessera, "TESSERA embeddings 2024, four sample tiles (mosaic of partitions)", out);
            out.println();
            ServeCommand.printUrls(out, server);
            if (!check) server.join();
        }
        return Main.OK;
    }

    private static boolean valid(Path store) throws IOException {
        return Files.isDirectory(store) && DggsValidator.validate(store).valid();
    }

    private int run(PrintWriter out, String... args) {
        out.println("== healpix-zarr " + String.join(" ", args));
        out.flush();
        return spec.commandLine().getParent().execute(args);
    }

    /** Copies the bundled files listed in {@code <resources>INDEX} into {@code target}. */
    static Path unpack(String resources, Path target) throws IOException {
        List<String> names = new ArrayList<>();
        try (InputStream idx = ServerDemoCommand.class.getResourceAsStream(resources + "INDEX")) {
            if (idx == null) throw new IOException("bundled sample missing from the jar: " + resources);
            new BufferedReader(new InputStreamReader(idx, StandardCharsets.UTF_8)).lines().map(String::trim)
                    .filter(s -> !s.isEmpty()).forEach(names::add);
        }
        for (String n : names) {
            if (n.contains("..")) throw new IOException("bad name in " + resources + "INDEX: " + n);
            Path f = target.resolve(n);
            Files.createDirectories(f.getParent());
            try (InputStream in = ServerDemoCommand.class.getResourceAsStream(resources + n)) {
                if (in == null) throw new IOException("bundled sample file missing from the jar: " + resources + n);
                Files.copy(in, f, StandardCopyOption.REPLACE_EXISTING);
            }
        }
        return target;
    }

    /** Adds the store and publishes all its variables unless already done; a layer name taken gets the store's prefix. */
    private static void register(Catalog c, String name, Path path, String description, PrintWriter out)
            throws CatalogException, IOException {
        if (c.workspaces().stream().noneMatch(w -> w.name().equals(WORKSPACE))) c.createWorkspace(WORKSPACE);
        if (!c.workspace(WORKSPACE).stores().contains(name)) {
            out.println("== registering " + WORKSPACE + ":" + name + " (" + path + ")");
            out.flush();
            c.addStore(WORKSPACE, name, path.toString(), description);
        }
        Catalog.StoreInfo s = c.store(WORKSPACE, name);
        if (!s.layers().isEmpty()) return;
        for (VariableInfo v : s.variables()) {
            boolean taken = c.allLayers().stream().anyMatch(l -> l.workspace().equals(WORKSPACE) && l.name().equals(v.name()));
            Catalog.LayerInfo l = c.publish(WORKSPACE, name, taken ? name + "_" + v.name() : v.name(), v.name(), null);
            out.println("   layer " + l.qualifiedName() + ": " + l.title());
        }
        out.flush();
    }
}
