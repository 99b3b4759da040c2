package org.healpixzarr.cli;

import java.util.List;

/**
 * Service-provider interface through which other modules (the OGC server) add sub-commands to the
 * {@code healpix-zarr} command line. Implementations are listed in
 * {@code META-INF/services/org.healpixzarr.cli.CliExtension} and found with {@link java.util.ServiceLoader} when
 * their jar is on the class path; a command whose name equals a built-in one replaces it.
 */
public interface CliExtension {
    /** New instances of picocli {@code @Command} objects to add. */
    List<Object> commands();
}
