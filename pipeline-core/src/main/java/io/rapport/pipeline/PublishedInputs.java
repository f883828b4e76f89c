package io.rapport.pipeline;

import io.rapport.catalog.Catalog;
import io.rapport.catalog.RunInputs;
import io.rapport.clv.ClvFitting;
import io.rapport.config.RapportSettings;
import io.rapport.intermediate.CustomerSummaries;
import io.rapport.models.ClvFits;
import io.rapport.schema.TableSpec;
import io.rapport.staging.SourceName;
import io.rapport.warehouse.Publisher;
import io.rapport.warehouse.TableIo;
import io.rapport.warehouse.WarehouseLayout;
import java.time.LocalDate;
import java.util.HashMap;
import java.util.Map;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/**
 * The {@link RunInputs} of a date that is already published: published tables are read from the
 * warehouse, intermediate ones (never published) are rebuilt from them through their own
 * {@link Catalog} entries, exactly as the run built them. For tools that need a run's inputs
 * after the fact (the bench's CLV fit timing) without re-assembling the pipeline.
 */
public final class PublishedInputs implements RunInputs {
  private final SparkSession spark;
  private final RapportSettings settings;
  private final LocalDate asOf;
  private final WarehouseLayout layout;
  private final Map<String, Dataset<Row>> rebuilt = new HashMap<>();
  private ClvFits fits;

  private PublishedInputs(SparkSession spark, RapportSettings settings, LocalDate asOf) {
    this.spark = spark;
    this.settings = settings;
    this.asOf = asOf;
    this.layout = new WarehouseLayout(settings.warehouse());
  }

  /** The inputs of {@code asOf}, which must be a complete (published) date of the warehouse. */
  public static PublishedInputs of(SparkSession spark, RapportSettings settings, LocalDate asOf) {
    PublishedInputs inputs = new PublishedInputs(spark, settings, asOf);
    if (!Publisher.isComplete(spark.sparkContext().hadoopConfiguration(), inputs.layout, asOf)) {
      throw new IllegalArgumentException("Cannot read the inputs of " + asOf + ": the date is not published in "
          + settings.warehouse());
    }
    return inputs;
  }

  @Override
  public SparkSession spark() {
    return spark;
  }

  @Override
  public RapportSettings settings() {
    return settings;
  }

  @Override
  public LocalDate asOf() {
    return asOf;
  }

  @Override
  public Dataset<Row> table(TableSpec table) {
    if (table.published()) {
      return TableIo.read(spark, layout.tablePartition(table.name(), asOf), table.schema());
    }
    Dataset<Row> frame = rebuilt.get(table.name());
    if (frame == null) {
      Catalog.Entry entry = Catalog.RUN.stream().filter(e -> e.table().equals(table) && e.build() != null)
          .findFirst().orElseThrow(() -> new IllegalArgumentException(table.name() + " is not built by a run"));
      frame = entry.build().apply(this);
      rebuilt.put(table.name(), frame);
    }
    return frame;
  }

  @Override
  public Dataset<Row> staged(SourceName source) {
    throw new UnsupportedOperationException("A published date keeps no staged " + source.id()
        + "; read its fact tables instead");
  }

  @Override
  public ClvFits clvFits() {
    if (fits == null) {
      fits = ClvFitting.fit(table(CustomerSummaries.TABLE), asOf, settings.clv());
    }
    return fits;
  }
}
