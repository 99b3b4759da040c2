package org.healpixzarr.server.rest;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import javax.crypto.SecretKeyFactory;
import javax.crypto.spec.PBEKeySpec;

/**
 * The password of the {@value #USER} account of the admin pages and REST API. There is no default password: on
 * first start (or on reset) one is generated with {@link SecureRandom}, shown once to whoever started the server,
 * and only its PBKDF2-HMAC-SHA256 hash (random 16-byte salt, {@value #ITERATIONS} iterations) is stored, in a file
 * of the data folder readable by its owner only (mode 600 where the file system has POSIX permissions).
 *
 * <p>File format, one line: {@code admin:pbkdf2-sha256:<iterations>:<salt base64>:<hash base64>}.
 *
 * <p>Thread-safe. Checking a password costs one PBKDF2 run; successful checks are remembered (as a keyed hash of
 * the credentials, never the password) so that a browser's repeated requests stay cheap, while every wrong guess
 * pays full price.
 */
public final class AdminPassword {
    /** The one admin user name. */
    public static final String USER = "admin";
    /** File name inside the data folder. */
    public static final String FILE = "admin.password";
    /** PBKDF2 iterations for new hashes (the OWASP 2023 figure for PBKDF2-HMAC-SHA256). */
    public static final int ITERATIONS = 600_000;
    private static final String ALGORITHM = "PBKDF2WithHmacSHA256";
    private static final SecureRandom RANDOM = new SecureRandom();

    private final byte[] salt;
    private final byte[] hash;
    private final int iterations;
    private final byte[] cacheKey = new byte[32];
    private final Map<String, Boolean> verified = Collections.synchronizedMap(new LinkedHashMap<>(16, 0.75f, true) {
        private static final long serialVersionUID = 1L;

        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Boolean> e) {
            return size() > 64;
        }
    });

    private AdminPassword(byte[] salt, byte[] hash, int iterations) {
        this.salt = salt;
        this.hash = hash;
        this.iterations = iterations;
        RANDOM.nextBytes(cacheKey);
    }

    /** What {@link #load} did: the password check and, if one was generated now, the new password (else null). */
    public record Loaded(AdminPassword password, String generated) {}

    /**
     * Loads the password file of {@code dataDir}, generating a new password if there is none or if {@code reset}.
     *
     * @return the check and the clear-text password if one was generated (to be shown once, then forgotten)
     * @throws IOException if the file is unreadable or malformed (hint: reset)
     */
    public static Loaded load(Path dataDir, boolean reset) throws IOException {
        Path f = dataDir.resolve(FILE);
        if (!reset && Files.exists(f)) {
            String line = Files.readString(f, StandardCharsets.UTF_8).trim();
            String[] p = line.split(":");
            if (p.length != 5 || !p[0].equals(USER) || !p[1].equals("pbkdf2-sha256")) {
                throw new IOException(f + ": malformed password file, expected admin:pbkdf2-sha256:<iterations>:<salt>:<hash>; "
                        + "hint: start with --reset-password to generate a new password");
            }
            try {
                return new Loaded(new AdminPassword(Base64.getDecoder().decode(p[3]), Base64.getDecoder().decode(p[4]),
                        Integer.parseInt(p[2])), null);
            } catch (IllegalArgumentException e) {
                throw new IOException(f + ": malformed password file (" + e.getMessage() + "); hint: --reset-password");
            }
        }
        byte[] raw = new byte[18];
        RANDOM.nextBytes(raw);
        String password = Base64.getUrlEncoder().withoutPadding().encodeToString(raw); // 24 chars, 144 bits
        byte[] salt = new byte[16];
        RANDOM.nextBytes(salt);
        byte[] hash = pbkdf2(password, salt, ITERATIONS);
        String line = USER + ":pbkdf2-sha256:" + ITERATIONS + ":" + Base64.getEncoder().encodeToString(salt) + ":"
                + Base64.getEncoder().encodeToString(hash) + "\n";
        writeOwnerOnly(f, line.getBytes(StandardCharsets.UTF_8));
        return new Loaded(new AdminPassword(salt, hash, ITERATIONS), password);
    }

    /** Whether {@code user}/{@code password} are the admin's credentials (constant-time comparison). */
    public boolean check(String user, String password) {
        if (user == null || password == null) return false;
        String key = cacheKeyOf(user, password);
        if (verified.containsKey(key)) return true;
        boolean ok = MessageDigest.isEqual(pbkdf2(password, salt, iterations), hash) & USER.equals(user);
        if (ok) verified.put(key, Boolean.TRUE);
        return ok;
    }

    /** Checks an HTTP {@code Authorization} header value ({@code Basic base64(user:password)}). */
    public boolean checkHeader(String authorization) {
        if (authorization == null || !authorization.regionMatches(true, 0, "Basic ", 0, 6)) return false;
        String decoded;
        try {
            decoded = new String(Base64.getDecoder().decode(authorization.substring(6).trim()), StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            return false;
        }
        int colon = decoded.indexOf(':');
        return colon >= 0 && check(decoded.substring(0, colon), decoded.substring(colon + 1));
    }

    private String cacheKeyOf(String user, String password) {
        try {
            javax.crypto.Mac mac = javax.crypto.Mac.getInstance("HmacSHA256");
            mac.init(new javax.crypto.spec.SecretKeySpec(cacheKey, "HmacSHA256"));
            return Base64.getEncoder().encodeToString(mac.doFinal((user + "\0" + password).getBytes(StandardCharsets.UTF_8)));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 unavailable", e);
        }
    }

    static byte[] pbkdf2(String password, byte[] salt, int iterations) {
        try {
            PBEKeySpec spec = new PBEKeySpec(password.toCharArray(), salt, iterations, 256);
            try {
                return SecretKeyFactory.getInstance(ALGORITHM).generateSecret(spec).getEncoded();
            } finally {
                spec.clearPassword();
            }
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(ALGORITHM + " unavailable", e);
        }
    }

    /** Writes through a temporary file created with mode 600, then moves it in place. */
    private static void writeOwnerOnly(Path f, byte[] bytes) throws IOException {
        Path tmp = f.resolveSibling(FILE + ".tmp");
        Files.deleteIfExists(tmp);
        boolean posix = f.getFileSystem().supportedFileAttributeViews().contains("posix");
        try {
            if (posix) {
                Files.createFile(tmp, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
            } else {
                Files.createFile(tmp);
            }
        } catch (FileAlreadyExistsException e) {
            throw new IOException(tmp + " appeared while writing the password file; try again", e);
        }
        Files.write(tmp, bytes);
        try {
            Files.move(tmp, f, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(tmp, f, StandardCopyOption.REPLACE_EXISTING);
        }
        if (posix) Files.setPosixFilePermissions(f, PosixFilePermissions.fromString("rw-------"));
    }
}
