package org.healpixzarr.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.healpixzarr.cli.Main;
import org.healpixzarr.dggs.DggsValidator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The commands the server jar adds to the CLI (through the CliExtension SPI): serve and the serving demo. */
class CommandsTest {
    @TempDir
    Path tmp;

    record Run(int code, String out, String err) {}

    static Run run(String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code = Main.execute(args, new ByteArrayInputStream(new byte[0]), new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
        return new Run(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    @Test
    void serveIsACommandWithItsOptions() {
        Run r = run("serve", "--help");
        assertEquals(0, r.code(), r.err());
        for (String o : List.of("--data-dir", "--port", "--bind", "--root", "--reset-password")) assertTrue(r.out().contains(o), r.out());
        Run help = run("--help");
        assertTrue(help.out().contains("serve") && help.out().contains("demo"), help.out());
        assertEquals(Main.USAGE, run("serve", "--port", "x").code());
    }

    @Test
    void demoConvertsTheSamplesPublishesThemAndServes() throws Exception {
        Path data = tmp.resolve("demo");
        Run r = run("demo", "--data-dir", data.toString(), "--port", "0", "--check");
        assertEquals(0, r.code(), r.out() + r.err());
        assertTrue(r.out().contains("Admin password: "), r.out());
        assertTrue(r.out().matches("(?s).*Map page: +http://127\\.0\\.0\\.1:\\d+/.*"), r.out());
        assertTrue(r.out().contains("Admin page:") && r.out().contains("/admin/"), r.out());
        Path earthcare = data.resolve("stores/earthcare/EarthCARE_MSI_L2A_06109D.zarr");
        assertTrue(DggsValidator.validate(earthcare).valid());

        JsonNode cat = TestServer.JSON.readTree(data.resolve("catalog.json").toFile());
        JsonNode ws = cat.path("workspaces").get(0);
        assertEquals("demo", ws.path("name").asText());
        List<String> stores = new ArrayList<>();
        List<String> layers = new ArrayList<>();
        for (JsonNode cs : ws.path("coverageStores")) {
            stores.add(cs.path("name").asText() + ":" + cs.path("kind").asText());
            cs.path("layers").forEach(l -> layers.add(l.path("name").asText()));
            if (cs.path("name").asText().equals("tessera")) assertTrue(cs.path("members").size() >= 1, cs.toString());
        }
        assertEquals(List.of("earthcare:store", "tessera:folder"), stores);
        assertTrue(layers.contains("cloud_mask"), layers.toString());
        assertTrue(layers.size() >= 4, layers.toString());

        // a second run reuses stores, catalogue and password
        Run again = run("demo", "--data-dir", data.toString(), "--port", "0", "--check");
        assertEquals(0, again.code(), again.out() + again.err());
        assertTrue(again.out().contains("== reusing"), again.out());
        assertTrue(!again.out().contains("Admin password: ") && !again.out().contains("registering"), again.out());
    }
}
