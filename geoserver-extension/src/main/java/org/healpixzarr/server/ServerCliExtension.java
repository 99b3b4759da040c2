package org.healpixzarr.server;

import java.util.List;
import org.healpixzarr.cli.CliExtension;

/** Adds {@code serve} and replaces {@code demo} (converting the samples, then serving them) in the command line. */
public final class ServerCliExtension implements CliExtension {
    @Override
    public List<Object> commands() {
        return List.of(new ServeCommand(), new ServerDemoCommand());
    }
}
