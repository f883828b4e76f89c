package io.rapport.jobs;

import io.rapport.catalog.Step;
import io.rapport.config.SettingsLoader.LoadedSettings;
import io.rapport.errors.RapportException;
import io.rapport.pipeline.IngestStage;
import io.rapport.pipeline.PipelineRun;
import io.rapport.pipeline.StageReport;
import io.rapport.warehouse.JsonFiles;
import io.rapport.warehouse.Manifest;
import io.rapport.warehouse.Publisher;
import io.rapport.warehouse.WarehouseLayout;
import java.nio.file.Path;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.SparkSession;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.batch.core.BatchStatus;
import org.springframework.batch.core.ExitStatus;
import org.springframework.batch.core.configuration.support.MapJobRegistry;
import org.springframework.batch.core.job.Job;
import org.springframework.batch.core.job.JobExecution;
import org.springframework.batch.core.job.JobInstance;
import org.springframework.batch.core.job.parameters.JobParameters;
import org.springframework.batch.core.job.parameters.JobParametersBuilder;
import org.springframework.batch.core.launch.support.TaskExecutorJobOperator;
import org.springframework.batch.core.repository.JobRepository;
import org.springframework.batch.core.step.StepExecution;
import org.springframework.context.annotation.AnnotationConfigApplicationContext;
import org.springframework.transaction.PlatformTransactionManager;

/**
 * Runs the job for one as-of date with the semantics of SPEC section 6: a completed date is a
 * no-op unless forced; a failed date is restarted (completed steps are skipped); an execution
 * left "running" by a killed process is marked failed and restarted; the exit code says how it
 * ended (0 success or already complete, 1 run failed, 2 configuration or input contract, 3 data
 * quality).
 */
public final class RunLauncher {
  public static final String PARAM_AS_OF = "as_of_date";
  /** Identifies a forced re-run: each --force on a completed date is a new job instance. */
  public static final String PARAM_RERUN = "rerun";
  /**
   * The metrics whose anomaly a run accepts ({@code --accept-anomaly}), comma-separated. Not
   * identifying: a failed run restarted with it is the same job instance, resumed at the gate.
   */
  public static final String PARAM_ACCEPT_ANOMALY = "accept_anomaly";
  private static final Logger LOG = LoggerFactory.getLogger(RunLauncher.class);

  private RunLauncher() {}

  /**
   * How a run ended, with what the summary and the JSON output print.
   *
   * @param error the one-line reason of a failure (null on success)
   * @param errorDetails the file, column and rule the failure names, as far as known (null on success)
   * @param failedStep the step that failed (null when none did)
   * @param manifest the date's manifest after the run: the new one, or for a no-op the one in place (null after a failure)
   * @param inputs each source's row accounting: the manifest's, or after a failure the ingest step's if it finished
   * @param jobInstanceId the job instance this outcome reports: the one that ran, or for a no-op the one that published
   * @param jobExecutionId likewise, the execution
   * @param publishedBy who published the date's current snapshot (null when the date has none)
   */
  public record Outcome(
      int exitCode, LocalDate asOf, boolean alreadyComplete, BatchStatus status, String error,
      RapportErrors.Details errorDetails, String failedStep, Manifest manifest, Map<String, Manifest.SourceAccounting> inputs,
      List<StepLine> steps, long jobInstanceId, long jobExecutionId, PublishedBy publishedBy) {}

  /** The job instance and execution whose publish wrote a date's current snapshot, from its manifest. */
  public record PublishedBy(long jobInstanceId, long jobExecutionId, String publishedAt) {
    static PublishedBy of(Manifest manifest) {
      return manifest == null ? null : new PublishedBy(manifest.jobInstanceId(), manifest.jobExecutionId(), manifest.publishedAt());
    }
  }

  /**
   * One step as last run for the instance.
   *
   * @param note empty, or which earlier execution completed the step when this one skipped it
   * @param jobExecutionId the execution that ran the step (0 when it has not run)
   */
  public record StepLine(String step, String status, double seconds, long read, long filtered, long written, String note,
      long jobExecutionId) {}

  public static Outcome run(LoadedSettings loaded, LocalDate asOf, boolean force, SparkSession spark) {
    return run(loaded, asOf, force, java.util.Set.of(), spark);
  }

  /** @param acceptedAnomalies metrics whose anomaly this run accepts (empty: none) */
  public static Outcome run(LoadedSettings loaded, LocalDate asOf, boolean force, java.util.Set<String> acceptedAnomalies,
      SparkSession spark) {
    var settings = loaded.settings();
    WarehouseLayout layout = new WarehouseLayout(settings.warehouse());
    String url = settings.jobRepository().url();
    // The date lock comes first: a second run of the date must refuse with a message naming the
    // lock, not trip over the embedded database the first run holds open.
    try (DateLock lock = DateLock.acquire(lockFolder(url), asOf);
         JobRepositories.RunRepository runRepository = JobRepositories.openForRun(url)) {
      JobRepositories.Repository repository = runRepository.repository();
      JobRepository jobs = repository.jobRepository();
      removeLeftoverStaging(jobs, spark.sparkContext().hadoopConfiguration(), layout, asOf);
      try (AnnotationConfigApplicationContext context = jobContext(new RunContext(loaded, asOf, spark), repository)) {
        Job job = context.getBean(Job.class);
        JobParameters params = parameters(asOf, 0);
        JobExecution last = jobs.getLastJobExecution(RapportJobConfiguration.JOB_NAME, params);
        if (last != null && last.getStatus() == BatchStatus.COMPLETED && force) {
          params = forcedParameters(jobs, asOf);
          last = jobs.getLastJobExecution(RapportJobConfiguration.JOB_NAME, params);
        } else if (last != null && force) {
          // --force on a date that never completed starts it over from its inputs in a new job
          // instance, instead of restarting the failed one at its failed step with tables built
          // from the export as it was (e.g. after an anomaly, once the export is repaired).
          if (last.isRunning()) {
            markAbandoned(jobs, last);
          }
          params = newForcedParameters(jobs, asOf);
          last = null;
        }
        if (last != null && last.getStatus() == BatchStatus.COMPLETED) {
          Manifest published = readManifest(spark, layout, asOf);
          if (published != null) {
            return alreadyComplete(jobs, last, published, asOf);
          }
          // The job repository remembers the date as done, but this warehouse has no manifest for
          // it (a new, moved or emptied warehouse): nothing is published here, so the date is run
          // again, in a new instance (decision R13).
          LOG.warn("{} completed before (job instance {}) but {} holds no manifest for it; running it again",
              asOf, last.getJobInstance().getInstanceId(), layout.root());
          params = forcedParameters(jobs, asOf);
          last = jobs.getLastJobExecution(RapportJobConfiguration.JOB_NAME, params);
        }
        if (last != null && last.isRunning()) {
          // We hold the date lock, so the process that ran it is gone (killed).
          markAbandoned(jobs, last);
        }
        TaskExecutorJobOperator operator = new TaskExecutorJobOperator();
        operator.setJobRepository(jobs);
        MapJobRegistry registry = new MapJobRegistry();
        registry.register(job);
        operator.setJobRegistry(registry);
        operator.afterPropertiesSet();
        if (!acceptedAnomalies.isEmpty()) {
          params = new JobParametersBuilder(params)
              .addString(PARAM_ACCEPT_ANOMALY, String.join(",", new java.util.TreeSet<>(acceptedAnomalies)), false)
              .toJobParameters();
        }
        JobExecution execution = operator.start(job, params);
        return outcome(jobs, execution, spark, loaded, layout, asOf);
      }
    } catch (RapportException e) {
      throw e;
    } catch (Exception e) {
      throw new IllegalStateException("Cannot run " + asOf + ": " + e.getMessage(), e);
    }
  }

  /**
   * A no-op on a complete date. It names the execution that published the snapshot in place (the
   * manifest says which): after {@code --force}, that is the forced re-run's instance, not the
   * date's first instance, which is the one the no-op decision looks at.
   */
  private static Outcome alreadyComplete(JobRepository jobs, JobExecution completed, Manifest manifest, LocalDate asOf) {
    JobExecution publisher = manifest == null ? null : jobs.getJobExecution(manifest.jobExecutionId());
    // A manifest written through another job repository (the warehouse outlived its repository)
    // names ids this one does not know, or knows as something else: then the completed instance speaks.
    if (publisher == null || publisher.getJobInstance() == null
        || publisher.getJobInstance().getInstanceId() != manifest.jobInstanceId()
        || !asOf.toString().equals(publisher.getJobParameters().getString(PARAM_AS_OF))) {
      publisher = completed;
    }
    return new Outcome(0, asOf, true, BatchStatus.COMPLETED, null, null, null, manifest,
        manifest == null ? Map.of() : manifest.inputs(), steps(jobs, publisher),
        publisher.getJobInstance().getInstanceId(), publisher.getId(), PublishedBy.of(manifest));
  }

  /**
   * Deletes the staging folders that dead runs of this date left behind, for job instances that
   * can never use them again: COMPLETED ones (published, or superseded) and ABANDONED ones (not
   * restartable). A FAILED or STARTED instance keeps its folder, since a restart resumes from it;
   * folders of instances this repository does not know are left alone too (another repository
   * may own them). Safe because the caller holds the date lock: no live run of the date exists.
   */
  static List<org.apache.hadoop.fs.Path> removeLeftoverStaging(JobRepository jobs,
      org.apache.hadoop.conf.Configuration conf, WarehouseLayout layout, LocalDate asOf) {
    List<org.apache.hadoop.fs.Path> removed = Publisher.removeLeftovers(conf, layout, asOf, instanceId -> {
      JobInstance instance = jobs.getJobInstance(instanceId);
      if (instance == null || !RapportJobConfiguration.JOB_NAME.equals(instance.getJobName())) {
        return false;
      }
      JobExecution last = jobs.getLastJobExecution(instance);
      if (last == null || !asOf.toString().equals(last.getJobParameters().getString(PARAM_AS_OF))) {
        return false;
      }
      return last.getStatus() == BatchStatus.COMPLETED || last.getStatus() == BatchStatus.ABANDONED;
    });
    for (var path : removed) {
      LOG.info("removed leftover {} of a finished run", path);
    }
    return removed;
  }

  private static AnnotationConfigApplicationContext jobContext(RunContext runContext, JobRepositories.Repository repository) {
    AnnotationConfigApplicationContext context = new AnnotationConfigApplicationContext();
    context.registerBean(RunContext.class, () -> runContext);
    context.registerBean(JobRepository.class, repository::jobRepository);
    context.registerBean(PlatformTransactionManager.class, repository::transactionManager);
    context.register(RapportJobConfiguration.class);
    context.refresh();
    return context;
  }

  /** The accepted anomalies a job execution was started with. */
  public static java.util.Set<String> acceptedAnomalies(JobParameters params) {
    String value = params.getString(PARAM_ACCEPT_ANOMALY);
    return value == null || value.isBlank() ? java.util.Set.of() : java.util.Set.of(value.split(","));
  }

  static JobParameters parameters(LocalDate asOf, long rerun) {
    JobParametersBuilder builder = new JobParametersBuilder().addString(PARAM_AS_OF, asOf.toString());
    if (rerun > 0) {
      builder.addLong(PARAM_RERUN, rerun);
    }
    return builder.toJobParameters();
  }

  /** The newest forced re-run if it did not complete (restart it), otherwise the next one. */
  private static JobParameters forcedParameters(JobRepository jobs, LocalDate asOf) {
    long rerun = 1;
    while (jobs.getJobInstance(RapportJobConfiguration.JOB_NAME, parameters(asOf, rerun + 1)) != null) {
      rerun++;
    }
    JobExecution newest = jobs.getLastJobExecution(RapportJobConfiguration.JOB_NAME, parameters(asOf, rerun));
    if (newest != null && newest.getStatus() == BatchStatus.COMPLETED) {
      rerun++;
    }
    return parameters(asOf, rerun);
  }

  /** A forced re-run instance that does not exist yet: the date starts over. */
  private static JobParameters newForcedParameters(JobRepository jobs, LocalDate asOf) {
    long rerun = 1;
    while (jobs.getJobInstance(RapportJobConfiguration.JOB_NAME, parameters(asOf, rerun)) != null) {
      rerun++;
    }
    return parameters(asOf, rerun);
  }

  private static void markAbandoned(JobRepository jobs, JobExecution stale) {
    LOG.warn("execution {} for {} is marked as running but its process is gone; marking it failed and restarting",
        stale.getId(), stale.getJobParameters().getString(PARAM_AS_OF));
    LocalDateTime now = LocalDateTime.now();
    for (StepExecution step : stale.getStepExecutions()) {
      if (step.getStatus().isRunning()) {
        step.setStatus(BatchStatus.FAILED);
        step.setExitStatus(ExitStatus.FAILED.addExitDescription("process killed"));
        step.setEndTime(now);
        jobs.update(step);
      }
    }
    stale.setStatus(BatchStatus.FAILED);
    stale.setExitStatus(ExitStatus.FAILED.addExitDescription("process killed; recovered by a later run"));
    stale.setEndTime(now);
    jobs.update(stale);
  }

  private static Outcome outcome(JobRepository jobs, JobExecution execution, SparkSession spark, LoadedSettings loaded,
      WarehouseLayout layout, LocalDate asOf) {
    long instanceId = execution.getJobInstance().getInstanceId();
    List<StepLine> steps = steps(jobs, execution);
    if (execution.getStatus() == BatchStatus.COMPLETED) {
      Manifest manifest = readManifest(spark, layout, asOf);
      return new Outcome(0, asOf, false, execution.getStatus(), null, null, null, manifest,
          manifest == null ? Map.of() : manifest.inputs(), steps, instanceId, execution.getId(), PublishedBy.of(manifest));
    }
    int exitCode = 1;
    String error = execution.getExitStatus().getExitDescription();
    RapportErrors.Details details = RapportErrors.parse(RapportErrors.KIND_RUN_FAILED, error);
    Throwable failure = execution.getAllFailureExceptions().stream().filter(RapportErrors::isExpected).findFirst()
        .orElse(execution.getAllFailureExceptions().isEmpty() ? null : execution.getAllFailureExceptions().get(0));
    if (failure != null) {
      exitCode = RapportErrors.exitCode(failure);
      error = RapportErrors.message(failure);
      details = RapportErrors.details(failure);
    }
    String failedStep = steps.stream().filter(s -> s.status().equals(BatchStatus.FAILED.name()) && s.note().isEmpty())
        .map(StepLine::step).findFirst().orElse(null);
    // The earlier steps' reports are in the instance's staging area: the summary can still show
    // what ingest read when a later step failed.
    PipelineRun run = new PipelineRun(spark, loaded.settings(), asOf, layout, layout.staging(asOf, instanceId));
    StageReport ingest = run.loadReport(IngestStage.NAME);
    Manifest previous = readManifest(spark, layout, asOf);
    return new Outcome(exitCode, asOf, false, execution.getStatus(), error, details, failedStep, null,
        ingest == null ? Map.of() : ingest.inputs(), steps, instanceId, execution.getId(), PublishedBy.of(previous));
  }

  /** Every step of the instance, as last run (a restart shows completed steps from earlier executions). */
  private static List<StepLine> steps(JobRepository jobs, JobExecution execution) {
    List<StepLine> lines = new ArrayList<>();
    for (Step stepOfJob : Step.values()) {
      String name = stepOfJob.id();
      StepExecution step = jobs.getLastStepExecution(execution.getJobInstance(), name);
      if (step == null) {
        lines.add(new StepLine(name, "NOT RUN", 0, 0, 0, 0, "", 0));
        continue;
      }
      String note = step.getJobExecutionId() == execution.getId() ? "" : "(completed by execution " + step.getJobExecutionId() + ", not redone)";
      lines.add(new StepLine(name, step.getStatus().name(), RunFacts.seconds(step), step.getReadCount(),
          step.getFilterCount(), step.getWriteCount(), note, step.getJobExecutionId()));
    }
    return lines;
  }

  private static Manifest readManifest(SparkSession spark, WarehouseLayout layout, LocalDate asOf) {
    var conf = spark.sparkContext().hadoopConfiguration();
    var path = layout.manifest(asOf);
    return JsonFiles.exists(conf, path) ? JsonFiles.read(conf, path, Manifest.class) : null;
  }

  /** The process on this machine that last held a date's run lock, and whether it is still alive (for status). */
  public record RunProcess(long pid, boolean alive) {}

  public static java.util.Optional<RunProcess> lastRunProcess(String jobRepositoryUrl, LocalDate asOf) {
    java.util.OptionalLong pid = DateLock.lastHolder(lockFolder(jobRepositoryUrl), asOf);
    if (pid.isEmpty()) {
      return java.util.Optional.empty();
    }
    boolean alive = ProcessHandle.of(pid.getAsLong()).map(ProcessHandle::isAlive).orElse(false);
    return java.util.Optional.of(new RunProcess(pid.getAsLong(), alive));
  }

  /** Locks live beside the embedded job repository (./var), or in the temp folder for PostgreSQL. */
  static Path lockFolder(String jobRepositoryUrl) {
    if (jobRepositoryUrl.startsWith("jdbc:h2:file:")) {
      String file = jobRepositoryUrl.substring("jdbc:h2:file:".length()).split(";")[0];
      return Path.of(file).toAbsolutePath().getParent().resolve("locks");
    }
    return Path.of(System.getProperty("java.io.tmpdir"), "rapport-locks");
  }
}
