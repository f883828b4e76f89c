package io.rapport.pipeline;

import io.rapport.schema.TableSpec;
import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/** Writes one stage's tables: names the Spark jobs of each, writes it, and keeps its row count for the stage report. */
final class StageTables {
  private final PipelineRun run;
  private final String stage;
  private final Map<String, Long> rows = new LinkedHashMap<>();

  StageTables(PipelineRun run, String stage) {
    this.run = run;
    this.stage = stage;
  }

  /** Writes {@code frame} as {@code table} and returns the written table, read back for the next consumers. */
  Dataset<Row> write(TableSpec table, Dataset<Row> frame) {
    run.describe(stage, table.name());
    rows.put(table.name(), run.write(table, frame));
    return run.read(table);
  }

  Map<String, Long> rows() {
    return rows;
  }
}
