package io.rapport.warehouse;

import java.time.LocalDate;
import org.apache.hadoop.fs.Path;

/**
 * Where everything lives under the warehouse root (SPEC section 4):
 * <pre>
 *   &lt;root&gt;/&lt;table&gt;/as_of_date=&lt;date&gt;/           published snapshot of a table
 *   &lt;root&gt;/_runs/as_of_date=&lt;date&gt;/manifest.json  written last: the date is complete
 *   &lt;root&gt;/_staging/as_of_date=&lt;date&gt;/run-&lt;id&gt;/   a run's work area until publish
 * </pre>
 * Folders starting with {@code _} are skipped by Spark, DuckDB and Trino partition discovery.
 */
public record WarehouseLayout(Path root) {
  public static final String AS_OF_PREFIX = "as_of_date=";

  public WarehouseLayout(String root) {
    this(new Path(root));
  }

  public Path table(String table) {
    return new Path(root, table);
  }

  public Path tablePartition(String table, LocalDate asOf) {
    return new Path(table(table), AS_OF_PREFIX + asOf);
  }

  public Path runs() {
    return new Path(root, "_runs");
  }

  public Path runFolder(LocalDate asOf) {
    return new Path(runs(), AS_OF_PREFIX + asOf);
  }

  public Path manifest(LocalDate asOf) {
    return new Path(runFolder(asOf), "manifest.json");
  }

  public Path stagingForDate(LocalDate asOf) {
    return new Path(new Path(root, "_staging"), AS_OF_PREFIX + asOf);
  }

  /** The work area of one job instance: a restarted run finds its earlier steps' output here. */
  public Path staging(LocalDate asOf, long jobInstanceId) {
    return new Path(stagingForDate(asOf), "run-" + jobInstanceId);
  }

  public Path trash() {
    return new Path(root, "_trash");
  }
}
