package org.healpixzarr.bench;

import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.healpixzarr.healpix.Ellipsoid;
import org.healpixzarr.healpix.HealpixGrid;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Bulk HEALPix hash throughput at depth 29 over {@value #N} random points uniform on the globe.
 * Scores are in points per second (one JMH operation = one point, via {@code @OperationsPerInvocation}).
 * Run: {@code java -jar benchmarks/target/benchmarks.jar HashBenchmark -f 1 -wi 3 -i 5 -t 1}
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class HashBenchmark {
    static final int N = 1 << 20;

    double[] lon, lat;
    long[] out;
    HealpixGrid wgs84, sphere;

    @Setup
    public void setup() {
        Random r = new Random(42);
        lon = new double[N];
        lat = new double[N];
        out = new long[N];
        for (int i = 0; i < N; i++) {
            lon[i] = 360 * r.nextDouble() - 180;
            lat[i] = Math.toDegrees(Math.asin(2 * r.nextDouble() - 1));
        }
        wgs84 = HealpixGrid.of(Ellipsoid.WGS84, 29);
        sphere = HealpixGrid.of(Ellipsoid.SPHERE, 29);
    }

    @Benchmark
    @OperationsPerInvocation(N)
    public long[] wgs84Depth29() {
        wgs84.hash(lon, lat, out, 0, N);
        return out;
    }

    @Benchmark
    @OperationsPerInvocation(N)
    public long[] sphereDepth29() {
        sphere.hash(lon, lat, out, 0, N);
        return out;
    }
}
