package io.rapport.catalog;

import io.rapport.config.RapportSettings;
import io.rapport.models.ClvFits;
import io.rapport.schema.TableSpec;
import io.rapport.staging.SourceName;
import java.time.LocalDate;
import java.time.ZoneId;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/**
 * What a table's build reads in a run: the settings, the as-of date, the staged sources and the
 * tables built before it (each read back from its written files), and the CLV model fits, which
 * several tables share and which are computed once per run.
 */
public interface RunInputs {
  SparkSession spark();

  RapportSettings settings();

  LocalDate asOf();

  default ZoneId reportingZone() {
    return settings().reporting().timeZone();
  }

  /** A table written earlier in this run (by this step or an earlier one). */
  Dataset<Row> table(TableSpec table);

  /** A source's accepted rows for this run's as-of date. */
  Dataset<Row> staged(SourceName source);

  /** The CLV model fits of this run, fitted on first use from {@code customer_summaries}. */
  ClvFits clvFits();
}
