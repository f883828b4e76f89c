package io.rapport.pipeline;

import io.rapport.catalog.RunInputs;
import io.rapport.catalog.Step;
import io.rapport.clv.ClvFitting;
import io.rapport.config.RapportSettings;
import io.rapport.intermediate.CustomerSummaries;
import io.rapport.models.ClvFits;
import io.rapport.schema.TableSpec;
import io.rapport.staging.SourceName;
import java.time.LocalDate;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/**
 * The {@link RunInputs} of one step: tables read back from the run's staging area (a table of the
 * same step once it is written), the CLV fits computed once.
 */
final class RunTables implements RunInputs {
  private final PipelineRun run;
  private final StageTables step;
  private ClvFits fits;

  RunTables(PipelineRun run, StageTables step) {
    this.run = run;
    this.step = step;
  }

  @Override
  public SparkSession spark() {
    return run.spark();
  }

  @Override
  public RapportSettings settings() {
    return run.settings();
  }

  @Override
  public LocalDate asOf() {
    return run.asOf();
  }

  @Override
  public Dataset<Row> table(TableSpec table) {
    step.awaitWritten(table);
    return run.read(table);
  }

  @Override
  public Dataset<Row> staged(SourceName source) {
    return run.readWork(IngestStage.stagedName(source), source.schema());
  }

  /** Synchronized: the step's tables are built concurrently, and the first to ask fits for all. */
  @Override
  public synchronized ClvFits clvFits() {
    if (fits == null) {
      run.describe(Step.MODELS.id(), "clv fit");
      fits = ClvFitting.fit(table(CustomerSummaries.TABLE), asOf(), settings().clv());
    }
    return fits;
  }

  /** The fits if a table of this step needed them, else null. */
  synchronized ClvFits fitsIfComputed() {
    return fits;
  }
}
