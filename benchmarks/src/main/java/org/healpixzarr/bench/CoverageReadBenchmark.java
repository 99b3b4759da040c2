package org.healpixzarr.bench;

import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.apache.sis.coverage.grid.GridCoverage;
import org.apache.sis.coverage.grid.GridGeometry;
import org.apache.sis.storage.GridCoverageResource;
import org.healpixzarr.coverage.Crs;
import org.healpixzarr.coverage.DggsZarrDataStore;
import org.healpixzarr.coverage.TargetGrid;
import org.healpixzarr.healpix.HealpixGrid;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * A 256 × 256 EPSG:3857 read of one variable through the SIS coverage API ({@code GridCoverageResource.read}),
 * at three zoom levels on a store of one EarthCARE frame: the whole frame, a 50 km box and a 1 km box centred on
 * the middle observation of the track. Sample time: the JMH report gives the median (p0.50).
 *
 * <pre>java -jar benchmarks/target/benchmarks.jar CoverageReadBenchmark -p store=/path/frame.zarr -f 1 -wi 3 -i 5</pre>
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.SampleTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
public class CoverageReadBenchmark {
    /** Path of the store (a converted full-size EarthCARE frame, see bench/coverage_read.sh). */
    @Param("/tmp/healpix-zarr-bench/ours.zarr")
    public String store;

    /** frame, 50km or 1km. */
    @Param({"frame", "50km", "1km"})
    public String zoom;

    /** The variable read. */
    @Param("cloud_top_height")
    public String variable;

    private DggsZarrDataStore ds;
    private GridCoverageResource resource;
    private GridGeometry domain;

    @Setup(Level.Trial)
    public void open() throws Exception {
        ds = DggsZarrDataStore.open(Path.of(store));
        for (GridCoverageResource r : ds.components()) {
            if (r.getIdentifier().get().toString().equals(variable)) resource = r;
        }
        if (resource == null) throw new IllegalArgumentException("no variable " + variable + " in " + store);
        double a = 6378137;
        double[] box;
        if (zoom.equals("frame")) {
            double[] b = ds.dggsStore().bbox();
            double east = b[2] < b[0] ? b[2] + 360 : b[2];
            box = new double[] {Math.toRadians(b[0]) * a, mercY(b[1]), Math.toRadians(east) * a, mercY(b[3])};
        } else {
            long mid = ds.dggsStore().cellCount() / 2;
            long id = ds.dggsStore().readCellIds(mid, mid + 1)[0];
            double[] c = HealpixGrid.of(ds.dggsStore().ellipsoid(), ds.dggsStore().depth()).center(id);
            double ground = zoom.equals("50km") ? 50_000 : 1_000;
            double half = ground / 2 / Math.cos(Math.toRadians(c[1])); // Mercator metres for that ground size
            double x = Math.toRadians(c[0]) * a, y = mercY(c[1]);
            box = new double[] {x - half, y - half, x + half, y + half};
        }
        domain = TargetGrid.gridGeometry(Crs.decode("EPSG:3857"), box, 256, 256);
    }

    static double mercY(double lat) {
        return 6378137 * Math.log(Math.tan(Math.PI / 4 + Math.toRadians(lat) / 2));
    }

    @Benchmark
    public GridCoverage read() throws Exception {
        return resource.read(domain);
    }

    @TearDown(Level.Trial)
    public void close() throws Exception {
        ds.close();
    }
}
