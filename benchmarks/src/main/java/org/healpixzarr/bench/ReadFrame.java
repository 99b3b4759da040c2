package org.healpixzarr.bench;

import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.SortedMap;
import org.healpixzarr.input.Swath;
import org.healpixzarr.input.earthcare.EarthCareInputs;
import org.healpixzarr.input.earthcare.MsiFrameReader;

/**
 * Times reading every input variable of one EarthCARE frame, no conversion: {@code ReadFrame FRAME_DIR}.
 * Prints {@code read SECONDS pixels N variables V}.
 */
public final class ReadFrame {
    private ReadFrame() {}

    public static void main(String[] args) throws Exception {
        long t0 = System.nanoTime();
        SortedMap<String, List<Path>> frames = EarthCareInputs.group(List.of(Path.of(args[0])));
        Swath s = MsiFrameReader.read(frames.values().iterator().next(), null);
        double t = (System.nanoTime() - t0) / 1e9;
        System.out.printf(Locale.ROOT, "read %.2f pixels %d variables %d%n", t, s.pixels(), s.variables().size());
    }
}
