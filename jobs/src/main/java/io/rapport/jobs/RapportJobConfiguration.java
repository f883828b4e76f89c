package io.rapport.jobs;

import io.rapport.catalog.Step;
import io.rapport.pipeline.BuildStage;
import io.rapport.pipeline.IngestStage;
import io.rapport.pipeline.PipelineRun;
import io.rapport.pipeline.PublishStage;
import io.rapport.pipeline.QualityStage;
import io.rapport.pipeline.StageReport;
import java.util.function.BiFunction;
import org.springframework.batch.core.job.Job;
import org.springframework.batch.core.job.builder.JobBuilder;
import org.springframework.batch.core.job.builder.SimpleJobBuilder;
import org.springframework.batch.core.job.parameters.DefaultJobParametersValidator;
import org.springframework.batch.core.job.parameters.JobParameters;
import org.springframework.batch.core.repository.JobRepository;
import org.springframework.batch.core.step.builder.StepBuilder;
import org.springframework.batch.infrastructure.repeat.RepeatStatus;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.transaction.PlatformTransactionManager;

/**
 * The Rapport job: one tasklet step per {@link Step}, in that enum's order (ingest and validate ->
 * facts -> models and metrics -> quality gate -> publish, SPEC section 6). Each tasklet calls one
 * {@code pipeline-core} stage; a restarted instance skips the steps that completed, because their
 * output is in the instance's staging area.
 */
@Configuration
public class RapportJobConfiguration {
  public static final String JOB_NAME = "rapport";

  @Bean
  public Job rapportJob(JobRepository repository, PlatformTransactionManager tm, RunContext context) {
    DefaultJobParametersValidator validator =
        new DefaultJobParametersValidator(new String[] {RunLauncher.PARAM_AS_OF}, new String[] {RunLauncher.PARAM_RERUN, RunLauncher.PARAM_ACCEPT_ANOMALY});
    SimpleJobBuilder job = null;
    for (Step step : Step.values()) {
      org.springframework.batch.core.step.Step batchStep = step == Step.PUBLISH
          ? publishStep(repository, tm, context)
          : stageStep(step, repository, tm, context, stage(step));
      job = job == null ? new JobBuilder(JOB_NAME, repository).validator(validator).start(batchStep) : job.next(batchStep);
    }
    return job.build();
  }

  private static BiFunction<PipelineRun, JobParameters, StageReport> stage(Step step) {
    return switch (step) {
      case INGEST -> (run, params) -> IngestStage.run(run);
      case FACTS, MODELS -> (run, params) -> BuildStage.run(run, step);
      case QUALITY_GATE -> (run, params) -> QualityStage.run(run, RunLauncher.acceptedAnomalies(params));
      case PUBLISH -> throw new IllegalArgumentException("publish writes a manifest, not a stage report");
    };
  }

  /** A step that runs one stage and reports its row counts into the step's write count. */
  private static org.springframework.batch.core.step.Step stageStep(Step step, JobRepository repository,
      PlatformTransactionManager tm, RunContext context, BiFunction<PipelineRun, JobParameters, StageReport> stage) {
    return new StepBuilder(step.id(), repository)
        .tasklet((contribution, chunk) -> {
          FailureInjection.maybeFail(step.id());
          StageReport report = stage.apply(context.pipelineRun(contribution.getStepExecution()),
              contribution.getStepExecution().getJobExecution().getJobParameters());
          // Spring Batch's step report shows rows read, filtered out (rejected, duplicate, after
          // the as-of date) and written; StepContribution has no bulk read increment.
          contribution.getStepExecution().setReadCount(
              report.inputs().values().stream().mapToLong(input -> input.read()).sum());
          contribution.incrementFilterCount(report.inputs().values().stream()
              .mapToLong(input -> input.rejected() + input.duplicates() + input.afterAsOf()).sum());
          contribution.incrementWriteCount(report.rowsWritten().values().stream().mapToLong(Long::longValue).sum());
          return RepeatStatus.FINISHED;
        }, tm)
        .listener(new StepLogger())
        .build();
  }

  private static org.springframework.batch.core.step.Step publishStep(JobRepository repository,
      PlatformTransactionManager tm, RunContext context) {
    return new StepBuilder(Step.PUBLISH.id(), repository)
        .tasklet((contribution, chunk) -> {
          FailureInjection.maybeFail(Step.PUBLISH.id());
          var step = contribution.getStepExecution();
          PipelineRun run = context.pipelineRun(step);
          var manifest = PublishStage.run(run, RunFacts.of(context, repository, step));
          contribution.incrementWriteCount(manifest.outputRows().size());
          return RepeatStatus.FINISHED;
        }, tm)
        .listener(new StepLogger())
        .build();
  }
}
