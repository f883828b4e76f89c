package io.rapport.staging;

import java.util.List;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * The outcome of staging one source for one as-of date.
 *
 * @param source the source
 * @param accepted valid, de-duplicated rows up to the as-of date, exactly {@code source.schema()}
 *     (read from the cut written under the cut folder)
 * @param acceptedFolder the folder {@code accepted} reads, holding exactly its rows (Parquet files
 *     with the reject columns besides, always null: read them with {@code source.schema()}); null
 *     when no row is accepted
 * @param rejects rejected rows, exactly {@code Rejects.TABLE.schema()}
 * @param counts where every row read ended up
 * @param files the files matched by the source's path, sorted (empty files included)
 * @param roundedPrices accepted rows whose unit_price was rounded half-even to 4 decimals ({@code price-rounding: half-even})
 * @param note what the run should report about the staged history (every file restaged), or null
 */
public record StagingResult(
    SourceName source,
    Dataset<Row> accepted,
    Path acceptedFolder,
    Dataset<Row> rejects,
    SourceCounts counts,
    List<String> files,
    String note,
    long roundedPrices) {

  public StagingResult {
    files = List.copyOf(files);
  }

  /** Nothing is cached any more (the frames read the cut written once); kept for callers. */
  public void unpersist() {
    accepted.unpersist(false);
    rejects.unpersist(false);
  }
}
