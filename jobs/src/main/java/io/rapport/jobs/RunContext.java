package io.rapport.jobs;

import io.rapport.config.SettingsLoader.LoadedSettings;
import io.rapport.pipeline.PipelineRun;
import io.rapport.warehouse.WarehouseLayout;
import java.time.LocalDate;
import org.apache.spark.sql.SparkSession;
import org.springframework.batch.core.step.StepExecution;

/** What every step of one run shares: the settings, the as-of date and the Spark session. */
public record RunContext(LoadedSettings loaded, LocalDate asOf, SparkSession spark) {

  public WarehouseLayout layout() {
    return new WarehouseLayout(loaded.settings().warehouse());
  }

  /** The pipeline run of the job instance a step belongs to (restarts share its staging area). */
  public PipelineRun pipelineRun(StepExecution step) {
    long instanceId = step.getJobExecution().getJobInstance().getInstanceId();
    return new PipelineRun(spark, loaded.settings(), asOf, layout(), layout().staging(asOf, instanceId));
  }
}
