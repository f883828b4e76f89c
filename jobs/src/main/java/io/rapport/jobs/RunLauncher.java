package io.rapport.jobs;

import io.rapport.catalog.Step;
import io.rapport.config.SettingsLoader.LoadedSettings;
import io.rapport.errors.RapportException;
import io.rapport.warehouse.JsonFiles;
import io.rapport.warehouse.Manifest;
import io.rapport.warehouse.Publisher;
import io.rapport.warehouse.WarehouseLayout;
import java.nio.file.Path;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.util.ArrayList;
import java.util.List;
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
  private static final Logger LOG = LoggerFactory.getLogger(RunLauncher.class);

  private RunLauncher() {}

  /** How a run ended, with what the summary prints. */
  public record Outcome(
      int exitCode, LocalDate asOf, boolean alreadyComplete, BatchStatus status, String error,
      Manifest manifest, List<StepLine> steps, long jobInstanceId, long jobExecutionId) {}

  public record StepLine(String step, String status, double seconds, long read, long filtered, long written, String note) {}

  public static Outcome run(LoadedSettings loaded, LocalDate asOf, boolean force, SparkSession spark) {
    var settings = loaded.settings();
    WarehouseLayout layout = new WarehouseLayout(settings.warehouse());
    String url = settings.jobRepository().url();
    // The date lock comes first: a second run of the date must refuse with a message naming the
    // lock, not trip over the embedded database the first run holds open.
    try (DateLock lock = DateLock.acquire(lockFolder(url), asOf)) {
      JobRepositories.Repository repository = JobRepositories.open(url);
      JobRepository jobs = repository.jobRepository();
      removeLeftoverStaging(jobs, spark.sparkContext().hadoopConfiguration(), layout, asOf);
      try (AnnotationConfigApplicationContext context = jobContext(new RunContext(loaded, asOf, spark), repository)) {
        Job job = context.getBean(Job.class);
        JobParameters params = parameters(asOf, 0);
        JobExecution last = jobs.getLastJobExecution(RapportJobConfiguration.JOB_NAME, params);
        if (last != null && last.getStatus() == BatchStatus.COMPLETED && force) {
          params = forcedParameters(jobs, asOf);
          last = jobs.getLastJobExecution(RapportJobConfiguration.JOB_NAME, params);
        }
        if (last != null && last.getStatus() == BatchStatus.COMPLETED) {
          Manifest manifest = readManifest(spark, layout, asOf);
          return new Outcome(0, asOf, true, BatchStatus.COMPLETED, null, manifest, steps(jobs, last),
              last.getJobInstance().getInstanceId(), last.getId());
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
        JobExecution execution = operator.start(job, params);
        return outcome(jobs, execution, spark, layout, asOf);
      }
    } catch (RapportException e) {
      throw e;
    } catch (Exception e) {
      throw new IllegalStateException("Cannot run " + asOf + ": " + e.getMessage(), e);
    }
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

  private static Outcome outcome(JobRepository jobs, JobExecution execution, SparkSession spark,
      WarehouseLayout layout, LocalDate asOf) {
    long instanceId = execution.getJobInstance().getInstanceId();
    if (execution.getStatus() == BatchStatus.COMPLETED) {
      return new Outcome(0, asOf, false, execution.getStatus(), null, readManifest(spark, layout, asOf),
          steps(jobs, execution), instanceId, execution.getId());
    }
    int exitCode = 1;
    String error = execution.getExitStatus().getExitDescription();
    for (Throwable failure : execution.getAllFailureExceptions()) {
      RapportException known = RapportErrors.find(failure);
      if (known != null) {
        exitCode = known.exitCode();
        error = known.getMessage();
        break;
      }
      error = RapportErrors.describe(failure);
    }
    return new Outcome(exitCode, asOf, false, execution.getStatus(), error, null, steps(jobs, execution),
        instanceId, execution.getId());
  }

  /** Every step of the instance, as last run (a restart shows completed steps from earlier executions). */
  private static List<StepLine> steps(JobRepository jobs, JobExecution execution) {
    List<StepLine> lines = new ArrayList<>();
    for (Step stepOfJob : Step.values()) {
      String name = stepOfJob.id();
      StepExecution step = jobs.getLastStepExecution(execution.getJobInstance(), name);
      if (step == null) {
        lines.add(new StepLine(name, "NOT RUN", 0, 0, 0, 0, ""));
        continue;
      }
      String note = step.getJobExecutionId() == execution.getId() ? "" : "(completed by execution " + step.getJobExecutionId() + ", not redone)";
      lines.add(new StepLine(name, step.getStatus().name(), RunFacts.seconds(step), step.getReadCount(),
          step.getFilterCount(), step.getWriteCount(), note));
    }
    return lines;
  }

  private static Manifest readManifest(SparkSession spark, WarehouseLayout layout, LocalDate asOf) {
    var conf = spark.sparkContext().hadoopConfiguration();
    var path = layout.manifest(asOf);
    return JsonFiles.exists(conf, path) ? JsonFiles.read(conf, path, Manifest.class) : null;
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
