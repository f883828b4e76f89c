package io.rapport.staging;

import java.util.List;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * The outcome of staging one source for one as-of date.
 *
 * @param source the source
 * @param accepted valid, de-duplicated rows up to the as-of date, exactly {@code source.schema()}
 *     (persisted; call {@link #unpersist()} when done)
 * @param rejects rejected rows, exactly {@code Rejects.TABLE.schema()} (persisted)
 * @param counts where every row read ended up
 * @param files the files matched by the source's path, sorted (empty files included)
 */
public record StagingResult(
    SourceName source,
    Dataset<Row> accepted,
    Dataset<Row> rejects,
    SourceCounts counts,
    List<String> files) {

  public StagingResult {
    files = List.copyOf(files);
  }

  /** Releases the cached frames (accepted, rejects and the classified frame behind them). */
  public void unpersist() {
    accepted.unpersist(false);
    rejects.unpersist(false);
  }
}
