package org.healpixzarr.cli;

import java.io.PrintWriter;
import java.util.Locale;
import java.util.function.ObjDoubleConsumer;

/**
 * Progress on stderr: a redrawn bar on a terminal, one line per phase otherwise; silent when quiet.
 * Not thread-safe.
 */
final class ProgressBar implements ObjDoubleConsumer<String> {
    private final PrintWriter err;
    private final boolean quiet;
    private final boolean tty = System.console() != null;
    private final String label;
    private String phase = "";
    private int lastPercent = -1;

    ProgressBar(PrintWriter err, boolean quiet, String label) {
        this.err = err;
        this.quiet = quiet;
        this.label = label;
    }

    @Override
    public void accept(String newPhase, double fraction) {
        if (quiet) return;
        int pct = (int) Math.round(Math.max(0, Math.min(1, fraction)) * 100);
        if (newPhase.equals(phase) && pct == lastPercent) return;
        boolean changed = !newPhase.equals(phase);
        phase = newPhase;
        lastPercent = pct;
        if (tty) {
            int w = 30, full = pct * w / 100;
            err.printf(Locale.ROOT, "\r%s %-6s [%s%s] %3d%%", label, phase, "#".repeat(full), ".".repeat(w - full), pct);
            if (pct == 100) err.print(' ');
        } else if (changed || pct == 100) {
            err.printf(Locale.ROOT, "%s %s %d%%%n", label, phase, pct);
        }
        err.flush();
    }

    /** Ends the bar's line. */
    void done() {
        if (!quiet && tty) {
            err.println();
            err.flush();
        }
    }
}
