package org.healpixzarr.server;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Base64;
import java.util.List;
import javax.crypto.SecretKeyFactory;
import javax.crypto.spec.PBEKeySpec;
import org.healpixzarr.server.rest.AdminPassword;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** HTTP Basic authentication of /rest and /admin, and the generated, hashed admin password. */
class AuthTest {
    @TempDir
    Path tmp;

    @Test
    void restAndAdminNeedTheGeneratedPassword() throws Exception {
        try (TestServer s = TestServer.start(tmp.resolve("data"))) {
            assertNotNull(s.printedPassword, "first start prints a password: " + s.console);
            for (String path : List.of("/rest/workspaces", "/rest", "/admin/", "/admin/admin.js")) {
                HttpResponse<String> none = s.get(path);
                assertEquals(401, none.statusCode(), path);
                assertTrue(none.headers().firstValue("WWW-Authenticate").orElse("").startsWith("Basic realm="), path);
                assertFalse(none.body().contains("admin.js") || none.body().contains("<html"), "nothing leaks: " + none.body());
                for (String[] wrong : new String[][] {{"admin", s.password + "x"}, {"admin", ""}, {"admin", "admin"},
                        {"admin", "geoserver"}, {"root", s.password}, {"ADMIN", s.password}}) {
                    assertEquals(401, s.admin("GET", path, null, wrong[0], wrong[1]).statusCode(), path + " " + wrong[0] + ":" + wrong[1]);
                }
                assertEquals(200, s.admin("GET", path, null).statusCode(), path);
            }
            HttpResponse<String> garbage = s.send(HttpRequest.newBuilder(s.uri("/rest/workspaces")).header("Authorization", "Basic %%%"));
            assertEquals(401, garbage.statusCode());
            assertEquals("application/json; charset=utf-8", s.get("/rest/workspaces").headers().firstValue("Content-Type").orElse(null));
            // the public pages need no password
            assertEquals(200, s.get("/").statusCode());
        }
    }

    @Test
    void passwordFileHoldsOnlyASaltedPbkdf2HashReadableByTheOwner() throws Exception {
        Path data = tmp.resolve("data");
        String password;
        try (TestServer s = TestServer.start(data)) {
            password = s.printedPassword;
        }
        assertTrue(password.length() >= 20, password);
        Path f = data.resolve(AdminPassword.FILE);
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(f)));
        assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(data)), "data folder created private");
        String line = Files.readString(f, StandardCharsets.UTF_8).trim();
        assertFalse(line.contains(password));
        String[] p = line.split(":");
        assertEquals(5, p.length, line);
        assertEquals("admin", p[0]);
        assertEquals("pbkdf2-sha256", p[1]);
        int iterations = Integer.parseInt(p[2]);
        assertTrue(iterations >= 600_000, line);
        byte[] salt = Base64.getDecoder().decode(p[3]);
        assertEquals(16, salt.length);
        // independent recomputation with the JDK's PBKDF2
        byte[] expected = SecretKeyFactory.getInstance("PBKDF2WithHmacSHA256")
                .generateSecret(new PBEKeySpec(password.toCharArray(), salt, iterations, 256)).getEncoded();
        assertArrayEquals(expected, Base64.getDecoder().decode(p[4]));

        // a second start keeps it and prints nothing
        try (TestServer s = TestServer.start(data)) {
            assertNull(s.printedPassword);
            assertFalse(s.console.contains(password));
            s.password = password;
            assertEquals(200, s.admin("GET", "/rest/workspaces", null).statusCode());
        }
        // reset: a new password, the old one refused
        try (TestServer s = TestServer.start(data, b -> b.resetPassword(true))) {
            assertNotNull(s.printedPassword);
            assertNotEquals(password, s.printedPassword);
            assertEquals(200, s.admin("GET", "/rest/workspaces", null).statusCode());
            assertEquals(401, s.admin("GET", "/rest/workspaces", null, "admin", password).statusCode());
            assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(f)));
        }
    }

    @Test
    void noDefaultPasswordTwoDataFoldersGetDifferentOnes() throws Exception {
        String a;
        String b;
        try (TestServer s = TestServer.start(tmp.resolve("a"))) {
            a = s.printedPassword;
        }
        try (TestServer s = TestServer.start(tmp.resolve("b"))) {
            b = s.printedPassword;
        }
        assertNotNull(a);
        assertNotNull(b);
        assertNotEquals(a, b);
    }

    @Test
    void malformedPasswordFileStopsTheStartWithAHint() throws Exception {
        Path data = Files.createDirectories(tmp.resolve("data"));
        Files.writeString(data.resolve(AdminPassword.FILE), "admin:admin\n");
        java.io.IOException e = org.junit.jupiter.api.Assertions.assertThrows(java.io.IOException.class, () -> TestServer.start(data));
        assertTrue(e.getMessage().contains("--reset-password"), e.getMessage());
    }
}
