package org.healpixzarr.input.earthcare;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.healpixzarr.input.Swath;

/**
 * Manual timing of {@link MsiFrameReader} on a full-size frame (not a unit test). Generate one outside the
 * repository and run, from {@code gt-healpix-zarr} after {@code mvn test-compile}:
 * <pre>
 * /usr/bin/python3 /work/shared/fixtures/make_earthcare_msi.py /tmp/ec-full/06109D        # add --zip for ZIPs
 * mvn -q dependency:build-classpath -Dmdep.outputFile=/tmp/cp.txt
 * java -Xmx1g -cp target/classes:target/test-classes:$(cat /tmp/cp.txt) \
 *      org.healpixzarr.input.earthcare.MsiFrameReaderTiming /tmp/ec-full/06109D 3
 * </pre>
 */
public final class MsiFrameReaderTiming {
    private MsiFrameReaderTiming() {}

    private static long cpu() {
        return ((com.sun.management.OperatingSystemMXBean) java.lang.management.ManagementFactory.getOperatingSystemMXBean())
                .getProcessCpuTime();
    }

    public static void main(String[] args) throws Exception {
        int runs = args.length > 1 ? Integer.parseInt(args[1]) : 3;
        for (int run = 0; run < runs; run++) {
            System.gc();
            long t0 = System.nanoTime();
            long c0 = cpu();
            Map<String, List<Path>> frames = EarthCareInputs.group(List.of(Path.of(args[0])));
            for (Map.Entry<String, List<Path>> e : frames.entrySet()) {
                Swath s = MsiFrameReader.read(e.getValue(), null);
                long t1 = System.nanoTime();
                Runtime rt = Runtime.getRuntime();
                long c1 = cpu();
                System.out.printf("run %d: frame %s, %d x %d pixels, %d variables, %.3f s wall, %.3f s CPU (all threads), heap in use %d MB%n",
                        run, e.getKey(), s.rows(), s.cols(), s.variables().size(), (t1 - t0) / 1e9, (c1 - c0) / 1e9,
                        (rt.totalMemory() - rt.freeMemory()) >> 20);
                t0 = t1;
                c0 = c1;
            }
        }
    }
}
