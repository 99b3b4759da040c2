import java.lang.management.ManagementFactory;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.healpixzarr.server.catalog.Catalog;
import org.healpixzarr.server.catalog.PathGuard;
import org.healpixzarr.server.ows.OwsRequest;
import org.healpixzarr.server.ows.OwsResponse;
import org.healpixzarr.server.ows.wms.WmsService;

/**
 * Replays a WMS request list in process, on one thread, without HTTP: the CPU time per request of everything
 * GetMap does (parsing, sampling, colouring, encoding), less sensitive to a busy machine than a load test.
 *
 * <pre>java -cp healpix-zarr-server.jar bench/wms/Replay.java DATA_DIR ROOT REQUESTS COUNT PASSES</pre>
 * DATA_DIR: a server data folder (catalog.json) whose stores lie under ROOT; REQUESTS: query strings, one a line
 * (bench/wms/tiles.py). The first pass warms up; each later pass prints the CPU time and the memory allocated per
 * request (this thread's), and the mean response size. At the end: the SHA-256 of the first pass's response bodies
 * in order, to check that a change leaves every image byte-identical.
 */
public class Replay {
    public static void main(String[] a) throws Exception {
        Path data = Path.of(a[0]);
        Catalog c = Catalog.open(data, new PathGuard(List.of(data, Path.of(a[1]))));
        List<String> lines = Files.readAllLines(Path.of(a[2]));
        int n = Math.min(Integer.parseInt(a[3]), lines.size()), passes = Integer.parseInt(a[4]);
        List<OwsRequest> reqs = new ArrayList<>();
        for (String q : lines.subList(0, n)) {
            Map<String, List<String>> m = new LinkedHashMap<>();
            for (String kv : q.split("&")) {
                int eq = kv.indexOf('=');
                m.computeIfAbsent(URLDecoder.decode(kv.substring(0, eq), StandardCharsets.UTF_8), k -> new ArrayList<>())
                        .add(URLDecoder.decode(kv.substring(eq + 1), StandardCharsets.UTF_8));
            }
            reqs.add(new OwsRequest("http://127.0.0.1/ows", m));
        }
        WmsService wms = new WmsService();
        com.sun.management.ThreadMXBean t = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        com.sun.management.OperatingSystemMXBean os = (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
        java.security.MessageDigest digest = java.security.MessageDigest.getInstance("SHA-256");
        for (int p = 0; p < passes; p++) {
            long bytes = 0, a0 = t.getCurrentThreadAllocatedBytes(), c0 = t.getCurrentThreadCpuTime(), w0 = System.nanoTime();
            long p0 = os.getProcessCpuTime();
            long[] each = new long[n];
            int i = 0;
            for (OwsRequest r : reqs) {
                long e0 = t.getCurrentThreadCpuTime();
                OwsResponse res = wms.handle(r, c);
                each[i++] = t.getCurrentThreadCpuTime() - e0;
                if (res.status() != 200) throw new IllegalStateException(res.status() + " " + new String(res.body()));
                bytes += res.body().length;
                if (p == 0) digest.update(res.body());
            }
            long cpu = t.getCurrentThreadCpuTime() - c0, wall = System.nanoTime() - w0;
            long allocated = t.getCurrentThreadAllocatedBytes() - a0, process = os.getProcessCpuTime() - p0;
            System.out.printf(java.util.Locale.ROOT, "pass %d: %d requests, CPU %.2f ms/request (process, with GC and JIT: %.2f),"
                    + " wall %.2f ms/request, %d bytes/response, %.0f KB allocated/request%s%n", p, n, cpu / 1e6 / n,
                    process / 1e6 / n, wall / 1e6 / n, bytes / n, allocated / 1024.0 / n, p == 0 ? " (warm-up)" : "");
            if (p == passes - 1) {
                Integer[] order = new Integer[n];
                for (int k = 0; k < n; k++) order[k] = k;
                java.util.Arrays.sort(order, (x, y) -> Long.compare(each[y], each[x]));
                long[] sorted = each.clone();
                java.util.Arrays.sort(sorted);
                System.out.printf(java.util.Locale.ROOT, "CPU per request p50 %.2f, p90 %.2f, p99 %.2f, max %.2f ms; slowest:%n",
                        sorted[n / 2] / 1e6, sorted[n * 9 / 10] / 1e6, sorted[Math.min(n - 1, n * 99 / 100)] / 1e6, sorted[n - 1] / 1e6);
                for (int k = 0; k < Math.min(5, n); k++) {
                    System.out.printf(java.util.Locale.ROOT, "  %.2f ms  %s%n", each[order[k]] / 1e6, lines.get(order[k]));
                }
            }
        }
        System.out.println("SHA-256 of the responses: " + java.util.HexFormat.of().formatHex(digest.digest()));
    }
}
