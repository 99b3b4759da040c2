package org.healpixzarr.server.catalog;

import java.io.IOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Confines store paths to the configured roots: a path (or {@code file:} URL) is resolved (relative paths against
 * the first root), made canonical with every symbolic link followed, and accepted only if the result lies under
 * the canonical form of a root. So {@code ../} segments and links pointing out of a root are refused. Immutable,
 * thread-safe.
 */
public final class PathGuard {
    private final List<Path> roots;

    /**
     * @param roots allowed roots, the first one resolving relative paths; each must exist
     * @throws IOException if a root does not exist
     */
    public PathGuard(List<Path> roots) throws IOException {
        if (roots.isEmpty()) throw new IllegalArgumentException("at least one root is needed");
        List<Path> r = new ArrayList<>();
        for (Path p : roots) {
            if (!Files.isDirectory(p)) throw new NoSuchFileException(p.toString(), null, "root folder does not exist");
            Path real = p.toRealPath();
            if (!r.contains(real)) r.add(real);
        }
        this.roots = List.copyOf(r);
    }

    /** The canonical roots, the first one resolving relative paths. */
    public List<Path> roots() { return roots; }

    /**
     * The canonical path of {@code pathOrUrl} if it exists and lies under a root.
     *
     * @param pathOrUrl a file-system path or a {@code file:} URL
     * @throws CatalogException 400 if malformed or missing, 403 if outside every root
     */
    public Path resolve(String pathOrUrl) throws CatalogException {
        if (pathOrUrl == null || pathOrUrl.isBlank()) throw CatalogException.bad("no path given");
        Path p;
        try {
            if (pathOrUrl.regionMatches(true, 0, "file:", 0, 5)) {
                URI u = new URI(pathOrUrl);
                if (u.getPath() == null) throw CatalogException.bad("malformed file URL '" + pathOrUrl + "': expected file:/absolute/path");
                p = Path.of(u.getPath());
            } else if (pathOrUrl.matches("(?i)^[a-z][a-z0-9+.-]+://.*")) {
                throw CatalogException.bad("unsupported URL '" + pathOrUrl + "': only file: URLs and paths are accepted");
            } else {
                p = Path.of(pathOrUrl);
            }
        } catch (URISyntaxException | InvalidPathException e) {
            throw CatalogException.bad("malformed path '" + pathOrUrl + "': " + e.getMessage());
        }
        return check(p.isAbsolute() ? p : roots.get(0).resolve(p), pathOrUrl);
    }

    /** Checks an already resolved path (e.g. a store found inside a mosaic folder). */
    Path check(Path p, String asGiven) throws CatalogException {
        Path real;
        try {
            real = p.toRealPath();
        } catch (NoSuchFileException e) {
            throw CatalogException.bad("no such file or folder: '" + asGiven + "'");
        } catch (IOException e) {
            throw CatalogException.bad("cannot read '" + asGiven + "': " + e.getMessage());
        }
        for (Path r : roots) if (real.startsWith(r)) return real;
        throw new CatalogException(403, "path '" + asGiven + "' is outside the allowed roots " + roots
                + (real.equals(p.toAbsolutePath().normalize()) ? "" : " (it resolves to " + real + ")")
                + "; hint: start the server with --root <a folder holding it>");
    }
}
