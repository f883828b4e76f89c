package io.rapport.jobs;

import io.rapport.pipeline.FactsStage;
import io.rapport.pipeline.IngestStage;
import io.rapport.pipeline.ModelsStage;
import io.rapport.pipeline.PipelineRun;
import io.rapport.pipeline.PublishStage;
import io.rapport.pipeline.QualityStage;
import io.rapport.pipeline.StageReport;
import java.util.function.Function;
import org.springframework.batch.core.job.Job;
import org.springframework.batch.core.job.builder.JobBuilder;
import org.springframework.batch.core.job.parameters.DefaultJobParametersValidator;
import org.springframework.batch.core.repository.JobRepository;
import org.springframework.batch.core.step.Step;
import org.springframework.batch.core.step.builder.StepBuilder;
import org.springframework.batch.infrastructure.repeat.RepeatStatus;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.transaction.PlatformTransactionManager;

/**
 * The Rapport job: ingest and validate -> facts -> models and metrics -> quality gate -> publish
 * (SPEC section 6). Each step is a tasklet over one {@code pipeline-core} stage; a restarted
 * instance skips the steps that completed, because their output is in the instance's staging area.
 */
@Configuration
public class RapportJobConfiguration {
  public static final String JOB_NAME = "rapport";
  public static final String STEP_INGEST = "ingest";
  public static final String STEP_FACTS = "facts";
  public static final String STEP_MODELS = "models";
  public static final String STEP_QUALITY = "quality-gate";
  public static final String STEP_PUBLISH = "publish";

  @Bean
  public Step ingest(JobRepository repository, PlatformTransactionManager tm, RunContext context) {
    return stageStep(STEP_INGEST, repository, tm, context, IngestStage::run);
  }

  @Bean
  public Step facts(JobRepository repository, PlatformTransactionManager tm, RunContext context) {
    return stageStep(STEP_FACTS, repository, tm, context, FactsStage::run);
  }

  @Bean
  public Step models(JobRepository repository, PlatformTransactionManager tm, RunContext context) {
    return stageStep(STEP_MODELS, repository, tm, context, ModelsStage::run);
  }

  @Bean
  public Step qualityGate(JobRepository repository, PlatformTransactionManager tm, RunContext context) {
    return stageStep(STEP_QUALITY, repository, tm, context, QualityStage::run);
  }

  @Bean
  public Step publish(JobRepository repository, PlatformTransactionManager tm, RunContext context) {
    return new StepBuilder(STEP_PUBLISH, repository)
        .tasklet((contribution, chunk) -> {
          FailureInjection.maybeFail(STEP_PUBLISH);
          var step = contribution.getStepExecution();
          PipelineRun run = context.pipelineRun(step);
          var manifest = PublishStage.run(run, RunFacts.of(context, repository, step));
          contribution.incrementWriteCount(manifest.outputRows().size());
          return RepeatStatus.FINISHED;
        }, tm)
        .listener(new StepLogger())
        .build();
  }

  @Bean
  public Job rapportJob(JobRepository repository, Step ingest, Step facts, Step models, Step qualityGate, Step publish) {
    DefaultJobParametersValidator validator =
        new DefaultJobParametersValidator(new String[] {RunLauncher.PARAM_AS_OF}, new String[] {RunLauncher.PARAM_RERUN});
    return new JobBuilder(JOB_NAME, repository)
        .validator(validator)
        .start(ingest).next(facts).next(models).next(qualityGate).next(publish)
        .build();
  }

  /** A step that runs one stage and reports its row counts into the step's write count. */
  private static Step stageStep(String name, JobRepository repository, PlatformTransactionManager tm,
      RunContext context, Function<PipelineRun, StageReport> stage) {
    return new StepBuilder(name, repository)
        .tasklet((contribution, chunk) -> {
          FailureInjection.maybeFail(name);
          StageReport report = stage.apply(context.pipelineRun(contribution.getStepExecution()));
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
}
